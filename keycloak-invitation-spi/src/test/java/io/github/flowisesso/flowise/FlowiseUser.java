package io.github.flowisesso.flowise;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flowisesso.testsupport.Chromium;
import io.github.flowisesso.testsupport.EntraUser;
import io.github.flowisesso.testsupport.InvitationApi;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/** What a person does in the browser against the stack: invitations, Entra sign-in, Flowise's UI and API. */
final class FlowiseUser {

    static final Duration PATIENCE = Duration.ofSeconds(30);

    private FlowiseUser() {
    }

    static String newEmail(String prefix) {
        return io.github.flowisesso.testsupport.StateAssertions.newEmail(prefix);
    }

    /** An invitation through the real admin API, handed over without email: its link. */
    static String invite(FlowiseStack stack, String email, String loginType, String... roles) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("email", email);
        body.put("loginType", loginType);
        body.put("roles", List.of(roles));
        body.put("sendEmail", false);
        InvitationApi.Answer answer = stack.invitationApi().create("flowise", body);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
        return (String) answer.json().get("link");
    }

    /** Fills the Entra stand-in's form as the Entra user would sign in. */
    static void signInAtEntra(WebDriver driver, FlowiseStack stack, String email) {
        waitFor(driver, d -> d.getCurrentUrl().startsWith(stack.entra().issuer()));
        driver.findElement(By.name("username")).sendKeys("entra-" + email);
        driver.findElement(By.name("claims")).sendKeys(json(EntraUser.of(stack.entra().tenantId(), email)));
        driver.findElement(By.cssSelector("input[type=submit]")).click();
    }

    /** Follows an SSO invitation link through Entra; ends wherever the journey ends. */
    static void enrollWithEntra(WebDriver driver, FlowiseStack stack, String link, String email) {
        driver.get(link);
        driver.findElement(By.id("invitation-accept")).click();
        signInAtEntra(driver, stack, email);
    }

    /** A new browser with a person invited with these Flowise roles (none: no role), enrolled through Entra. */
    static Chromium enrolled(FlowiseStack stack, String email, String... roles) {
        Chromium chromium = Chromium.start("en");
        try {
            enrollWithEntra(chromium.driver(), stack, invite(stack, email, "SSO", roles), email);
            return chromium;
        } catch (RuntimeException | Error e) {
            chromium.close();
            throw e;
        }
    }

    /** Signs in at Keycloak's sign-in page with Microsoft (the themed button of the shipped realm). */
    static void signInWithMicrosoft(WebDriver driver, FlowiseStack stack, String email) {
        waitFor(driver, d -> !d.findElements(By.id("social-entra")).isEmpty());
        driver.findElement(By.id("social-entra")).click();
        signInAtEntra(driver, stack, email);
    }

    /** Keycloak's sign-in page of the realm (not Flowise's). */
    static void awaitKeycloakSignIn(WebDriver driver, FlowiseStack stack) {
        waitFor(driver, d -> d.getCurrentUrl().startsWith(stack.issuer() + "/") && !d.findElements(By.id("social-entra")).isEmpty());
    }

    /** Flowise's Logout, as a person clicks it: the settings button in Flowise's header, then Logout. */
    static void clickFlowiseLogout(WebDriver driver) {
        By settings = By.xpath("//header//*[name()='svg' and contains(@class,'tabler-icon-settings')]/ancestor::*[contains(@class,'MuiAvatar-root')][1]");
        waitFor(driver, d -> !d.findElements(settings).isEmpty());
        driver.findElement(settings).click();
        By logout = By.xpath("//*[contains(@class,'MuiListItemButton-root')][.//*[normalize-space(text())='Logout']]");
        waitFor(driver, d -> !d.findElements(logout).isEmpty() && d.findElement(logout).isDisplayed());
        // The menu grows in with a transition: a click at coordinates could land on its neighbour while it moves.
        ((JavascriptExecutor) driver).executeScript("arguments[0].click();", driver.findElement(logout));
    }

    /** Flowise's own UI, signed in: its chatflows page, not its setup or sign-in page. */
    static void awaitFlowiseUi(WebDriver driver, FlowiseStack stack) {
        waitFor(driver, d -> d.getCurrentUrl().startsWith(stack.doorUrl() + "/")
            && !d.findElements(By.xpath("//*[normalize-space(text())='Chatflows']")).isEmpty());
        assertThat(driver.getCurrentUrl()).doesNotContain("/signin").doesNotContain("/organization-setup").doesNotContain("code=");
        assertThat(driver.getPageSource()).doesNotContain("Setup Account").doesNotContain("User Not Found");
    }

    /** A call from the page to Flowise's internal API, as its UI makes them (cookies, x-request-from: internal). */
    static int api(WebDriver driver, String method, String path, String jsonBody) {
        Object status = ((JavascriptExecutor) driver).executeAsyncScript(
            "const done = arguments[arguments.length - 1];"
                + "fetch(arguments[1], {method: arguments[0], credentials: 'include', redirect: 'manual',"
                + " headers: {'Content-Type': 'application/json', 'x-request-from': 'internal', 'Accept': 'application/json'},"
                + " body: arguments[2]}).then(r => done(r.status), e => done(-1));",
            method, path, jsonBody);
        return ((Number) status).intValue();
    }

    static void waitFor(WebDriver driver, java.util.function.Function<WebDriver, Boolean> condition) {
        new WebDriverWait(driver, PATIENCE).ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(condition);
    }

    static String json(EntraUser user) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(user.claims());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> localStorageKeys(WebDriver driver) {
        @SuppressWarnings("unchecked")
        List<String> keys = (List<String>) ((JavascriptExecutor) driver).executeScript("return Object.keys(localStorage);");
        return new ArrayList<>(keys);
    }
}
