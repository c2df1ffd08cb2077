package io.github.flowisesso.flowise;

import io.github.flowisesso.testsupport.ChildProcess;
import io.github.flowisesso.testsupport.EntraStandIn;
import io.github.flowisesso.testsupport.FlowiseLastHop;
import io.github.flowisesso.testsupport.FreePorts;
import io.github.flowisesso.testsupport.InvitationApi;
import io.github.flowisesso.testsupport.KeycloakServer;
import io.github.flowisesso.testsupport.TestEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.RealmResource;

/**
 * The last hop with real parts, as shipped: Keycloak with the product jar, themes and realm (FLOWISE_URL = the door);
 * the Entra stand-in; and {@link FlowiseLastHop}: real Flowise, the bridge jar, the door. Browsers reach the door at
 * {@code localhost} and Keycloak at {@code 127.0.0.1}, so their cookies never mix.
 *
 * <p>Started once per test JVM, on Keycloak's embedded database whatever the suite's database (the hop does not
 * depend on it). Without Flowise or Apache installed the tests are skipped, unless {@code -Dflowise.required=true}
 * (CI), where their absence is a failure.
 */
final class FlowiseStack implements AutoCloseable {

    static final String ACCOUNT_EMAIL = FlowiseLastHop.ACCOUNT_EMAIL;

    private final EntraStandIn entra;
    private final FlowiseLastHop hop;
    private final KeycloakServer keycloak;
    private final Keycloak admin;

    static void assumeInstalled() {
        if (!Boolean.getBoolean("flowise.required")) {
            Assumptions.assumeTrue(FlowiseLastHop.installed(), "real Flowise (flowise/install) and Apache with mod_auth_openidc are not installed");
        } else if (!FlowiseLastHop.installed()) {
            throw new IllegalStateException("real Flowise at " + FlowiseLastHop.flowiseHome()
                + " and apache2 + libapache2-mod-auth-openidc are required");
        }
    }

    FlowiseStack() throws IOException {
        assumeInstalled();
        Path target = Path.of(System.getProperty("keycloak.dist.dir")).getParent();
        Path repoRoot = Path.of(System.getProperty("repo.root")).toAbsolutePath().normalize();
        Path work = target.resolve("flowise-stack");
        run(List.of("rm", "-rf", work.toString()));
        Files.createDirectories(work);

        entra = new EntraStandIn(0);
        hop = new FlowiseLastHop(work, repoRoot, "localhost", FreePorts.next()).startFlowise();

        String adminSecret = UUID.randomUUID().toString();
        String flowiseClientSecret = UUID.randomUUID().toString();
        keycloak = hop.startKeycloak(entra, flowiseClientSecret, adminSecret);
        admin = TestEnvironment.adminClient(keycloak, adminSecret);
        hop.startBridgeAndDoor(issuer(), flowiseClientSecret);
    }

    ChildProcess startBridge(Map<String, String> environment, String logName) {
        return hop.startBridge(environment, logName);
    }

    Map<String, String> bridgeEnvironment() {
        return hop.bridgeEnvironment();
    }

    String issuer() {
        return keycloak.baseUrl() + "/realms/" + TestEnvironment.REALM;
    }

    String doorUrl() {
        return hop.doorUrl();
    }

    String flowiseInternalUrl() {
        return hop.flowiseInternalUrl();
    }

    String accountPassword() {
        return hop.accountPassword();
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

    @Override
    public void close() {
        for (AutoCloseable closeable : new AutoCloseable[] {hop, keycloak, entra}) {
            try {
                closeable.close();
            } catch (Exception e) {
                // keep closing the others
            }
        }
        admin.close();
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
