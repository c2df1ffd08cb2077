package io.github.flowisesso.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * 4. Keycloak's start with and without the extension: the same distribution copied twice, {@code kc.sh build} with
 * the same options done beforehand for each, {@code start --optimized} on PostgreSQL until {@code /health/ready}
 * answers 200, then stop; interleaved.
 */
final class StartupBenchmark {

    private StartupBenchmark() {
    }

    static void run(BenchKeycloak with, BenchKeycloak without, LocalPostgres pg, Report report, int rounds) throws Exception {
        pg.createDatabase("bench_startup_with");
        pg.createDatabase("bench_startup_without");
        Map<String, String> env = BenchKeycloak.adminEnvironment("bench-admin", UUID.randomUUID().toString());
        // First start of each: creates Keycloak's schema (and the extension's table); not measured.
        Samples first = new Samples();
        for (BenchKeycloak variant : List.of(with, without)) {
            try (BenchKeycloak.Running r = variant.start("startup-" + variant.name() + "-schema",
                pg.url(dbOf(variant, with)), env, List.of())) {
                first.add(r.readyAfterNanos());
            }
        }
        Map<String, Samples> ready = new java.util.LinkedHashMap<>();
        Map<String, Samples> reported = new java.util.LinkedHashMap<>();
        List<String> order = List.of("with", "without", "with'");
        order.forEach(v -> {
            ready.put(v, new Samples());
            reported.put(v, new Samples());
        });
        for (int round = 0; round < rounds; round++) {
            for (String v : Interleaved.rotated(order, round)) {
                BenchKeycloak variant = v.startsWith("with") && !v.startsWith("without") ? with : without;
                try (BenchKeycloak.Running r = variant.start("startup-" + v.replace("'", "2") + "-" + round,
                    pg.url(dbOf(variant, with)), env, List.of())) {
                    ready.get(v).add(r.readyAfterNanos());
                    r.reportedStartSeconds().ifPresent(s -> reported.get(v).add(s * 1e9));
                }
                Benchmarks.log("startup " + v + " round " + round + ": " + Report.ms(ready.get(v).values().get(round)));
            }
        }
        Comparison toReady = new Comparison("launch of kc.sh → first 200 of /health/ready", ready.get("with"), ready.get("without"), ready.get("with'"));
        Comparison logged = new Comparison("Keycloak's own \"started in\" (log)", reported.get("with"), reported.get("without"), reported.get("with'"));

        report.section("4. Startup");
        report.paragraph(String.format("""
            The unpacked distribution copied twice (`target/bench/kc-with`: the provider jar in `providers/`;
            `target/bench/kc-without`: none), the themes in both, `kc.sh build %s` run for each beforehand. Each
            start is `kc.sh start --optimized` (PostgreSQL, one database per variant, `--http-enabled=true`, no realm
            import), timed from launching `kc.sh` to the first 200 of `/health/ready` (polled every 50 ms), then stopped
            (SIGTERM) before the next. The first start of each variant created its schema and is not counted (%s and
            %s). %d rounds of A (with), B (without), A' (with again), in rotated order.""",
            String.join(" ", BenchKeycloak.BUILD_OPTIONS), Report.ms(first.values().get(0)), Report.ms(first.values().get(1)), rounds));
        List<List<String>> rows = new ArrayList<>(List.of(toReady.durationRow()));
        if (logged.a().n() == toReady.a().n() && logged.b().n() == toReady.b().n()) {
            rows.add(logged.durationRow());
        }
        report.table(Comparison.header("A (with)", "B (without)"), rows);
        report.goal("Startup to ready with ÷ without the extension (median, " + toReady.a().n() + " pairs)",
            Report.ratio(toReady.medianRatio()), "≤ 1.05", toReady.medianRatio() <= 1.05);
    }

    private static String dbOf(BenchKeycloak variant, BenchKeycloak with) {
        return variant == with ? "bench_startup_with" : "bench_startup_without";
    }
}
