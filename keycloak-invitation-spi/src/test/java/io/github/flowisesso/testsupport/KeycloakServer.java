package io.github.flowisesso.testsupport;

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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The official Keycloak distribution, run as a real server process with our provider jar, themes and the shipped
 * realm. Used by the integration tests and by the local run command, so both see the same server. Its configuration
 * is the repository's {@code server/keycloak.conf}, the same file the container image uses; the command line carries
 * only per-run values (ports, database URL and kind, no strict hostname).
 */
public final class KeycloakServer implements AutoCloseable {

    /** The project's keycloak.conf; copied into the distribution, so build and start read it as a container does. */
    private final ServerConfig config;
    /** Per-environment overrides given to both {@code kc.sh build} and {@code kc.sh start} (the database kind). */
    private final List<String> buildOptions;
    private final Path home;
    private final Path logFile;
    private final Settings settings;
    private final int httpPort;
    private final int managementPort;
    private Process process;
    /** Per-run options beyond {@link #startOptions}, e.g. a cluster node's cache and transport; checked like them. */
    private final List<String> extraStartOptions = new ArrayList<>();

    public record Settings(Path distribution, Path repoRoot, List<Path> providerJars, Database database,
                           Map<String, String> environment, Path logDirectory, int httpPort,
                           boolean freshData) {
    }

    /** {@code h2} (Keycloak's dev-file database) or a real PostgreSQL given by JDBC URL. */
    public record Database(String kind, String url, String username, String password) {

        public static Database fromSystemProperties() {
            String kind = System.getProperty("it.db", "h2");
            if (kind.isBlank() || kind.equals("h2")) {
                return new Database("h2", null, null, null);
            }
            if (!kind.equals("postgres")) {
                throw new IllegalArgumentException("it.db must be h2 or postgres, not " + kind);
            }
            return new Database(kind, System.getProperty("it.db.url"), System.getProperty("it.db.username"),
                System.getProperty("it.db.password"));
        }

        boolean isPostgres() {
            return kind.equals("postgres");
        }

        /** Keycloak's name for it ({@code db} option). */
        public String keycloakKind() {
            return isPostgres() ? "postgres" : "dev-file";
        }
    }

    public KeycloakServer(Settings settings) {
        this.settings = settings;
        this.home = settings.distribution();
        this.logFile = settings.logDirectory().resolve("keycloak.log");
        this.httpPort = settings.httpPort() > 0 ? settings.httpPort() : FreePorts.next();
        this.managementPort = FreePorts.next();
        this.config = ServerConfig.load(settings.repoRoot());
        this.buildOptions = buildOptions(config, settings.database());
        config.requireOnlyPerEnvironment("KeycloakServer (build)", buildOptions);
        config.requireOnlyPerEnvironment("KeycloakServer (start)", startOptions(config, settings.database(), httpPort, managementPort));
        config.requireOnlyPerEnvironmentVariables("KeycloakServer (environment)", settings.environment());
    }

    /**
     * What {@code kc.sh build} gets besides keycloak.conf: only the database kind, when this run's differs from the
     * file's. Everything else (health, metrics, features, cache …) comes from keycloak.conf, as in the image.
     */
    public static List<String> buildOptions(ServerConfig config, Database database) {
        return database.keycloakKind().equals(config.get("db")) ? List.of() : List.of("--db=" + database.keycloakKind());
    }

    /**
     * What {@code kc.sh start --optimized} gets besides keycloak.conf: the build overrides again (Keycloak refuses a
     * start whose build options differ from the build's), realm import, and values that only exist for this run.
     */
    public static List<String> startOptions(ServerConfig config, Database database, int httpPort, int managementPort) {
        List<String> options = new ArrayList<>(List.of("--optimized", "--import-realm"));
        options.addAll(buildOptions(config, database));
        // Tests have no fixed public URL (127.0.0.1 for API calls, localhost for browsers): no strict hostname.
        options.addAll(List.of("--hostname-strict=false", "--http-host=127.0.0.1",
            "--http-port=" + httpPort, "--http-management-port=" + managementPort));
        if (database.isPostgres()) {
            options.add("--db-url=" + database.url());
            options.add("--db-username=" + database.username());
            if (database.password() != null && !database.password().isEmpty()) {
                options.add("--db-password=" + database.password());
            }
        }
        return options;
    }

    /**
     * Adds per-environment start options (e.g. {@code --cache=ispn} and the node's JGroups bind address/port for a
     * cluster test); they must be in {@link ServerConfig#PER_ENVIRONMENT} like every other option set here.
     */
    public KeycloakServer withStartOptions(String... options) {
        config.requireOnlyPerEnvironment("KeycloakServer (extra start options)", List.of(options));
        extraStartOptions.addAll(List.of(options));
        return this;
    }

    /** Installs jars, configuration, themes and realm and runs {@code kc.sh build} if needed, without starting. */
    public KeycloakServer prepare() {
        try {
            Files.createDirectories(settings.logDirectory());
            installProviders();
            installConfiguration();
            installThemesAndRealm();
            buildIfChanged();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the server gracefully and starts it again on the same ports and data (no database reset). */
    public KeycloakServer restart() {
        close();
        try {
            launch();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitReady(Duration.ofMinutes(3));
        return this;
    }

    /** Starts a stopped (or killed) server again on the same ports and data (no database reset). */
    public KeycloakServer startAgain() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("still running");
        }
        return restart();
    }

    /** SIGKILL of the Keycloak JVM and its launcher script: a crash, no shutdown hooks, no graceful leave. */
    public void kill() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> children = process.descendants().toList();
        children.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            for (ProcessHandle child : children) {
                child.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("Keycloak did not die", e);
        }
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    /**
     * What a browser uses: {@code localhost} is a secure context for browsers (Keycloak's cookies are
     * {@code Secure}) while the server still listens on loopback only.
     */
    public String browserUrl() {
        return "http://localhost:" + httpPort;
    }

    public Path logFile() {
        return logFile;
    }

    /** Health and metrics live here, not on the public port. */
    public String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    public KeycloakServer start() {
        prepare();
        try {
            resetDatabase();
            Files.deleteIfExists(logFile); // a restart of this server appends to it
            launch();
            awaitReady(Duration.ofMinutes(3));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void installProviders() throws IOException {
        Path providers = home.resolve("providers");
        Files.createDirectories(providers);
        List<Path> wanted = settings.providerJars().stream().map(jar -> providers.resolve(jar.getFileName())).toList();
        try (Stream<Path> old = Files.list(providers)) {
            for (Path jar : old.filter(p -> p.toString().endsWith(".jar") && !wanted.contains(p)).toList()) {
                Files.delete(jar);
            }
        }
        for (Path jar : settings.providerJars()) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("Provider jar missing: " + jar + " (run mvn package first)");
            }
            Path installed = providers.resolve(jar.getFileName());
            // Keycloak compares jar timestamps with its last build: leave an identical jar untouched.
            if (!Files.exists(installed) || Files.mismatch(jar, installed) != -1) {
                Files.copy(jar, installed, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** The repository's keycloak.conf becomes the distribution's, exactly as the Dockerfile does it. */
    private void installConfiguration() throws IOException {
        Files.copy(config.file(), home.resolve("conf").resolve("keycloak.conf"), StandardCopyOption.REPLACE_EXISTING);
    }

    private void installThemesAndRealm() throws IOException {
        Path themes = settings.repoRoot().resolve("themes");
        try (Stream<Path> dirs = Files.list(themes)) {
            for (Path theme : dirs.filter(Files::isDirectory).toList()) {
                Path target = home.resolve("themes").resolve(theme.getFileName());
                deleteRecursively(target);
                copyRecursively(theme, target);
            }
        }
        Path data = home.resolve("data");
        if (settings.freshData()) {
            deleteRecursively(data);
        }
        Path importDir = Files.createDirectories(data.resolve("import"));
        try (Stream<Path> realms = Files.list(settings.repoRoot().resolve("realm-config"))) {
            for (Path realm : realms.filter(p -> p.toString().endsWith("-realm.json")).toList()) {
                Files.copy(realm, importDir.resolve(realm.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** {@code kc.sh build} takes ~25 s; skip it when jars, keycloak.conf and overrides are those of the last build. */
    private void buildIfChanged() throws IOException {
        Path marker = home.resolve("lib").resolve(".flowise-build-fingerprint");
        String fingerprint = fingerprint();
        if (Files.exists(marker) && Files.readString(marker).equals(fingerprint)) {
            return;
        }
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString(), "build"));
        command.addAll(buildOptions);
        Process build = new ProcessBuilder(command)
            .directory(home.toFile())
            .redirectErrorStream(true)
            .redirectOutput(settings.logDirectory().resolve("keycloak-build.log").toFile())
            .start();
        try {
            if (build.waitFor() != 0) {
                throw new IllegalStateException("kc.sh build failed, see " + settings.logDirectory().resolve("keycloak-build.log"));
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
            digest.update(String.join(" ", buildOptions).getBytes(StandardCharsets.UTF_8));
            digest.update(Files.readAllBytes(config.file()));
            for (Path jar : settings.providerJars()) {
                digest.update(Files.readAllBytes(jar));
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every run starts from an empty database, so no test sees another run's rows. */
    private void resetDatabase() {
        Database db = settings.database();
        if (!db.isPostgres() || !settings.freshData()) {
            return; // dev-file lives under data/, already wiped
        }
        try (Connection connection = DriverManager.getConnection(db.url(), db.username(), db.password());
             Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS public CASCADE");
            statement.execute("CREATE SCHEMA public");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("Cannot reset PostgreSQL at " + db.url(), e);
        }
    }

    private void launch() throws IOException {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString(), "start"));
        command.addAll(startOptions(config, settings.database(), httpPort, managementPort));
        command.addAll(extraStartOptions);
        ProcessBuilder builder = new ProcessBuilder(command)
            .directory(home.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        Map<String, String> env = builder.environment();
        env.putIfAbsent("JAVA_OPTS_KC_HEAP", "-Xms256m -Xmx1g");
        env.putAll(settings.environment());
        boolean first = process == null;
        process = builder.start();
        if (first) {
            Runtime.getRuntime().addShutdownHook(new Thread(this::close, "keycloak-stop"));
        }
    }

    private void awaitReady(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI ready = URI.create("http://127.0.0.1:" + managementPort + "/health/ready");
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + ":\n" + logTail());
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                // Polling interval of a readiness probe, not a synchronisation guess.
                process.waitFor(500, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("Keycloak not ready within " + timeout + ":\n" + logTail());
    }

    /** Blocks until the server process ends (the local run waits here until Ctrl-C). */
    public void awaitExit() throws InterruptedException {
        process.waitFor();
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public synchronized void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                children.forEach(ProcessHandle::destroyForcibly);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static void copyRecursively(Path source, Path target) throws IOException {
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path p : walk.toList()) {
                Path dest = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** SPI option: Entra authorities the provider may use; tests and the local stand-in add loopback. */
    public static final String ALLOW_LOOPBACK_AUTHORITY = "KC_SPI_IDENTITY_PROVIDER__ENTRA_ID__ALLOWED_AUTHORITY_HOSTS";

    /** Environment for the shipped realm's placeholders, in one place for tests and the local run. */
    public static Map<String, String> realmEnvironment(String tenantId, String clientId, String clientSecret,
                                                      String authorityHost, String flowiseUrl, String flowiseClientSecret) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AZURE_TENANT_ID", tenantId);
        env.put("AZURE_CLIENT_ID", clientId);
        env.put("AZURE_CLIENT_SECRET", clientSecret);
        env.put("AZURE_AUTHORITY_HOST", authorityHost);
        env.put("FLOWISE_URL", flowiseUrl);
        env.put("FLOWISE_CLIENT_SECRET", flowiseClientSecret);
        if (authorityHost.startsWith("http://127.0.0.1:")) {
            // A stand-in tenant on loopback: the provider's allowlist only knows Microsoft's clouds.
            env.put(ALLOW_LOOPBACK_AUTHORITY, "127.0.0.1");
        }
        return env;
    }
}
