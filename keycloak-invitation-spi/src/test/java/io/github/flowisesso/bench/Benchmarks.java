package io.github.flowisesso.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The benchmark run: {@code mvn verify -Pbench} (see README). Starts its own PostgreSQL, prepares two copies of the
 * Keycloak distribution (with and without the extension, same build options), runs the benchmarks and writes
 * docs/benchmarks.md. Sample counts and time budgets are system properties ({@code -Dbench.…}), listed in the report.
 */
public final class Benchmarks {

    private static final Map<String, String> SETTINGS = new LinkedHashMap<>();

    private Benchmarks() {
    }

    static int setting(String key, int byDefault) {
        int value = Integer.getInteger(key, byDefault);
        SETTINGS.put(key, String.valueOf(value));
        return value;
    }

    static String setting(String key, String byDefault) {
        String value = System.getProperty(key, byDefault);
        SETTINGS.put(key, value);
        return value;
    }

    public static void main(String[] args) throws Exception {
        Instant started = Instant.now();
        Path repoRoot = Path.of(System.getProperty("repo.root")).toAbsolutePath().normalize();
        Path distribution = Path.of(System.getProperty("keycloak.dist.dir"));
        Path providerJar = Path.of(System.getProperty("provider.jar"));
        Path work = distribution.getParent().resolve("bench");
        Path logs = work.resolve("logs");
        Path output = Path.of(setting("bench.output", repoRoot.resolve("docs/benchmarks.md").toString()));
        Set<String> only = Arrays.stream(setting("bench.only", "startup,memory,gate,create,scale,page,email,scim,flowise").split(","))
            .map(String::trim).collect(Collectors.toSet());

        Report report = new Report();
        List<String> timings = new ArrayList<>();
        BenchKeycloak with = new BenchKeycloak("with-extension", work.resolve("kc-with"), List.of(providerJar), logs);
        BenchKeycloak without = new BenchKeycloak("without-extension", work.resolve("kc-without"), List.of(), logs);
        try (LocalPostgres pg = new LocalPostgres().start()) {
            long t = System.nanoTime();
            with.prepare(distribution, repoRoot);
            without.prepare(distribution, repoRoot);
            timings.add("prepare distributions (copy, kc.sh build when changed): " + seconds(t));

            if (only.contains("startup")) {
                t = System.nanoTime();
                StartupBenchmark.run(with, without, pg, report, setting("bench.startup.rounds", 7));
                timings.add("startup: " + seconds(t));
            }
            if (only.contains("memory")) {
                t = System.nanoTime();
                MemoryBenchmark.run(with, without, pg, report, setting("bench.memory.invitations", 100_000),
                    setting("bench.memory.logins", 1_000), Boolean.parseBoolean(setting("bench.memory.noiseRun", "true")));
                timings.add("memory: " + seconds(t));
            }
            if (only.contains("gate") || only.contains("create") || only.contains("scale") || only.contains("page")
                    || only.contains("email") || only.contains("scim")) {
                pg.createDatabase("bench_main");
                if (Boolean.getBoolean("bench.pg.logStatements")) { // diagnosis: every statement's duration in postgres.log
                    try (var db = pg.connect("postgres"); var sql = db.createStatement()) {
                        sql.execute("ALTER DATABASE bench_main SET log_min_duration_statement = 0");
                    }
                }
                t = System.nanoTime();
                try (MainServer server = new MainServer(with, pg.url("bench_main"), repoRoot)) {
                    timings.add("main server start with realm import: " + seconds(t));
                    if (only.contains("gate")) {
                        t = System.nanoTime();
                        GateOverheadBenchmark.run(server, report, setting("bench.gate.warmup", 40),
                            setting("bench.gate.rounds", 1000), Duration.ofSeconds(setting("bench.gate.budget.seconds", 300)));
                        timings.add("gate overhead: " + seconds(t));
                    }
                    if (only.contains("create")) {
                        t = System.nanoTime();
                        CreationThroughputBenchmark.run(server, report,
                            Arrays.stream(setting("bench.create.concurrency", "1,4,16").split(",")).map(String::trim).map(Integer::valueOf).toList(),
                            setting("bench.create.rounds", 15), setting("bench.create.block", 300),
                            setting("bench.bulk.rows", 10_000), setting("bench.bulk.calls", 3), setting("bench.bulk.importRows", 2_000),
                            Duration.ofSeconds(setting("bench.create.budget.seconds", 240)));
                        timings.add("creation throughput: " + seconds(t));
                    }
                    if (only.contains("scale")) {
                        t = System.nanoTime();
                        LookupScaleBenchmark.run(server, pg.url("bench_main"), report,
                            Arrays.stream(setting("bench.scale.levels", "10000,100000,1000000").split(",")).map(String::trim).map(Integer::valueOf).toList(),
                            setting("bench.scale.rounds", 100), setting("bench.scale.jdbc.rounds", 2000),
                            Duration.ofSeconds(setting("bench.scale.budget.seconds", 120)));
                        timings.add("lookups at scale: " + seconds(t));
                    }
                    if (only.contains("page")) {
                        t = System.nanoTime();
                        InvitationsPageBenchmark.run(server, pg.url("bench_main"), report,
                            Arrays.stream(setting("bench.page.levels", "10000,1000000").split(",")).map(String::trim).map(Integer::valueOf).toList(),
                            setting("bench.page.rounds", 60), setting("bench.page.renders", 10),
                            Duration.ofSeconds(setting("bench.page.budget.seconds", 120)));
                        timings.add("invitations page at scale: " + seconds(t));
                    }
                    if (only.contains("email")) {
                        t = System.nanoTime();
                        InvitationEmailBenchmark.run(server, report, setting("bench.email.rows", 10_000),
                            setting("bench.email.calls", 3), setting("bench.email.baseline", 2_000));
                        timings.add("invitation email: " + seconds(t));
                    }
                    if (only.contains("scim")) {
                        t = System.nanoTime();
                        ScimBenchmark.run(server, report, setting("bench.scim.rounds", 15), setting("bench.scim.block", 50),
                            Duration.ofSeconds(setting("bench.scim.budget.seconds", 240)));
                        timings.add("SCIM provisioning: " + seconds(t));
                    }
                }
            }
            if (only.contains("flowise")) {
                t = System.nanoTime();
                FlowiseHopBenchmark.run(work.resolve("flowise-hop"), repoRoot, report, setting("bench.flowise.warmup", 3),
                    setting("bench.flowise.rounds", 30), Duration.ofSeconds(setting("bench.flowise.budget.seconds", 300)));
                timings.add("last hop into Flowise: " + seconds(t));
            }
            BenchReport.write(output, report, SETTINGS, timings, started, pg.version());
        }
    }

    /** A command that must succeed (cp, rm). */
    static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException(command + " failed: " + out);
        }
    }

    static String seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000_000L + " s";
    }

    static void log(String message) {
        System.out.println("[bench " + java.time.LocalTime.now().withNano(0) + "] " + message);
    }

    static void writeFile(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
