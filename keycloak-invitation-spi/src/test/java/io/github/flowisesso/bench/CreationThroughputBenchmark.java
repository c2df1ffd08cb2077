package io.github.flowisesso.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * 3. Creating invitations one by one through the admin API against Keycloak's own user creation, at several
 * concurrencies; and the bulk endpoint against Keycloak's own bulk user creation (partial import).
 */
final class CreationThroughputBenchmark {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    /** Untimed requests of each kind before anything is measured (concurrency 4). */
    private static final int WARMUP_REQUESTS = 6_000;

    private CreationThroughputBenchmark() {
    }

    static void run(MainServer server, Report report, List<Integer> concurrencies, int rounds, int blockRequests,
                    int bulkRows, int bulkCalls, int importRows, Duration budget) throws Exception {
        report.section("3. Creation throughput");
        report.paragraph("""
            Single requests: `POST /admin/realms/flowise/invitations` with `{"email", "loginType": "SSO",
            "identityProvider": "entra", "sendEmail": false}` (A) against Keycloak's `POST /admin/realms/flowise/users`
            with `{"username", "email", "firstName", "lastName", "enabled": true}` (B), each request a new address,
            the bootstrap admin's bearer token (refreshed by the admin client), admin events on as in the shipped realm.
            A block is a fixed number of requests issued by c client threads; its throughput is requests ÷ wall time
            of the block. Each round runs a block of A, of B and of A again (A'), in shuffled order; before anything is
            measured, 6,000 untimed requests of each kind warm the server up (block times fell threefold over the
            first few thousand requests), and two warm-up rounds per concurrency are discarded.
            """);
        // The server's JIT has not seen either endpoint yet: block times fell threefold over the first few thousand
        // requests, which the lowest concurrency (measured first) absorbed. Untimed requests of both kinds first.
        ExecutorService warmupPool = Executors.newFixedThreadPool(4);
        try {
            for (int i = 0; i < WARMUP_REQUESTS / blockRequests; i++) {
                block(warmupPool, blockRequests, new Samples(), () -> invitation(server));
                block(warmupPool, blockRequests, new Samples(), () -> user(server));
            }
        } finally {
            warmupPool.shutdownNow();
        }
        List<List<String>> rows = new ArrayList<>();
        for (int c : concurrencies) {
            Map<String, Samples> latency = new LinkedHashMap<>();
            latency.put("invitations", new Samples());
            latency.put("users", new Samples());
            latency.put("invitations'", new Samples());
            ExecutorService pool = Executors.newFixedThreadPool(c);
            try {
                Interleaved.Result result = Interleaved.run(List.of(
                    new Interleaved.Variant("invitations", i -> block(pool, blockRequests, latency.get("invitations"), () -> invitation(server))),
                    new Interleaved.Variant("users", i -> block(pool, blockRequests, latency.get("users"), () -> user(server))),
                    new Interleaved.Variant("invitations'", i -> block(pool, blockRequests, latency.get("invitations'"), () -> invitation(server)))),
                    2, rounds, budget);
                Interleaved.writeCsv(server.samplesDir.resolve("create-c" + c + ".csv"), result);
                Samples a = rates(result.of("invitations"), blockRequests);
                Samples b = rates(result.of("users"), blockRequests);
                Samples a2 = rates(result.of("invitations'"), blockRequests);
                double ratio = a.median() / b.median();
                rows.add(List.of(String.valueOf(c), result.rounds() + " × " + blockRequests,
                    Report.num(a.median(), 1), Report.num(b.median(), 1), Report.ratio(ratio),
                    Report.ratio(Samples.pairRatios(a, b).median()), Report.ratio(a.median() / a2.median()),
                    Report.ms(latency.get("invitations").median()) + " / " + Report.ms(latency.get("invitations").p95()),
                    Report.ms(latency.get("users").median()) + " / " + Report.ms(latency.get("users").p95())));
                report.goal("Single creation at concurrency " + c + ": invitations/s ÷ users/s (medians of blocks)",
                    Report.ratio(ratio), "≥ 1.0", ratio >= 1.0);
            } finally {
                pool.shutdownNow();
            }
        }
        logScans(server, "after single creation");
        report.table(List.of("concurrency", "rounds × requests", "invitations/s (median of blocks)", "users/s", "ratio A/B",
            "median of per-round ratios", "A/A' noise floor", "invitation latency median / p95", "user latency median / p95"), rows);

        // Bulk: the product's bulk endpoint (sendEmail=false, the bulk default) against Keycloak's partial import.
        Samples bulk = new Samples();
        Samples imports = new Samples();
        Samples bulkSmall = new Samples();
        for (int call = 0; call < bulkCalls; call++) {
            List<Map<String, Object>> rowsJson = new ArrayList<>();
            for (int i = 0; i < bulkRows; i++) {
                rowsJson.add(Map.of("email", "bulk-" + SEQUENCE.incrementAndGet() + "@bench.example", "loginType", "SSO",
                    "identityProvider", MainServer.ENTRA));
            }
            long nanos = timeBulk(server, rowsJson);
            bulk.add(nanos);
            Benchmarks.log(String.format("bulk call %d: %,d rows in %.1f s", call + 1, bulkRows, nanos / 1e9));
            // the baseline pair at the import size: bulk invitations vs partial import of as many users
            List<Map<String, Object>> small = new ArrayList<>();
            List<Map<String, Object>> users = new ArrayList<>();
            for (int i = 0; i < importRows; i++) {
                small.add(Map.of("email", "bulks-" + SEQUENCE.incrementAndGet() + "@bench.example", "loginType", "SSO",
                    "identityProvider", MainServer.ENTRA));
                String email = "import-" + SEQUENCE.incrementAndGet() + "@bench.example";
                users.add(Map.of("username", email, "email", email, "firstName", "Ada", "lastName", "Lovelace", "enabled", true));
            }
            if (call % 2 == 0) {
                bulkSmall.add(timeBulk(server, small));
                imports.add(timeImport(server, users));
            } else {
                imports.add(timeImport(server, users));
                bulkSmall.add(timeBulk(server, small));
            }
        }
        try (var db = java.sql.DriverManager.getConnection(server.dbUrl, "postgres", ""); var sql = db.createStatement();
             var rs = sql.executeQuery("SELECT last_analyze, last_autoanalyze FROM pg_stat_user_tables WHERE relname = 'flowise_invitation'")) {
            rs.next();
            Benchmarks.log("flowise_invitation last_analyze " + rs.getString(1) + ", last_autoanalyze " + rs.getString(2));
        }
        Samples bulkRate = rates(bulk, bulkRows);
        Samples smallRate = rates(bulkSmall, importRows);
        Samples importRate = rates(imports, importRows);
        report.paragraph(String.format("""
            Bulk: `POST /admin/realms/flowise/invitations/bulk` (JSON, **sendEmail=false**, the bulk default) with %,d new
            addresses per call, %d calls; and, interleaved, %,d-row bulk calls against Keycloak's own bulk user creation,
            `POST /admin/realms/flowise/partialImport` with as many users (`ifResourceExists=FAIL`).""",
            bulkRows, bulkCalls, importRows));
        report.table(List.of("what", "calls", "rows per call", "rows/s median", "rows/s min", "rows/s max"), List.of(
            List.of("bulk invitations", String.valueOf(bulkRate.n()), Report.num(bulkRows, 0), Report.num(bulkRate.median(), 0),
                Report.num(bulkRate.quantile(0), 0), Report.num(bulkRate.quantile(1), 0)),
            List.of("bulk invitations (baseline pair)", String.valueOf(smallRate.n()), Report.num(importRows, 0),
                Report.num(smallRate.median(), 0), Report.num(smallRate.quantile(0), 0), Report.num(smallRate.quantile(1), 0)),
            List.of("Keycloak partial import of users", String.valueOf(importRate.n()), Report.num(importRows, 0),
                Report.num(importRate.median(), 0), Report.num(importRate.quantile(0), 0), Report.num(importRate.quantile(1), 0))));
        report.goal("Bulk endpoint, " + Report.num(bulkRows, 0) + "-row call, sendEmail=false: invitations/s (median of "
            + bulkRate.n() + " calls)", Report.num(bulkRate.median(), 0), "≥ 2,000", bulkRate.median() >= 2000);
        report.paragraph("Bulk invitations ÷ partial import of users (medians, " + Report.num(importRows, 0) + " rows): **"
            + Report.ratio(smallRate.median() / importRate.median()) + "**.");
    }

    /** How PostgreSQL read the tables so far: a sequential scan of a growing table would show here. */
    static void logScans(MainServer server, String when) throws java.sql.SQLException {
        try (var db = java.sql.DriverManager.getConnection(server.dbUrl, "postgres", ""); var sql = db.createStatement();
             var rs = sql.executeQuery("SELECT relname, seq_scan, seq_tup_read, idx_scan, n_live_tup, last_autoanalyze"
                 + " FROM pg_stat_user_tables WHERE relname IN ('flowise_invitation', 'user_entity') ORDER BY relname")) {
            while (rs.next()) {
                Benchmarks.log(String.format("%s: %s seq_scan %d (rows read %d), idx_scan %d, rows %d, last autoanalyze %s", when,
                    rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getString(6)));
            }
        }
    }

    /** Throughputs (rows per second) from durations in nanoseconds. */
    private static Samples rates(Samples durations, int rows) {
        Samples out = new Samples();
        for (double nanos : durations.values()) {
            out.add(rows / (nanos / 1e9));
        }
        return out;
    }

    private static long block(ExecutorService pool, int requests, Samples latency, java.util.function.LongSupplier request) {
        long start = System.nanoTime();
        List<Future<Long>> futures = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            futures.add(pool.submit(request::getAsLong));
        }
        for (Future<Long> f : futures) {
            try {
                latency.add(f.get());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return System.nanoTime() - start;
    }

    private static long invitation(MainServer server) {
        String email = "single-" + SEQUENCE.incrementAndGet() + "@bench.example";
        long start = System.nanoTime();
        AdminApi.Answer answer = server.admin.post(MainServer.REALM + "/invitations",
            Map.of("email", email, "loginType", "SSO", "identityProvider", MainServer.ENTRA, "sendEmail", false));
        long nanos = System.nanoTime() - start;
        if (answer.status() != 201) {
            throw new IllegalStateException("invitation answered " + answer.status() + ": " + answer.body());
        }
        return nanos;
    }

    private static long user(MainServer server) {
        String email = "user-" + SEQUENCE.incrementAndGet() + "@bench.example";
        long start = System.nanoTime();
        AdminApi.Answer answer = server.admin.post(MainServer.REALM + "/users",
            Map.of("username", email, "email", email, "firstName", "Ada", "lastName", "Lovelace", "enabled", true));
        long nanos = System.nanoTime() - start;
        if (answer.status() != 201) {
            throw new IllegalStateException("user creation answered " + answer.status() + ": " + answer.body());
        }
        return nanos;
    }

    private static long timeBulk(MainServer server, List<Map<String, Object>> rows) {
        String body = AdminApi.write(rows);
        long start = System.nanoTime();
        AdminApi.Answer answer = server.admin.call("POST", MainServer.REALM + "/invitations/bulk?sendEmail=false",
            "application/json", body);
        long nanos = System.nanoTime() - start;
        if (answer.status() != 200 || !answer.body().contains("\"failed\":0")) {
            throw new IllegalStateException("bulk answered " + answer.status() + ": "
                + answer.body().substring(0, Math.min(500, answer.body().length())));
        }
        return nanos;
    }

    private static long timeImport(MainServer server, List<Map<String, Object>> users) {
        String body = AdminApi.write(Map.of("ifResourceExists", "FAIL", "users", users));
        long start = System.nanoTime();
        AdminApi.Answer answer = server.admin.call("POST", MainServer.REALM + "/partialImport", "application/json", body);
        long nanos = System.nanoTime() - start;
        if (answer.status() != 200) {
            throw new IllegalStateException("partial import answered " + answer.status() + ": "
                + answer.body().substring(0, Math.min(500, answer.body().length())));
        }
        return nanos;
    }
}
