package io.github.flowisesso.bench;

import io.github.flowisesso.testsupport.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One copy of the official distribution for the benchmarks, with or without the extension, built once with the
 * same build options ({@code kc.sh build}) and started with {@code start --optimized} as often as needed. Kept apart
 * from the test harness's {@code KeycloakServer} on purpose: the startup benchmark times the bare start, and the
 * memory benchmark needs the JVM's pid.
 */
final class BenchKeycloak {

    static final List<String> BUILD_OPTIONS = List.of("--db=postgres", "--health-enabled=true", "--metrics-enabled=true",
        "--cache=local");

    private final String name;
    private final Path home;
    private final List<Path> providerJars;
    private final Path logs;

    BenchKeycloak(String name, Path home, List<Path> providerJars, Path logs) {
        this.name = name;
        this.home = home;
        this.providerJars = providerJars;
        this.logs = logs;
    }

    String name() {
        return name;
    }

    Path home() {
        return home;
    }

    /** Copies the unpacked distribution (once), installs exactly these providers and the themes, builds if needed. */
    BenchKeycloak prepare(Path distribution, Path repoRoot) throws IOException {
        Files.createDirectories(logs);
        if (!Files.exists(home.resolve("bin/kc.sh"))) {
            copy(distribution, home);
        }
        Path providers = Files.createDirectories(home.resolve("providers"));
        try (Stream<Path> old = Files.list(providers)) {
            for (Path jar : old.filter(p -> p.toString().endsWith(".jar")).toList()) {
                if (providerJars.stream().noneMatch(j -> j.getFileName().equals(jar.getFileName()))) {
                    Files.delete(jar);
                }
            }
        }
        for (Path jar : providerJars) {
            Path installed = providers.resolve(jar.getFileName());
            if (!Files.exists(installed) || Files.mismatch(jar, installed) != -1) {
                Files.copy(jar, installed, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        try (Stream<Path> themes = Files.list(repoRoot.resolve("themes"))) {
            for (Path theme : themes.filter(Files::isDirectory).toList()) {
                Path target = home.resolve("themes").resolve(theme.getFileName());
                delete(target);
                copy(theme, target);
            }
        }
        build();
        return this;
    }

    private void build() throws IOException {
        Path marker = home.resolve("lib/.bench-build-fingerprint");
        String fingerprint = fingerprint();
        if (Files.exists(marker) && Files.readString(marker).equals(fingerprint)) {
            return;
        }
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString(), "build"));
        command.addAll(BUILD_OPTIONS);
        Path log = logs.resolve(name + "-build.log");
        Process build = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
            .redirectOutput(log.toFile()).start();
        try {
            if (!build.waitFor(5, TimeUnit.MINUTES) || build.exitValue() != 0) {
                build.destroyForcibly();
                throw new IllegalStateException("kc.sh build failed for " + name + ", see " + log);
            }
        } catch (InterruptedException e) {
            build.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Files.writeString(marker, fingerprint);
    }

    private String fingerprint() throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(String.join(" ", BUILD_OPTIONS).getBytes(StandardCharsets.UTF_8));
            for (Path jar : providerJars) {
                digest.update(Files.readAllBytes(jar));
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts {@code kc.sh start --optimized} and waits until {@code /health/ready} answers 200. */
    Running start(String label, String dbUrl, Map<String, String> environment, List<String> extraOptions) throws IOException {
        int httpPort = FreePorts.next();
        int managementPort = FreePorts.next();
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString(), "start", "--optimized",
            "--http-enabled=true", "--hostname-strict=false", "--http-host=127.0.0.1",
            "--http-port=" + httpPort, "--http-management-port=" + managementPort,
            "--db-url=" + dbUrl, "--db-username=postgres"));
        command.addAll(extraOptions);
        Path log = logs.resolve(label + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
            .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("JAVA_OPTS_KC_HEAP", "-Xms256m -Xmx1g");
        env.putAll(environment);
        long launched = System.nanoTime();
        Process process = builder.start();
        Running running = new Running(process, httpPort, managementPort, log, command);
        Runtime.getRuntime().addShutdownHook(new Thread(running::close, "bench-keycloak-stop"));
        running.readyAfterNanos = running.awaitReady(launched, Duration.ofMinutes(4));
        return running;
    }

    /** A started server. */
    static final class Running implements AutoCloseable {

        private static final Pattern STARTED = Pattern.compile("started in ([0-9.]+)s");

        private final Process process;
        private final int httpPort;
        private final int managementPort;
        private final Path log;
        private final List<String> command;
        private long readyAfterNanos;

        Running(Process process, int httpPort, int managementPort, Path log, List<String> command) {
            this.process = process;
            this.httpPort = httpPort;
            this.managementPort = managementPort;
            this.log = log;
            this.command = command;
        }

        String baseUrl() {
            return "http://127.0.0.1:" + httpPort;
        }

        List<String> command() {
            return command;
        }

        /** From launching kc.sh to the first 200 of /health/ready. */
        long readyAfterNanos() {
            return readyAfterNanos;
        }

        /** What Keycloak itself logs: "… started in 12.345s". */
        Optional<Double> reportedStartSeconds() {
            try {
                Matcher m = STARTED.matcher(Files.readString(log));
                return m.find() ? Optional.of(Double.parseDouble(m.group(1))) : Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            }
        }

        /** The Keycloak JVM (kc.sh runs java as its child). */
        long javaPid() {
            return process.descendants().filter(p -> p.info().command().map(c -> c.endsWith("java")).orElse(false))
                .findFirst().map(ProcessHandle::pid).orElse(process.pid());
        }

        private long awaitReady(long launched, Duration timeout) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            URI ready = URI.create("http://127.0.0.1:" + managementPort + "/health/ready");
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Keycloak exited with " + process.exitValue() + ", see " + log);
                }
                try {
                    HttpResponse<Void> response = http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(1)).build(),
                        HttpResponse.BodyHandlers.discarding());
                    if (response.statusCode() == 200) {
                        return System.nanoTime() - launched;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                try {
                    // readiness polling interval: 50 ms, small against a start of ~20 s
                    process.waitFor(50, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            close();
            throw new IllegalStateException("Keycloak not ready within " + timeout + ", see " + log);
        }

        @Override
        public synchronized void close() {
            if (!process.isAlive()) {
                return;
            }
            List<ProcessHandle> children = process.descendants().toList();
            process.destroy();
            children.forEach(ProcessHandle::destroy);
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    children.forEach(ProcessHandle::destroyForcibly);
                }
                for (ProcessHandle child : children) {
                    child.onExit().get(30, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                process.destroyForcibly();
                children.forEach(ProcessHandle::destroyForcibly);
            }
        }
    }

    static Map<String, String> adminEnvironment(String clientId, String secret) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KC_BOOTSTRAP_ADMIN_CLIENT_ID", clientId);
        env.put("KC_BOOTSTRAP_ADMIN_CLIENT_SECRET", secret);
        return env;
    }

    private static void copy(Path source, Path target) throws IOException {
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path p : walk.toList()) {
                Path relative = source.relativize(p);
                if (relative.getNameCount() > 0 && relative.getName(0).toString().equals("data")) {
                    continue; // another run's data (dev-file database, imports) stays behind
                }
                Path dest = target.resolve(relative.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static void delete(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
