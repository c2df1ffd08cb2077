package io.github.flowisesso.bench;

import io.github.flowisesso.bench.BrokerLogins.Outcome;
import io.github.flowisesso.testsupport.InvitationSql;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * 2. The two lookups on a sign-in's path, with 10k, 100k and 1M invitations: the gate's
 * {@code invitation.pendingByRealmAndEmail} and the invitation link's {@code invitation.byTokenHash}.
 *
 * <p>End to end through Keycloak, the table growing from level to level (each level measured with its own
 * no-lookup controls interleaved): the invitation link with a well-formed unknown token (one lookup by token
 * hash) against a malformed token (refused before any lookup); a first broker login of an uninvited, verified
 * identity (the gate's one lookup, then refusal) against an unverified one (refused before the lookup).
 *
 * <p>Directly over JDBC, interleaved across the three sizes at once: three copies of the table (schemas s10k, s100k,
 * s1m, same indexes), the exact SQL Hibernate generates for the two named queries (see {@link InvitationSql}), as
 * server-side prepared statements like Keycloak's pool uses them.
 */
final class LookupScaleBenchmark {

    private static final SecureRandom RANDOM = new SecureRandom();

    private LookupScaleBenchmark() {
    }

    /** Rows one realm holds: 70 % accepted, 15 % pending (a third expired), 10 % revoked, 5 % password login. */
    static String insertRows(String table) {
        return "INSERT INTO " + table + " (id, realm_id, email, login_type, idp_alias, roles, groups_json, status, token_hash,"
            + " created_at, expires_at, accepted_at, created_by, accepted_user_id)"
            + " SELECT md5('id-' || n)::uuid::text, ?, 'scale' || n || '@scale' || (n % 1000) || '.example',"
            + " CASE WHEN n % 20 = 0 THEN 'PASSWORD' ELSE 'SSO' END, CASE WHEN n % 20 = 0 THEN NULL ELSE 'entra' END,"
            + " '[\"member\"]', '[]',"
            + " CASE WHEN n % 20 < 14 THEN 'ACCEPTED' WHEN n % 20 < 17 THEN 'PENDING' ELSE 'REVOKED' END,"
            + " encode(sha256(('scale-' || n)::bytea), 'hex'),"
            + " ? - n * 60000::bigint,"
            + " ? - n * 60000::bigint + CASE WHEN n % 20 = 15 THEN -3600000 ELSE 7 * 86400000::bigint END,"
            + " CASE WHEN n % 20 < 14 THEN ? - n * 60000::bigint + 3600000 END, 'bench',"
            + " CASE WHEN n % 20 < 14 THEN md5('user-' || n)::uuid::text END"
            + " FROM generate_series(?, ? - 1) AS n";
    }

    static void fill(Connection db, String table, String realmId, int from, int to, long now) throws SQLException {
        try (PreparedStatement insert = db.prepareStatement(insertRows(table))) {
            insert.setString(1, realmId);
            insert.setLong(2, now);
            insert.setLong(3, now);
            insert.setLong(4, now);
            insert.setInt(5, from);
            insert.setInt(6, to);
            insert.executeUpdate();
        }
        try (Statement sql = db.createStatement()) {
            sql.execute("VACUUM ANALYZE " + table);
        }
    }

    static void run(MainServer server, String jdbcUrl, Report report, List<Integer> levels, int rounds, int jdbcRounds,
                    Duration budget) throws SQLException {
        long now = System.currentTimeMillis();
        report.section("2. Lookups at scale");
        report.paragraph("""
            The invitations of one realm (the realm the sign-ins use: the worst case, since every row matches the
            realm condition) are seeded with SQL (`generate_series`) straight into `FLOWISE_INVITATION`, after Keycloak
            created the table: 70 % accepted, 15 % pending (a third of them expired), 10 % revoked, 5 % for password
            login, unique addresses and token hashes. `VACUUM ANALYZE` after each level.
            """);
        List<List<String>> e2eRows = new ArrayList<>();
        Map<Integer, Map<String, Samples>> e2e = new LinkedHashMap<>();
        try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
            try (Statement sql = db.createStatement()) {
                sql.execute("DELETE FROM flowise_invitation");
            }
            int have = 0;
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String link = server.keycloak.baseUrl() + "/realms/" + MainServer.REALM + "/invitations/accept?token=";
            AtomicInteger uninvited = new AtomicInteger();
            for (int level : levels) {
                long t = System.nanoTime();
                fill(db, "flowise_invitation", server.realmId, have, level, now);
                have = level;
                Benchmarks.log("scale: " + level + " rows in " + Benchmarks.seconds(t));
                Interleaved.Result result = Interleaved.run(List.of(
                    new Interleaved.Variant("link: unknown token (1 lookup)", i -> get(http, link + BrokerLogins.random(), 200)),
                    new Interleaved.Variant("link: malformed token (no lookup)", i -> get(http, link + "malformed", 200)),
                    new Interleaved.Variant("gate: uninvited (1 lookup)", i -> refused(server, "nobody-" + uninvited.incrementAndGet() + "@uninvited.example", true)),
                    new Interleaved.Variant("gate: unverified email (no lookup)", i -> refused(server, "nobody-" + uninvited.incrementAndGet() + "@uninvited.example", false))),
                    // the first level also warms up the server's code paths (JIT); later levels only re-warm caches
                    level == levels.get(0) ? rounds : Math.max(5, rounds / 10), rounds, budget);
                Interleaved.writeCsv(server.samplesDir.resolve("scale-e2e-" + level + ".csv"), result);
                e2e.put(level, result.samples());
            }
            int base = levels.get(0);
            int top = levels.get(levels.size() - 1);
            for (int level : levels) {
                Map<String, Samples> s = e2e.get(level);
                e2eRows.add(row(level, s, e2e.get(base)));
            }
            report.subsection("End to end through Keycloak");
            report.paragraph("Each level: its own interleaved rounds of four requests (warm-up: as many rounds again at the "
                + "first level, a tenth at the others); the table "
                + "grows between levels, so levels are not interleaved with each other: the no-lookup controls show how much "
                + "of a change between levels is the machine. Medians (p95) in ms; *lookup share* = median with lookup − "
                + "median of its control.");
            report.table(List.of("rows", "n", "link: unknown token (lookup)", "link: malformed (control)", "lookup share",
                "gate refusal: uninvited (lookup)", "gate refusal: unverified (control)", "lookup share",
                "link ÷ " + base, "gate ÷ " + base), e2eRows);
            double linkRatio = e2e.get(top).get("link: unknown token (1 lookup)").median()
                / e2e.get(base).get("link: unknown token (1 lookup)").median();
            double gateRatio = e2e.get(top).get("gate: uninvited (1 lookup)").median()
                / e2e.get(base).get("gate: uninvited (1 lookup)").median();
            report.goal("Invitation link (lookup by token hash), end to end: median at " + top + " ÷ at " + base,
                Report.ratio(linkRatio), "≤ 1.5", linkRatio <= 1.5);
            report.goal("Gate refusal (lookup by realm + email), end to end: median at " + top + " ÷ at " + base,
                Report.ratio(gateRatio), "≤ 1.5", gateRatio <= 1.5);

            jdbc(db, jdbcUrl, server, report, levels, jdbcRounds, now, budget);
        }
    }

    private static List<String> row(int level, Map<String, Samples> s, Map<String, Samples> base) {
        Samples link = s.get("link: unknown token (1 lookup)");
        Samples linkControl = s.get("link: malformed token (no lookup)");
        Samples gate = s.get("gate: uninvited (1 lookup)");
        Samples gateControl = s.get("gate: unverified email (no lookup)");
        return List.of(Report.num(level, 0), String.valueOf(link.n()),
            msPair(link), msPair(linkControl), Report.msFine(link.median() - linkControl.median()),
            msPair(gate), msPair(gateControl), Report.msFine(gate.median() - gateControl.median()),
            Report.ratio(link.median() / base.get("link: unknown token (1 lookup)").median()),
            Report.ratio(gate.median() / base.get("gate: uninvited (1 lookup)").median()));
    }

    private static String msPair(Samples s) {
        return String.format(java.util.Locale.ROOT, "%.2f (%.2f)", s.median() / 1e6, s.p95() / 1e6);
    }

    private static long get(HttpClient http, String url, int expected) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
            long nanos = System.nanoTime() - start;
            // every invalid link gets the same page and status, whatever the reason
            if (response.statusCode() / 100 == 5) {
                throw new IllegalStateException(url + " answered " + response.statusCode());
            }
            return nanos;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long refused(MainServer server, String email, boolean verified) {
        String subject = BrokerLogins.newSubject();
        Map<String, Object> claims = BrokerLogins.entraClaims(server.tenantId, subject, email);
        if (!verified) {
            claims.remove("xms_edov");
            claims.remove("email_verified");
        }
        return server.logins.signIn(MainServer.ENTRA, subject, claims, Outcome.REFUSED);
    }

    /** The same two statements over JDBC against three tables of the three sizes, interleaved round by round. */
    private static void jdbc(Connection db, String jdbcUrl, MainServer server, Report report, List<Integer> levels, int rounds,
                             long now, Duration budget) throws SQLException {
        String pending;
        String byToken;
        try (InvitationSql sql = new InvitationSql(jdbcUrl, "postgres", "")) {
            pending = sql.of("invitation.pendingByRealmAndEmail").sql();
            byToken = sql.of("invitation.byTokenHash").sql();
        }
        List<String> indexes = new ArrayList<>();
        try (Statement sql = db.createStatement();
             ResultSet rs = sql.executeQuery("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'flowise_invitation'")) {
            while (rs.next()) {
                indexes.add(rs.getString(1));
            }
        }
        List<Connection> connections = new ArrayList<>();
        List<PreparedStatement[]> statements = new ArrayList<>();
        try {
            for (int level : levels) {
                String schema = "s" + level;
                long t = System.nanoTime();
                try (Statement sql = db.createStatement()) {
                    sql.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                    sql.execute("CREATE SCHEMA " + schema);
                    sql.execute("CREATE TABLE " + schema + ".flowise_invitation (LIKE public.flowise_invitation INCLUDING DEFAULTS)");
                }
                fill(db, schema + ".flowise_invitation", server.realmId, 0, level, now);
                try (Statement sql = db.createStatement()) {
                    for (String index : indexes) {
                        // same index definitions (names are per schema); the unique constraint's index becomes a unique index
                        sql.execute(index.replace(" ON public.flowise_invitation ", " ON " + schema + ".flowise_invitation "));
                    }
                    sql.execute("VACUUM ANALYZE " + schema + ".flowise_invitation");
                }
                Benchmarks.log("scale/jdbc: " + schema + " ready in " + Benchmarks.seconds(t));
                Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "");
                c.setSchema(schema);
                connections.add(c);
                statements.add(new PreparedStatement[] {c.prepareStatement(pending), c.prepareStatement(byToken)});
            }
            List<Interleaved.Variant> variants = new ArrayList<>();
            for (int i = 0; i < levels.size(); i++) {
                int level = levels.get(i);
                PreparedStatement[] ps = statements.get(i);
                variants.add(new Interleaved.Variant("pending " + level + " hit", r -> time(ps[0], server.realmId, k -> pendingEmail(level))));
                variants.add(new Interleaved.Variant("pending " + level + " miss", r -> time(ps[0], server.realmId, k -> "nobody-" + r + "-" + k + "@uninvited.example")));
                variants.add(new Interleaved.Variant("token " + level + " hit", r -> time(ps[1], null, k -> tokenHash(RANDOM.nextInt(level)))));
                variants.add(new Interleaved.Variant("token " + level + " miss", r -> time(ps[1], null, k -> tokenHash(-1 - r * 100L - k))));
            }
            int baseLevel = levels.get(0);
            PreparedStatement[] basePs = statements.get(0);
            variants.add(new Interleaved.Variant("token " + baseLevel + " miss'", r -> time(basePs[1], null, k -> tokenHash(-100_000_000L - r * 100L - k))));
            Interleaved.Result result = Interleaved.run(variants, Math.max(50, rounds / 10), rounds, budget);
            Interleaved.writeCsv(server.samplesDir.resolve("scale-jdbc.csv"), result);

            report.subsection("The statements alone (JDBC, the three sizes interleaved)");
            report.paragraph("Three copies of the table in schemas `s10000`, `s100000`, `s1000000` of the same database, with "
                + "the same indexes; one connection per copy; every round runs each statement on each size (hit: an existing "
                + "pending address / token; miss: an unknown one) in shuffled order, " + BURST + " executions with different "
                + "values per sample (their mean: one lookup is shorter than waking a database backend up), "
                + result.rounds() + " rounds after "
                + Math.max(50, rounds / 10) + " warm-up rounds. The statements are exactly those Hibernate generates:");
            report.paragraph("```sql\n" + pending + "\n" + byToken + "\n```");
            List<List<String>> rows = new ArrayList<>();
            int base = levels.get(0);
            int top = levels.get(levels.size() - 1);
            for (String query : List.of("pending", "token")) {
                for (String kind : List.of("hit", "miss")) {
                    List<String> row = new ArrayList<>(List.of(query.equals("pending") ? "pendingByRealmAndEmail" : "byTokenHash", kind,
                        String.valueOf(result.rounds())));
                    for (int level : levels) {
                        Samples s = result.of(query + " " + level + " " + kind);
                        row.add(String.format(java.util.Locale.ROOT, "%.3f (%.3f)", s.median() / 1e6, s.p95() / 1e6));
                    }
                    double ratio = result.of(query + " " + top + " " + kind).median() / result.of(query + " " + base + " " + kind).median();
                    double p95 = result.of(query + " " + top + " " + kind).p95() / result.of(query + " " + base + " " + kind).p95();
                    row.add(Report.ratio(ratio) + " (" + Report.ratio(p95) + ")");
                    rows.add(row);
                    report.goal("JDBC " + row.get(0) + " (" + kind + "): median at " + top + " ÷ at " + base, Report.ratio(ratio),
                        "≤ 1.5", ratio <= 1.5);
                }
            }
            List<String> header = new ArrayList<>(List.of("statement", "", "n"));
            levels.forEach(l -> header.add(Report.num(l, 0) + " rows: median (p95) ms"));
            header.add(top + " ÷ " + base + ": median (p95)");
            report.table(header, rows);
            report.paragraph("Noise floor (A/A'): byTokenHash miss at " + Report.num(base, 0) + " rows against a second series "
                + "of itself from the same rounds: median " + Report.ratio(result.of("token " + base + " miss").median()
                / result.of("token " + base + " miss'").median()) + ", p95 " + Report.ratio(result.of("token " + base + " miss").p95()
                / result.of("token " + base + " miss'").p95()) + ".");

            report.paragraph("Generic plans at " + Report.num(top, 0) + " rows (`SET plan_cache_mode = force_generic_plan`, "
                + "`EXPLAIN EXECUTE`), in the table Keycloak uses:");
            StringBuilder plans = new StringBuilder("```\n");
            for (String sql : List.of(pending, byToken)) {
                plans.append(explain(db, sql)).append("\n\n");
            }
            report.paragraph(plans.append("```").toString());
        } finally {
            for (Connection c : connections) {
                c.close();
            }
            try (Statement sql = db.createStatement()) {
                for (int level : levels) {
                    sql.execute("DROP SCHEMA IF EXISTS s" + level + " CASCADE");
                }
            }
        }
    }

    private static String pendingEmail(int level) {
        int n;
        do {
            n = RANDOM.nextInt(level);
        } while (n % 20 != 14 && n % 20 != 16); // PENDING rows (15 is the expired kind, also PENDING)
        return "scale" + n + "@scale" + (n % 1000) + ".example";
    }

    private static String tokenHash(long n) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                .digest(("scale-" + n).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Statement executions per sample: one lookup takes tens of microseconds, less than waking the backend up. */
    static final int BURST = 20;

    /** The mean time of one execution over {@link #BURST} executions in a row with different values. */
    private static long time(PreparedStatement statement, String realmId, java.util.function.IntFunction<String> value) {
        try {
            String[] values = new String[BURST];
            for (int k = 0; k < BURST; k++) {
                values[k] = value.apply(k);
            }
            long start = System.nanoTime();
            for (int k = 0; k < BURST; k++) {
                if (realmId != null) {
                    statement.setString(1, realmId);
                    statement.setString(2, values[k]);
                } else {
                    statement.setString(1, values[k]);
                }
                int rows = 0;
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        rows++;
                    }
                }
                if (rows > 1) {
                    throw new IllegalStateException("lookup found " + rows + " rows");
                }
            }
            return (System.nanoTime() - start) / BURST;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static String explain(Connection db, String sql) throws SQLException {
        String numbered = new InvitationSql.Statement("", sql).numbered();
        int params = new InvitationSql.Statement("", sql).parameterCount();
        StringBuilder out = new StringBuilder(sql).append('\n');
        try (Statement s = db.createStatement()) {
            s.execute("SET plan_cache_mode = force_generic_plan");
            s.execute("PREPARE scale_plan AS " + numbered);
            try (ResultSet rs = s.executeQuery("EXPLAIN EXECUTE scale_plan(" + String.join(",", java.util.Collections.nCopies(params, "NULL")) + ")")) {
                while (rs.next()) {
                    out.append(rs.getString(1)).append('\n');
                }
            } finally {
                s.execute("DEALLOCATE scale_plan");
                s.execute("RESET plan_cache_mode");
            }
        }
        return out.toString().strip();
    }
}
