package io.github.flowisesso.dev;

import io.github.flowisesso.testsupport.EntraStandIn;
import io.github.flowisesso.testsupport.FlowiseLastHop;
import io.github.flowisesso.testsupport.FlowiseStub;
import io.github.flowisesso.testsupport.FreePorts;
import io.github.flowisesso.testsupport.KeycloakServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The README's run command ({@code mvn verify -Prun}): Keycloak 26.7.3 from Maven Central with the extension,
 * themes and the shipped realm on the embedded database. Without AZURE_* variables it also starts a local
 * stand-in for Entra ID. Without FLOWISE_URL it starts real Flowise behind the shipped door and bridge when
 * {@code flowise/install} has installed it (and Apache with mod_auth_openidc is there), else a Flowise stand-in, and
 * says which. Ctrl-C stops it all.
 */
public final class LocalRun {

    private static final String DEMO_INVITEE = "invited@example.com";

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private LocalRun() {
    }

    public static void main(String[] args) throws Exception {
        List<AutoCloseable> started = new ArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> closeAll(started), "local-run-stop"));

        String tenant = System.getenv("AZURE_TENANT_ID");
        boolean realTenant = notBlank(tenant) && notBlank(System.getenv("AZURE_CLIENT_ID")) && notBlank(System.getenv("AZURE_CLIENT_SECRET"));
        EntraStandIn standIn = null;
        if (!realTenant) {
            standIn = new EntraStandIn(0);
            started.add(standIn);
        }
        String flowiseUrl = System.getenv("FLOWISE_URL");
        Path dist = Path.of(System.getProperty("keycloak.dist.dir"));
        FlowiseLastHop realFlowise = null;
        if (!notBlank(flowiseUrl) && FlowiseLastHop.installed()) {
            realFlowise = new FlowiseLastHop(dist.getParent().resolve("local-run-flowise"), Path.of(System.getProperty("repo.root")),
                "localhost", freeOr(3000)).startFlowise();
            started.add(realFlowise);
            flowiseUrl = realFlowise.doorUrl();
        } else if (!notBlank(flowiseUrl)) {
            System.out.println("Real Flowise is not installed (run flowise/install, and apt-get install apache2 "
                + "libapache2-mod-auth-openidc): using a Flowise stand-in, which only shows where the door would be.");
            FlowiseStub stub = new FlowiseStub();
            started.add(stub);
            flowiseUrl = stub.url();
        }
        String flowiseSecret = orElse(System.getenv("FLOWISE_CLIENT_SECRET"), random());
        String adminPassword = orElse(System.getenv("KC_BOOTSTRAP_ADMIN_PASSWORD"), random().substring(0, 20));
        String seedClient = "local-run-admin";
        String seedSecret = random();

        Map<String, String> env = KeycloakServer.realmEnvironment(
            realTenant ? tenant : standIn.tenantId(),
            realTenant ? System.getenv("AZURE_CLIENT_ID") : "local-dev-app",
            realTenant ? System.getenv("AZURE_CLIENT_SECRET") : random(),
            realTenant ? orElse(System.getenv("AZURE_AUTHORITY_HOST"), "https://login.microsoftonline.com") : standIn.authorityHost(),
            flowiseUrl, flowiseSecret);
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);
        env.put("KC_BOOTSTRAP_ADMIN_CLIENT_ID", seedClient);
        env.put("KC_BOOTSTRAP_ADMIN_CLIENT_SECRET", seedSecret);

        KeycloakServer keycloak = new KeycloakServer(new KeycloakServer.Settings(dist, Path.of(System.getProperty("repo.root")),
            List.of(Path.of(System.getProperty("provider.jar"))),
            new KeycloakServer.Database("h2", null, null, null), env, dist.getParent().resolve("local-run"),
            preferredPort(), true));
        started.add(keycloak);
        System.out.println("Starting Keycloak 26.7.3 (log: " + keycloak.logFile() + ") …");
        keycloak.start();
        if (realFlowise != null) {
            System.out.println("Starting real Flowise behind the door (logs: " + realFlowise.logs() + ") …");
            realFlowise.startBridgeAndDoor(keycloak.browserUrl() + "/realms/flowise", flowiseSecret);
        }
        String demoLink = realTenant ? null : inviteDemoUser(keycloak.baseUrl(), seedClient, seedSecret);
        String flowiseNote = realFlowise != null ? "  (real Flowise behind the door and the bridge: open it to sign in)"
            : System.getenv("FLOWISE_URL") != null ? "" : "  (a stand-in: run flowise/install for real Flowise)";
        printBanner(keycloak, standIn, flowiseUrl, flowiseNote, adminPassword, flowiseSecret, demoLink);
        keycloak.awaitExit();
    }

    private static void printBanner(KeycloakServer keycloak, EntraStandIn standIn, String flowiseUrl, String flowiseNote,
                                    String adminPassword, String flowiseSecret, String demoLink) throws Exception {
        String verifier = random();
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
            MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        String signIn = keycloak.browserUrl() + "/realms/flowise/protocol/openid-connect/auth?client_id=flowise&response_type=code"
            + "&scope=openid&redirect_uri=" + URLEncoder.encode(flowiseUrl + "/oauth2/callback", StandardCharsets.UTF_8)
            + "&code_challenge=" + challenge + "&code_challenge_method=S256";
        StringBuilder out = new StringBuilder("\n");
        out.append("=====================================================================\n");
        out.append(" Invite-only SSO for Flowise — Keycloak is ready\n");
        out.append("=====================================================================\n");
        out.append(" Admin console : ").append(keycloak.browserUrl()).append("/admin/master/console/#/flowise\n");
        out.append("   user admin, password ").append(adminPassword).append('\n');
        out.append(" Realm         : ").append(keycloak.browserUrl()).append("/realms/flowise\n");
        out.append(" Flowise client: flowise / secret ").append(flowiseSecret).append('\n');
        out.append(" Flowise URL   : ").append(flowiseUrl).append(flowiseNote).append('\n');
        out.append(" Sign in as Flowise would:\n   ").append(signIn).append('\n');
        if (standIn != null) {
            out.append('\n');
            out.append(" !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n");
            out.append(" !! DEVELOPMENT ONLY: a local stand-in plays Microsoft Entra ID at\n");
            out.append(" !! ").append(standIn.issuer()).append('\n');
            out.append(" !! Anyone can sign in there as anyone. Set AZURE_TENANT_ID,\n");
            out.append(" !! AZURE_CLIENT_ID and AZURE_CLIENT_SECRET to broker a real tenant.\n");
            out.append(" !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n");
            out.append(" A demo invitation exists for ").append(DEMO_INVITEE).append(" (login type SSO); its link:\n   ")
                .append(demoLink.replace(keycloak.baseUrl(), keycloak.browserUrl())).append('\n');
            out.append(" Open the link (or Flowise's URL), choose Microsoft, and at the stand-in's form enter a\n");
            out.append(" username (it is the Entra user id: another person needs another one) and these claims:\n");
            out.append("   ").append(claims(standIn, DEMO_INVITEE)).append('\n');
            out.append(" With another email the login is refused (\"not invited\").\n");
        }
        out.append("\n Ctrl-C stops everything this command started.\n");
        out.append("=====================================================================\n");
        System.out.println(out);
    }

    private static String claims(EntraStandIn standIn, String email) {
        return "{\"tid\":\"" + standIn.tenantId() + "\",\"oid\":\"" + UUID.randomUUID() + "\",\"email\":\"" + email
            + "\",\"xms_edov\":true,\"name\":\"Demo Invitee\",\"given_name\":\"Demo\",\"family_name\":\"Invitee\"}";
    }

    /** Through the product's own admin API, as an admin would; the answer carries the link (no SMTP here). */
    private static String inviteDemoUser(String baseUrl, String clientId, String secret) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/realms/master/protocol/openid-connect/token"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=" + clientId + "&client_secret=" + secret))
            .build(), HttpResponse.BodyHandlers.ofString());
        String accessToken = JSON.readTree(token.body()).path("access_token").asText();
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/admin/realms/flowise/invitations"))
            .header("Authorization", "Bearer " + accessToken)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + DEMO_INVITEE + "\",\"loginType\":\"SSO\","
                + "\"identityProvider\":\"entra\",\"roles\":[\"member\"],\"expiresInHours\":168,\"sendEmail\":false}"))
            .build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("Could not create the demo invitation: " + created.statusCode() + " " + created.body());
        }
        return JSON.readTree(created.body()).path("link").asText();
    }

    private static int freeOr(int preferred) {
        try (ServerSocket probe = new ServerSocket(preferred, 1, InetAddress.getLoopbackAddress())) {
            return preferred;
        } catch (IOException taken) {
            return FreePorts.next();
        }
    }

    /** 8080 when free (what most guides assume), otherwise any free port; KC_HTTP_PORT overrides. */
    private static int preferredPort() {
        String configured = System.getenv("KC_HTTP_PORT");
        if (notBlank(configured)) {
            return Integer.parseInt(configured);
        }
        try (ServerSocket probe = new ServerSocket(8080, 1, InetAddress.getLoopbackAddress())) {
            return 8080;
        } catch (IOException taken) {
            return FreePorts.next();
        }
    }

    private static void closeAll(List<AutoCloseable> started) {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception ignored) {
                // stopping anyway
            }
        }
    }

    private static String random() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static boolean notBlank(String value) {
        return value != null && !value.isBlank();
    }

    private static String orElse(String value, String fallback) {
        return notBlank(value) ? value : fallback;
    }
}
