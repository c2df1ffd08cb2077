package io.github.flowisesso.bench;

import io.github.flowisesso.testsupport.Chromium;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * 7. The invitations page at 10k and 1M invitations in PostgreSQL: the three calls its first screen and its paging
 * make (first page, counts per status, a page deep in the list through its keyset cursor), end to end through
 * Keycloak with an admin token, and the first screen itself in Chromium (sign-in round trip included).
 */
final class InvitationsPageBenchmark {

    private static final String FIRST_PAGE = "first page (max=21)";
    private static final String COUNTS = "counts per status";
    private static final String DEEP_PAGE = "deep page (keyset, 90 % down)";
    private static final String CONTROL = "control: one invitation by id";

    private InvitationsPageBenchmark() {
    }

    static void run(MainServer server, String jdbcUrl, Report report, List<Integer> levels, int rounds, int renders,
                    Duration budget) throws SQLException {
        long now = System.currentTimeMillis();
        report.section("7. The invitations page at scale");
        report.paragraph("""
            The flowise realm's invitations are seeded with SQL as in section 2 (70 % accepted, 15 % pending, 10 %
            revoked), then the page's calls are timed end to end through Keycloak with the bootstrap admin's token,
            interleaved with a control (one invitation by id, whose cost does not depend on the table's size). The deep
            page starts after the row 90 % down the newest-first list, as the page's *Next page* reaches it (keyset
            cursor `after=<createdAt>:<id>`; no offset). Counts stop at 1,000 (the page shows "1,000+").
            First screen: Chromium opens the page while signed in at Keycloak (authorization code + PKCE round trip,
            token, options, counts and first page) until the table is shown.
            """);
        String manager = managerUser(server);
        Map<Integer, Map<String, Samples>> api = new LinkedHashMap<>();
        Map<Integer, Samples> screens = new LinkedHashMap<>();
        try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
            try (Statement sql = db.createStatement()) {
                sql.execute("DELETE FROM flowise_invitation");
            }
            int have = 0;
            String base = "flowise/invitations";
            for (int level : levels) {
                long t = System.nanoTime();
                LookupScaleBenchmark.fill(db, "flowise_invitation", server.realmId, have, level, now);
                have = level;
                Benchmarks.log("page: " + level + " rows in " + Benchmarks.seconds(t));
                String cursor = cursorAt(db, server.realmId, level * 9 / 10);
                String anyId = cursor.substring(cursor.indexOf(':') + 1);
                Interleaved.Result result = Interleaved.run(List.of(
                    new Interleaved.Variant(FIRST_PAGE, i -> timed(server, base + "?max=21")),
                    new Interleaved.Variant(COUNTS, i -> timed(server, base + "/counts")),
                    new Interleaved.Variant(DEEP_PAGE, i -> timed(server, base + "?max=21&after=" + cursor)),
                    new Interleaved.Variant(CONTROL, i -> timed(server, base + "/" + anyId))),
                    level == levels.get(0) ? rounds : Math.max(5, rounds / 10), rounds, budget);
                Interleaved.writeCsv(server.samplesDir.resolve("page-api-" + level + ".csv"), result);
                api.put(level, result.samples());
                screens.put(level, firstScreens(server, manager, renders));
            }
        }
        int bottom = levels.get(0);
        int top = levels.get(levels.size() - 1);
        List<List<String>> rows = new ArrayList<>();
        for (int level : levels) {
            Map<String, Samples> s = api.get(level);
            rows.add(List.of(String.format("%,d", level), String.valueOf(s.get(FIRST_PAGE).n()),
                summary(s.get(FIRST_PAGE)), summary(s.get(COUNTS)), summary(s.get(DEEP_PAGE)), summary(s.get(CONTROL)),
                summary(screens.get(level))));
        }
        report.paragraph("Medians (p95).");
        report.table(List.of("rows", "n", FIRST_PAGE, COUNTS, DEEP_PAGE, CONTROL, "first screen in Chromium"), rows);
        for (String call : List.of(FIRST_PAGE, COUNTS, DEEP_PAGE)) {
            double ratio = api.get(top).get(call).median() / api.get(bottom).get(call).median();
            report.goal("Invitations page, " + call + ": median at " + String.format("%,d", top) + " ÷ at "
                + String.format("%,d", bottom), Report.ratio(ratio), "≤ 1.5", ratio <= 1.5);
        }
        double screen = screens.get(top).median();
        report.goal("Invitations page, first screen in Chromium at " + String.format("%,d", top) + " invitations (median)",
            Report.ms(screen), "≤ 1,500 ms", screen <= 1_500_000_000L);
    }

    private static String summary(Samples s) {
        return Report.ms(s.median()) + " (" + Report.ms(s.p95()) + ")";
    }

    private static long timed(MainServer server, String path) {
        long start = System.nanoTime();
        AdminApi.Answer answer = server.admin.get(path);
        long nanos = System.nanoTime() - start;
        if (answer.status() != 200) {
            throw new IllegalStateException(path + " answered " + answer.status() + ": " + answer.body());
        }
        return nanos;
    }

    /** The cursor of the row at this position of the newest-first list. */
    private static String cursorAt(Connection db, String realmId, int position) throws SQLException {
        try (var query = db.prepareStatement("SELECT created_at, id FROM flowise_invitation WHERE realm_id = ?"
            + " ORDER BY created_at DESC, id DESC OFFSET ? LIMIT 1")) {
            query.setString(1, realmId);
            query.setInt(2, position);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getLong(1) + ":" + row.getString(2);
            }
        }
    }

    /** An invitation manager of the flowise realm (the shipped role), signing in with a password. */
    private static String managerUser(MainServer server) {
        RealmResource realm = server.admin.client().realm(MainServer.REALM);
        String email = "bench-manager-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        UserRepresentation user = new UserRepresentation();
        user.setUsername(email);
        user.setEmail(email);
        user.setEmailVerified(true);
        user.setFirstName("Bench");
        user.setLastName("Manager");
        user.setEnabled(true);
        user.setAttributes(Map.of("login_type", List.of("PASSWORD")));
        String id;
        try (var response = realm.users().create(user)) {
            id = CreatedResponseUtil.getCreatedId(response);
        }
        CredentialRepresentation password = new CredentialRepresentation();
        password.setType(CredentialRepresentation.PASSWORD);
        password.setValue(PASSWORD);
        password.setTemporary(false);
        realm.users().get(id).resetPassword(password);
        realm.users().get(id).roles().realmLevel().add(List.of(realm.roles().get("invitation-manager").toRepresentation()));
        return email;
    }

    private static final String PASSWORD = "Bench-Correct-Horse-9";

    /** Wall-clock time from opening the page (signed in at Keycloak) to the table on screen, {@code renders} times. */
    private static Samples firstScreens(MainServer server, String manager, int renders) {
        String page = server.keycloak.baseUrl() + "/realms/" + MainServer.REALM + "/invitations/manage/";
        Samples samples = new Samples();
        try (Chromium chromium = Chromium.start("en")) {
            ChromeDriver driver = chromium.driver();
            driver.get(page);
            wait(driver).until(d -> !d.findElements(By.name("username")).isEmpty());
            driver.findElement(By.name("username")).sendKeys(manager);
            driver.findElement(By.name("password")).sendKeys(PASSWORD);
            driver.findElement(By.id("kc-login")).click();
            wait(driver).until(d -> "app".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
            for (int i = 0; i < renders + 2; i++) {
                driver.get("about:blank");
                long start = System.nanoTime();
                driver.get(page);
                wait(driver).until(d -> "app".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
                long nanos = System.nanoTime() - start;
                if (i >= 2) { // two warm-up screens
                    samples.add(nanos);
                }
            }
        }
        return samples;
    }

    private static WebDriverWait wait(ChromeDriver driver) {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30), Duration.ofMillis(5));
        wait.ignoring(org.openqa.selenium.WebDriverException.class);
        return wait;
    }
}
