package io.github.flowisesso.bench;

import io.github.flowisesso.testsupport.FlowiseStub;
import io.github.flowisesso.testsupport.GenericOidc;
import io.github.flowisesso.testsupport.FreePorts;
import io.github.flowisesso.testsupport.KeycloakServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.keycloak.representations.idm.AuthenticationExecutionInfoRepresentation;
import org.keycloak.representations.idm.AuthenticationFlowRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;

/**
 * Keycloak with the extension and the shipped realm on PostgreSQL, brokering a non-interactive Entra stand-in (one
 * tenant). The gate, lookup and creation benchmarks run against it.
 */
final class MainServer implements AutoCloseable {

    static final String REALM = "flowise";
    static final String ENTRA = "entra";
    static final String ENTRA_STOCK = "entra-stock";
    static final String ENTRA_BARE = "entra-bare";
    /** Keycloak's built-in first broker login flow, which every realm has. */
    static final String BUILT_IN_FIRST_BROKER_LOGIN = "first broker login";
    static final String ENTRA_OIDC = "entra-oidc";
    static final String ENTRA_NOOP_POST = "entra-noop-post";
    static final String STOCK_FLOW = "bench stock first broker login";
    static final String NOOP_POST_FLOW = "bench allow-access post broker login";
    static final String AZURE_CLIENT_ID = "flowise-bench-app";

    final MockOAuth2Server entra;
    final String tenantId = UUID.randomUUID().toString();
    final FlowiseStub flowise;
    final BenchKeycloak.Running keycloak;
    final AdminApi admin;
    final BrokerLogins logins;
    final String dbUrl;
    final String realmId;
    /** Raw samples (CSV) go here: target/bench/samples. */
    final Path samplesDir;

    MainServer(BenchKeycloak distribution, String dbUrl, Path repoRoot) throws IOException {
        this.dbUrl = dbUrl;
        this.samplesDir = distribution.home().getParent().resolve("samples");
        entra = BrokerLogins.standIn();
        int entraPort = FreePorts.next();
        entra.start(java.net.InetAddress.getLoopbackAddress(), entraPort);
        String authorityHost = "http://127.0.0.1:" + entraPort;
        flowise = new FlowiseStub();
        String flowiseSecret = UUID.randomUUID().toString();
        String azureSecret = UUID.randomUUID().toString();
        Path importDir = Files.createDirectories(distribution.home().resolve("data/import"));
        try (Stream<Path> realms = Files.list(repoRoot.resolve("realm-config"))) {
            for (Path realm : realms.filter(p -> p.toString().endsWith("-realm.json")).toList()) {
                Files.copy(realm, importDir.resolve(realm.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        String adminSecret = UUID.randomUUID().toString();
        Map<String, String> env = KeycloakServer.realmEnvironment(tenantId, AZURE_CLIENT_ID, azureSecret, authorityHost,
            flowise.url(), flowiseSecret);
        env.putAll(BenchKeycloak.adminEnvironment("bench-admin", adminSecret));
        // diagnosis, e.g. -Dbench.main.javaOpts=-XX:StartFlightRecording=filename=/tmp/main.jfr (not for measured runs)
        String javaOpts = System.getProperty("bench.main.javaOpts", "");
        if (!javaOpts.isBlank()) {
            env.put("JAVA_OPTS_APPEND", javaOpts);
        }
        List<String> options = new ArrayList<>(List.of("--import-realm"));
        // diagnosis, e.g. -Dbench.main.options=--log-level=INFO,org.hibernate.SQL:debug (not for measured runs)
        String extra = System.getProperty("bench.main.options", "");
        if (!extra.isBlank()) {
            options.addAll(List.of(extra.split(" ")));
        }
        keycloak = distribution.start("main", dbUrl, env, options);
        admin = new AdminApi(keycloak.baseUrl(), "bench-admin", adminSecret);
        realmId = admin.client().realm(REALM).toRepresentation().getId();
        logins = new BrokerLogins(keycloak.baseUrl(), REALM, "flowise", flowiseSecret, flowise.callbackUrl(), entra,
            tenantId + "/v2.0", AZURE_CLIENT_ID);
        addBaselineProviders(azureSecret, authorityHost + "/" + tenantId + "/v2.0");
    }

    /**
     * Baselines beside the shipped {@code entra} provider, on the same stand-in tenant:
     * <ul>
     *   <li>{@code entra-stock}: a copy of {@code entra} (same type, tenant and settings) with Keycloak's built-in
     *       "first broker login" flow (review profile when incomplete, create user if unique, else account linking).</li>
     *   <li>{@code entra-bare}: the same with a first broker login flow holding only Keycloak's "Create user if
     *       unique" (the user-creating step of the built-in flow): the strictest baseline.</li>
     *   <li>{@code entra-oidc}: Keycloak's own {@code oidc} provider type with the same endpoints, client, PKCE and
     *       signature validation: a sign-in without anything of the extension, the login-type check included.</li>
     *   <li>{@code entra-noop-post}: a copy of {@code entra} with a post broker login flow holding only Keycloak's
     *       own "Allow access" authenticator: what any post broker login flow costs, whatever it checks.</li>
     * </ul>
     */
    private void addBaselineProviders(String azureSecret, String issuer) {
        flow(STOCK_FLOW, "idp-create-user-if-unique");
        flow(NOOP_POST_FLOW, "allow-access-authenticator");
        copyProvider(ENTRA_STOCK, BUILT_IN_FIRST_BROKER_LOGIN, null, azureSecret, null);
        copyProvider(ENTRA_BARE, STOCK_FLOW, null, azureSecret, null);
        copyProvider(ENTRA_NOOP_POST, STOCK_FLOW, NOOP_POST_FLOW, azureSecret, null);
        copyProvider(ENTRA_OIDC, STOCK_FLOW, null, azureSecret, GenericOidc.config(issuer));
    }

    private void flow(String alias, String authenticator) {
        var flows = admin.client().realm(REALM).flows();
        AuthenticationFlowRepresentation flow = new AuthenticationFlowRepresentation();
        flow.setAlias(alias);
        flow.setDescription("Benchmark baseline: " + authenticator + " only");
        flow.setProviderId("basic-flow");
        flow.setTopLevel(true);
        flow.setBuiltIn(false);
        flows.createFlow(flow).close();
        flows.addExecution(alias, Map.of("provider", authenticator));
        for (AuthenticationExecutionInfoRepresentation execution : flows.getExecutions(alias)) {
            execution.setRequirement("REQUIRED");
            flows.updateExecutions(alias, execution);
        }
    }

    /** A copy of {@code entra}; with {@code oidcConfig}, as Keycloak's own {@code oidc} type with that configuration added. */
    private void copyProvider(String alias, String firstBrokerLoginFlow, String postBrokerLoginFlow, String azureSecret,
                              Map<String, String> oidcConfig) {
        var providers = admin.client().realm(REALM).identityProviders();
        IdentityProviderRepresentation idp = providers.get(ENTRA).toRepresentation();
        if (oidcConfig != null) {
            idp.setProviderId("oidc");
            idp.getConfig().putAll(oidcConfig);
        }
        idp.setAlias(alias);
        idp.setInternalId(null);
        idp.setDisplayName("Microsoft (" + alias + ")");
        idp.setFirstBrokerLoginFlowAlias(firstBrokerLoginFlow);
        idp.setPostBrokerLoginFlowAlias(postBrokerLoginFlow);
        idp.getConfig().put("clientSecret", azureSecret);
        try (var created = providers.create(idp)) {
            if (created.getStatus() != 201) {
                throw new IllegalStateException("creating " + alias + ": " + created.getStatus() + " " + created.readEntity(String.class));
            }
        }
    }

    /** Creates PENDING SSO invitations for these emails through the bulk endpoint (no email sent). */
    void invite(List<String> emails, String alias) {
        for (int from = 0; from < emails.size(); from += 10_000) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (String email : emails.subList(from, Math.min(emails.size(), from + 10_000))) {
                rows.add(Map.of("email", email, "loginType", "SSO", "identityProvider", alias));
            }
            AdminApi.Answer answer = admin.post(REALM + "/invitations/bulk?sendEmail=false", rows);
            if (answer.status() != 200 || !answer.body().contains("\"failed\":0")) {
                throw new IllegalStateException("bulk invitations answered " + answer.status() + ": "
                    + answer.body().substring(0, Math.min(1000, answer.body().length())));
            }
        }
    }

    @Override
    public void close() {
        try {
            admin.close();
        } finally {
            keycloak.close();
            flowise.close();
            entra.shutdown();
        }
    }
}
