package io.github.flowisesso.bench;

import io.github.flowisesso.testsupport.Chromium;
import io.github.flowisesso.testsupport.EntraStandIn;
import io.github.flowisesso.testsupport.EntraUser;
import io.github.flowisesso.testsupport.FlowiseLastHop;
import io.github.flowisesso.testsupport.FreePorts;
import io.github.flowisesso.testsupport.KeycloakServer;
import io.github.flowisesso.testsupport.TestEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * 6. The last hop into Flowise, in Chromium against real Flowise 3.1.4 on this machine: a person with a Keycloak
 * session arriving at the door, through Keycloak's redirect, the door, the bridge and Flowise's login API, until
 * Flowise's UI shows the chatflows (A), against Flowise's own password login on Flowise itself, from opening its
 * sign-in page until the same UI is ready (B). Interleaved rounds, A' for the noise floor.
 */
final class FlowiseHopBenchmark {

    private static final By CHATFLOWS = By.xpath("//*[normalize-space(text())='Chatflows']");

    private FlowiseHopBenchmark() {
    }

    static void run(Path work, Path repoRoot, Report report, int warmup, int rounds, Duration budget) throws Exception {
        if (!FlowiseLastHop.installed()) {
            report.section("6. The last hop into Flowise");
            report.paragraph("Not measured in this run: real Flowise (`flowise/install`) or Apache with mod_auth_openidc is not installed.");
            return;
        }
        Benchmarks.run(List.of("rm", "-rf", work.toString()));
        try (EntraStandIn entra = new EntraStandIn(0);
             FlowiseLastHop hop = new FlowiseLastHop(work, repoRoot, "localhost", FreePorts.next())) {
            // Flowise's own sign-in page runs on Flowise's origin, which its session endpoints must accept.
            hop.flowiseEnvironment("CORS_ORIGINS", hop.flowiseInternalUrl()).startFlowise();
            String secret = UUID.randomUUID().toString();
            String adminSecret = UUID.randomUUID().toString();
            try (KeycloakServer keycloak = hop.startKeycloak(entra, secret, adminSecret);
                 var admin = TestEnvironment.adminClient(keycloak, adminSecret);
                 Chromium chromium = Chromium.start("en")) {
                hop.startBridgeAndDoor(keycloak.baseUrl() + "/realms/" + TestEnvironment.REALM, secret);
                WebDriver driver = chromium.driver();
                String email = "bench-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
                enroll(driver, keycloak, admin, entra, email);

                Interleaved.Variant throughTheDoor = new Interleaved.Variant("door", i -> {
                    forgetFlowise(driver, hop.doorUrl(), true);
                    long t = System.nanoTime();
                    driver.get(hop.doorUrl() + "/");
                    awaitUi(driver);
                    return System.nanoTime() - t;
                });
                Interleaved.Variant flowisesOwn = new Interleaved.Variant("flowise", i -> {
                    forgetFlowise(driver, hop.flowiseInternalUrl(), false);
                    long t = System.nanoTime();
                    driver.get(hop.flowiseInternalUrl() + "/signin");
                    wait(driver).until(d -> !d.findElements(By.name("username")).isEmpty());
                    driver.findElement(By.name("username")).sendKeys(FlowiseLastHop.ACCOUNT_EMAIL);
                    driver.findElement(By.name("password")).sendKeys(hop.accountPassword());
                    driver.findElement(By.cssSelector("form button[type=submit]")).click();
                    awaitUi(driver);
                    return System.nanoTime() - t;
                });
                Interleaved.Variant doorAgain = new Interleaved.Variant("door'", throughTheDoor.measure());
                Interleaved.Result result = Interleaved.run(List.of(throughTheDoor, flowisesOwn, doorAgain), warmup, rounds, budget);
                Interleaved.writeCsv(work.getParent().resolve("flowise-hop.csv"), result);
                Comparison hopVsOwn = new Comparison("arrival → Flowise's UI ready", result.of("door"), result.of("flowise"), result.of("door'"));

                report.section("6. The last hop into Flowise");
                report.paragraph(String.format("""
                    Real Flowise 3.1.4 (npm, Node 24) behind the shipped door (Apache httpd + mod_auth_openidc on
                    `door/flowise-door.conf`) and the bridge jar, Keycloak 26.7.3 on its embedded database, all on
                    loopback, driven by Chromium (headless, one browser). **A (through the door)**: a person with a
                    Keycloak session and no Flowise or door session opens Flowise's URL; the door sends the browser
                    to Keycloak, Keycloak redirects back at once, the door redeems the code, the bridge checks the token
                    and signs into Flowise through its login API, and Flowise's UI loads; timed from the navigation to
                    the chatflows page being shown. **B (Flowise's own password login)**: on Flowise itself, without
                    door or bridge: opening its sign-in page, typing email and password, submitting, until the same
                    page is shown. Before each sample the browser forgets Flowise's and the door's cookies and
                    storage (Keycloak's session stays). %d warm-up rounds, then %d rounds%s, shuffled order.""",
                    warmup, result.rounds(), result.stoppedEarly() ? " (stopped by the time budget)" : ""));
                report.table(Comparison.header("A (door)", "B (Flowise's own)"), List.of(hopVsOwn.durationRow()));
                report.goal("Last hop into Flowise: Keycloak's redirect to Flowise's UI ready through the bridge ÷ Flowise's own "
                        + "password login (median, " + hopVsOwn.a().n() + " pairs)",
                    Report.ratio(hopVsOwn.medianRatio()), "≤ 1.2", hopVsOwn.medianRatio() <= 1.2);
            }
        }
    }

    /** Enrols the benchmark's person through an invitation, leaving a Keycloak session in the browser. */
    private static void enroll(WebDriver driver, KeycloakServer keycloak, org.keycloak.admin.client.Keycloak admin,
                               EntraStandIn entra, String email) throws Exception {
        var api = TestEnvironment.invitationApi(keycloak, admin);
        var answer = api.create("flowise", Map.of("email", email, "loginType", "SSO", "roles", List.of("admin"), "sendEmail", false));
        if (answer.status() != 201) {
            throw new IllegalStateException("invitation: " + answer);
        }
        driver.get((String) answer.json().get("link"));
        driver.findElement(By.id("invitation-accept")).click();
        wait(driver).until(d -> d.getCurrentUrl().startsWith(entra.issuer()));
        driver.findElement(By.name("username")).sendKeys("bench-" + email);
        driver.findElement(By.name("claims")).sendKeys(new com.fasterxml.jackson.databind.ObjectMapper()
            .writeValueAsString(EntraUser.of(entra.tenantId(), email).claims()));
        driver.findElement(By.cssSelector("input[type=submit]")).click();
        awaitUi(driver);
    }

    /**
     * Drops Flowise's storage of that origin and its cookies: all of the door's host (localhost), or on Flowise's own
     * origin (127.0.0.1, which Keycloak's session shares, cookies knowing no ports) only Flowise's three.
     */
    private static void forgetFlowise(WebDriver driver, String origin, boolean wholeHost) {
        driver.get(origin + "/api/v1/ping");
        ((JavascriptExecutor) driver).executeScript("localStorage.clear(); sessionStorage.clear();");
        if (wholeHost) {
            driver.manage().deleteAllCookies();
        } else {
            for (String name : List.of("token", "refreshToken", "connect.sid")) {
                driver.manage().deleteCookieNamed(name);
            }
        }
    }

    private static void awaitUi(WebDriver driver) {
        wait(driver).until(d -> !d.findElements(CHATFLOWS).isEmpty() && !d.getCurrentUrl().contains("/signin"));
    }

    private static WebDriverWait wait(WebDriver driver) {
        return new WebDriverWait(driver, Duration.ofSeconds(30));
    }
}
