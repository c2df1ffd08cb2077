package io.github.flowisesso.bench;

import io.github.flowisesso.testsupport.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL server for the benchmarks, the way {@code .ci/run} starts one: Debian's server binaries,
 * initdb in a temporary directory, loopback only, a free port, trust authentication, default settings. As root the
 * commands run as the {@code postgres} user (PostgreSQL refuses to run as root).
 */
final class LocalPostgres implements AutoCloseable {

    private final Path bin = Path.of(System.getProperty("bench.pg.bin", "/usr/lib/postgresql/15/bin"));
    private final Path work;
    private final int port;
    private boolean running;

    LocalPostgres() {
        if (!Files.isExecutable(bin.resolve("initdb"))) {
            throw new IllegalStateException("PostgreSQL server binaries not found in " + bin
                + " (apt-get install postgresql-15, or -Dbench.pg.bin=...)");
        }
        try {
            work = Files.createTempDirectory("flowise-bench-pg");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        port = FreePorts.next();
    }

    LocalPostgres start() {
        work.toFile().setReadable(true, false);
        work.toFile().setExecutable(true, false);
        if (isRoot()) {
            run(List.of("chown", "postgres", work.toString()), false);
        }
        Path data = work.resolve("data");
        run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "--auth=trust",
            "-E", "UTF8", "--locale=C.UTF-8"), true);
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-o",
            "-c listen_addresses=127.0.0.1 -p " + port + " -k " + work, "-l", work.resolve("postgres.log").toString(),
            "-w", "start"), true);
        running = true;
        return this;
    }

    String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(url(database), "postgres", "");
    }

    void createDatabase(String name) {
        try (Connection db = connect("postgres"); Statement sql = db.createStatement()) {
            sql.execute("DROP DATABASE IF EXISTS " + name);
            sql.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    String version() {
        try (Connection db = connect("postgres"); Statement sql = db.createStatement();
             ResultSet rs = sql.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private void run(List<String> command, boolean asPostgres) {
        List<String> full = new ArrayList<>();
        if (asPostgres && isRoot()) {
            full.addAll(List.of("su", "postgres", "-s", "/bin/sh", "-c",
                command.stream().map(LocalPostgres::quote).collect(Collectors.joining(" "))));
        } else {
            full.addAll(command);
        }
        try {
            Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String quote(String arg) {
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    @Override
    public void close() {
        try {
            if (running) {
                run(List.of(bin.resolve("pg_ctl").toString(), "-D", work.resolve("data").toString(), "-m", "fast", "stop"), true);
                running = false;
            }
        } finally {
            if (Boolean.getBoolean("bench.pg.keep")) {
                Benchmarks.log("PostgreSQL directory kept: " + work);
                return;
            }
            try (Stream<Path> walk = Files.walk(work)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException ignored) {
                // a temp directory left behind is harmless
            }
        }
    }
}
