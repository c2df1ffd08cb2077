package io.github.flowisesso.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flowisesso.testsupport.EntraStandIn;
import io.github.flowisesso.testsupport.FlowiseStub;
import io.github.flowisesso.testsupport.InvitationApi;
import io.github.flowisesso.testsupport.Browser;
import io.github.flowisesso.testsupport.KeycloakServer;
import io.github.flowisesso.testsupport.TestEnvironment;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * Upgrading the provider jar keeps the invitations the previous release wrote, and restarting loses nothing. The
 * "previous release" is the first commit with our Liquibase changelog (only its first changeSet): its provider jar
 * is built from git history in the test and run on PostgreSQL, rows are written in every state (by SQL: that
 * release had no admin API), then the current jar is installed, {@code kc.sh build}, start: Liquibase applies the
 * later changeSets and the current admin API must show every row. Slow: only with {@code -Dit.upgrade=true} on
 * PostgreSQL.
 */
class SchemaUpgradeIT {

    private static final String CHANGELOG = "keycloak-invitation-spi/src/main/resources/META-INF/flowise-invitation-changelog.xml";
    private static final long HOUR = 3_600_000L;

    @Test
    void invitationsWrittenByThePreviousReleaseSurviveTheUpgradeAndRestarts() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("it.upgrade"), "upgrade test runs only with -Dit.upgrade=true");
        KeycloakServer.Database db = KeycloakServer.Database.fromSystemProperties();
        Assumptions.assumeTrue(db.keycloakKind().equals("postgres"), "upgrade test runs on PostgreSQL: -Dit.db=postgres");

        Path repoRoot = Path.of(System.getProperty("repo.root")).toRealPath();
        Path dist = Path.of(System.getProperty("keycloak.dist.dir"));
        Path work = dist.getParent().resolve("upgrade");
        Path oldJar = buildPreviousRelease(repoRoot, work.resolve("old-source"));
        Path node = work.resolve("keycloak");
        run(List.of("rm", "-rf", node.toString()), null);
        run(List.of("mkdir", "-p", work.toString()), null);
        run(List.of("cp", "-a", dist.toString(), node.toString()), null);

        try (EntraStandIn entra = new EntraStandIn(0); FlowiseStub flowise = new FlowiseStub()) {
            String adminSecret = UUID.randomUUID().toString();
            Map<String, String> env = TestEnvironment.serverEnvironment(entra, flowise, UUID.randomUUID().toString(), adminSecret);

            // 1. The previous release on an empty database: its changelog makes the first schema; the realm is imported.
            try (KeycloakServer old = new KeycloakServer(new KeycloakServer.Settings(node, repoRoot, List.of(oldJar), db, env,
                    work.resolve("logs-old"), 0, true)).start()) {
                assertThat(old.baseUrl()).isNotBlank();
            }
            String realmId;
            List<String[]> rows = new ArrayList<>(); // id, email, expected status
            // The link format of every release: 256 random bits, base64url without padding (43 characters).
            String pendingToken = Browser.random();
            String pendingId;
            String pendingEmail;
            try (Connection sql = DriverManager.getConnection(db.url(), db.username(), db.password())) {
                assertThat(appliedChangeSets(sql)).containsExactly("flowise-invitation-1");
                try (ResultSet rs = sql.createStatement().executeQuery("SELECT id FROM realm WHERE name = 'flowise'")) {
                    assertThat(rs.next()).isTrue();
                    realmId = rs.getString(1);
                }
                long now = System.currentTimeMillis();
                pendingEmail = "upgrade-pending-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
                pendingId = insert(sql, realmId, pendingEmail, "PASSWORD", null, "PENDING", sha256(pendingToken), now, now + 24 * HOUR, null);
                rows.add(new String[] {pendingId, pendingEmail, "PENDING"});
                String sso = "upgrade-sso-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
                rows.add(new String[] {insert(sql, realmId, sso, "SSO", "entra", "PENDING", sha256(UUID.randomUUID().toString()),
                    now, now + 24 * HOUR, null), sso, "PENDING"});
                String accepted = "upgrade-accepted-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
                rows.add(new String[] {insert(sql, realmId, accepted, "SSO", "entra", "ACCEPTED", sha256(UUID.randomUUID().toString()),
                    now - 2 * HOUR, now + 22 * HOUR, now - HOUR), accepted, "ACCEPTED"});
                String revoked = "upgrade-revoked-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
                rows.add(new String[] {insert(sql, realmId, revoked, "PASSWORD", null, "REVOKED", sha256(UUID.randomUUID().toString()),
                    now, now + 24 * HOUR, null), revoked, "REVOKED"});
                String expired = "upgrade-expired-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
                rows.add(new String[] {insert(sql, realmId, expired, "SSO", "entra", "PENDING", sha256(UUID.randomUUID().toString()),
                    now - 2 * HOUR, now - HOUR, null), expired, "EXPIRED"});
            }

            // 2. The current jar on the same database: kc.sh build (the jar changed), start, Liquibase upgrades.
            try (KeycloakServer current = new KeycloakServer(new KeycloakServer.Settings(node, repoRoot,
                    List.of(Path.of(System.getProperty("provider.jar"))), db, env, work.resolve("logs-new"), 0, false)).start();
                 Keycloak admin = TestEnvironment.adminClient(current, adminSecret)) {
                try (Connection sql = DriverManager.getConnection(db.url(), db.username(), db.password())) {
                    assertThat(appliedChangeSets(sql)).startsWith("flowise-invitation-1").contains("flowise-invitation-enrollment-1");
                }
                InvitationApi api = TestEnvironment.invitationApi(current, admin);
                assertRows(api, rows);
                try (Connection sql = DriverManager.getConnection(db.url(), db.username(), db.password());
                     ResultSet rs = sql.createStatement().executeQuery("SELECT COUNT(*) FROM flowise_invitation WHERE emailed")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).as("the old rows' new EMAILED column defaults to false").isZero();
                }

                // The pending one can still be accepted (password journey's first step: the account is made).
                HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
                String csrf = csrf(http, current.browserUrl(), pendingToken);
                HttpResponse<String> accept = http.send(HttpRequest.newBuilder(URI.create(current.browserUrl() + "/realms/flowise/invitations/accept"))
                    .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", "FLOWISE_INVITATION_CSRF=" + csrf)
                    .POST(HttpRequest.BodyPublishers.ofString("token=" + pendingToken + "&csrf=" + csrf)).build(),
                    HttpResponse.BodyHandlers.ofString());
                assertThat(accept.statusCode()).as(accept.body()).isEqualTo(303);
                List<UserRepresentation> users = admin.realm("flowise").users().searchByEmail(pendingEmail, true);
                assertThat(users).hasSize(1);
                assertThat(users.get(0).isEmailVerified()).as("a link that was not emailed verifies nothing").isFalse();
                rows.set(0, new String[] {pendingId, pendingEmail, "ACCEPTED"});
                assertRows(api, rows);

                // 3. Restarting Keycloak loses nothing.
                current.restart();
                assertRows(api, rows);
                assertThat(admin.realm("flowise").users().searchByEmail(pendingEmail, true)).extracting(UserRepresentation::getId)
                    .containsExactly(users.get(0).getId());
                assertThat(api.get("flowise", "/" + pendingId).json()).containsEntry("acceptedUserId", users.get(0).getId());
            }
        }
    }

    private static void assertRows(InvitationApi api, List<String[]> rows) {
        for (String[] row : rows) {
            InvitationApi.Answer answer = api.get("flowise", "/" + row[0]);
            assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
            assertThat(answer.json()).as(row[1]).containsEntry("email", row[1]).containsEntry("status", row[2]);
        }
    }

    /** The previous release's provider jar, built from git history (the first commit with our changelog). */
    private static Path buildPreviousRelease(Path repoRoot, Path source) throws Exception {
        String commit = output(List.of("git", "log", "--reverse", "--format=%H", "--", CHANGELOG), repoRoot).lines().findFirst()
            .orElseThrow(() -> new AssertionError("no git history of " + CHANGELOG
                + " (shallow clone? fetch the full history: git fetch --unshallow)"));
        Path jar = source.resolve("keycloak-invitation-spi/target/keycloak-invitation-spi-0.1.0-SNAPSHOT.jar");
        Path marker = source.resolve("COMMIT");
        if (Files.exists(jar) && Files.exists(marker) && Files.readString(marker).equals(commit)) {
            return jar;
        }
        run(List.of("rm", "-rf", source.toString()), null);
        run(List.of("mkdir", "-p", source.toString()), null);
        run(List.of("sh", "-c", "git archive " + commit + " keycloak-invitation-spi pom.xml | tar -x -C '" + source + "'"), repoRoot);
        run(nestedMaven(source.resolve("pom.xml"), "-pl", "keycloak-invitation-spi", "-Dmaven.test.skip=true", "package"), source);
        Files.writeString(marker, commit);
        assertThat(jar).exists();
        return jar;
    }

    /**
     * A Maven call that resolves like the outer build: the same Maven, local repository and user settings, online. An
     * offline nested build only worked where an earlier run had happened to cache the old release's dependencies.
     */
    static List<String> nestedMaven(Path pom, String... args) {
        String home = System.getProperty("it.maven.home", "");
        List<String> command = new ArrayList<>(List.of(home.isBlank() ? "mvn" : Path.of(home, "bin", "mvn").toString(),
            "-B", "-q", "-ntp", "-f", pom.toString()));
        String repo = System.getProperty("it.maven.repo.local", "");
        if (!repo.isBlank()) {
            command.add("-Dmaven.repo.local=" + repo);
        }
        String settings = System.getProperty("it.maven.settings", "");
        if (!settings.isBlank() && Files.isRegularFile(Path.of(settings))) {
            command.addAll(List.of("-s", settings));
        }
        command.addAll(List.of(args));
        return command;
    }

    private static List<String> appliedChangeSets(Connection sql) throws Exception {
        String table;
        try (ResultSet rs = sql.createStatement().executeQuery("SELECT table_name FROM information_schema.tables "
                + "WHERE table_schema = 'public' AND table_name LIKE 'databasechangelog\\_%' AND table_name <> 'databasechangeloglock' "
                + "AND table_name NOT LIKE '%lock%'")) {
            List<String> tables = new ArrayList<>();
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
            table = tables.stream().filter(t -> t.startsWith("databasechangelog_f")).findFirst()
                .orElseThrow(() -> new AssertionError("no Liquibase history table of ours among " + tables));
        }
        List<String> ids = new ArrayList<>();
        try (ResultSet rs = sql.createStatement().executeQuery("SELECT id FROM " + table + " ORDER BY orderexecuted")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    private static String insert(Connection sql, String realmId, String email, String loginType, String idp, String status,
                                 String tokenHash, long createdAt, long expiresAt, Long acceptedAt) throws Exception {
        String id = UUID.randomUUID().toString();
        try (PreparedStatement insert = sql.prepareStatement("INSERT INTO flowise_invitation (id, realm_id, email, login_type, "
                + "idp_alias, roles, groups_json, status, token_hash, created_at, expires_at, accepted_at, created_by, accepted_user_id) "
                + "VALUES (?, ?, ?, ?, ?, '', '[]', ?, ?, ?, ?, ?, 'old-release', ?)")) {
            insert.setString(1, id);
            insert.setString(2, realmId);
            insert.setString(3, email);
            insert.setString(4, loginType);
            insert.setString(5, idp);
            insert.setString(6, status);
            insert.setString(7, tokenHash);
            insert.setLong(8, createdAt);
            insert.setLong(9, expiresAt);
            insert.setObject(10, acceptedAt);
            insert.setString(11, acceptedAt == null ? null : UUID.randomUUID().toString());
            insert.executeUpdate();
        }
        return id;
    }

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\"\\s+value=\"([^\"]+)\"");

    private static String csrf(HttpClient http, String baseUrl, String token) throws Exception {
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/realms/flowise/invitations/accept?token=" + token))
            .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = CSRF.matcher(page.body());
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static String sha256(String token) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    }

    private static String output(List<String> command, Path directory) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new AssertionError(command + " failed:\n" + out);
        }
        return out;
    }

    private static void run(List<String> command, Path directory) throws IOException, InterruptedException {
        output(command, directory == null ? Path.of(".") : directory);
    }
}
