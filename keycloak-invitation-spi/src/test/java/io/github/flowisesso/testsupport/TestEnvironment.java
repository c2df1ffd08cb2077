package io.github.flowisesso.testsupport;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.keycloak.OAuth2Constants;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.KeycloakBuilder;
import org.keycloak.admin.client.resource.RealmResource;

/**
 * Everything the integration tests run against, started once per test JVM and stopped at its end (JUnit's root
 * store closes it; a shutdown hook covers interrupted runs): the Entra stand-in, a Flowise stand-in, and Keycloak
 * with the product jar, the shipped themes and the shipped realm.
 */
public final class TestEnvironment implements AutoCloseable {

    public static final String REALM = "flowise";
    public static final String IDP_ALIAS = "entra";
    public static final String AZURE_CLIENT_ID = "flowise-sso-test-app";
    /** The master-realm admin client the test servers bootstrap. */
    public static final String ADMIN_CLIENT_ID = "it-admin";
    /** What the test server configures as the invitations' default validity (the product default is 24). */
    public static final int DEFAULT_EXPIRY_HOURS = 48;
    /** How long a node holds an email it sends, in the test servers. */
    public static final int MAIL_LEASE_SECONDS = 10;
    /** Emails a test server sends at once. */
    public static final int MAIL_SENDERS = 8;
    private static final String OUTBOX = "KC_SPI_ADMIN_REALM_RESTAPI_EXTENSION__INVITATIONS__";

    private final EntraStandIn entra;
    private final FlowiseStub flowise;
    private final KeycloakServer keycloak;
    private final Keycloak admin;
    private final String flowiseClientSecret = UUID.randomUUID().toString();
    /** A human master-realm admin, for the admin console in a browser. */
    public static final String ADMIN_USER = "console-admin";
    private final String adminUserPassword = UUID.randomUUID().toString();
    private final Invitations invitations;

    TestEnvironment() {
        entra = new EntraStandIn(0);
        flowise = new FlowiseStub();
        String adminSecret = UUID.randomUUID().toString();
        Map<String, String> env = serverEnvironment(entra, flowise, flowiseClientSecret, adminSecret);
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminUserPassword);
        // Invitation admin API: a non-default expiry proves the option is read; a short retention interval lets
        // a test watch the retention job work.
        env.put("KC_SPI_ADMIN_REALM_RESTAPI_EXTENSION__INVITATIONS__DEFAULT_EXPIRY_HOURS", String.valueOf(DEFAULT_EXPIRY_HOURS));
        env.put("KC_SPI_ADMIN_REALM_RESTAPI_EXTENSION__INVITATIONS__CLEANUP_INTERVAL_SECONDS", "3");
        Path target = Path.of(System.getProperty("keycloak.dist.dir")).getParent();
        keycloak = new KeycloakServer(new KeycloakServer.Settings(
            Path.of(System.getProperty("keycloak.dist.dir")),
            Path.of(System.getProperty("repo.root")),
            List.of(Path.of(System.getProperty("provider.jar")), Path.of(System.getProperty("test.support.jar"))),
            KeycloakServer.Database.fromSystemProperties(),
            env, target.resolve("keycloak-logs"), 0, true)).start();
        admin = adminClient(keycloak, adminSecret);
        invitations = new Invitations(keycloak.baseUrl(), admin);
    }

    /**
     * The environment of a server with the shipped realm, this Entra stand-in and Flowise, and a master-realm
     * admin client {@value #ADMIN_CLIENT_ID} with this secret (mutable: callers add their own settings).
     */
    public static Map<String, String> serverEnvironment(EntraStandIn entra, FlowiseStub flowise, String flowiseClientSecret,
                                                        String adminSecret) {
        Map<String, String> env = KeycloakServer.realmEnvironment(entra.tenantId(), AZURE_CLIENT_ID,
            UUID.randomUUID().toString(), entra.authorityHost(), flowise.url(), flowiseClientSecret);
        env.put("KC_BOOTSTRAP_ADMIN_CLIENT_ID", ADMIN_CLIENT_ID);
        env.put("KC_BOOTSTRAP_ADMIN_CLIENT_SECRET", adminSecret);
        // The email outbox at test pace: a failed mail is tried again within seconds, each node looks every second,
        // and a crashed node's mails are free again after 10 s.
        env.put(OUTBOX + "MAIL_RETRY_SECONDS", "1");
        env.put(OUTBOX + "MAIL_RETRY_MAX_SECONDS", "2");
        env.put(OUTBOX + "MAIL_POLL_SECONDS", "1");
        env.put(OUTBOX + "MAIL_LEASE_SECONDS", String.valueOf(MAIL_LEASE_SECONDS));
        // GreenMail answers EHLO in several small writes, which TCP's delayed acknowledgement turns into ~40 ms per
        // mail: more senders keep a 10,000-mail test within a minute or two.
        env.put(OUTBOX + "MAIL_SENDERS", String.valueOf(MAIL_SENDERS));
        return env;
    }

    /** The admin client of {@link #serverEnvironment} on this server. */
    public static Keycloak adminClient(KeycloakServer server, String adminSecret) {
        return KeycloakBuilder.builder().serverUrl(server.baseUrl()).realm("master")
            .grantType(OAuth2Constants.CLIENT_CREDENTIALS).clientId(ADMIN_CLIENT_ID).clientSecret(adminSecret).build();
    }

    /** The invitation admin API of this server, called with that admin client's token. */
    public static InvitationApi invitationApi(KeycloakServer server, Keycloak admin) {
        return new InvitationApi(server.baseUrl(), () -> admin.tokenManager().getAccessTokenString());
    }

    public EntraStandIn entra() {
        return entra;
    }

    public FlowiseStub flowise() {
        return flowise;
    }

    public KeycloakServer keycloak() {
        return keycloak;
    }

    public Keycloak admin() {
        return admin;
    }

    public RealmResource realm() {
        return admin.realm(REALM);
    }

    public Invitations invitations() {
        return invitations;
    }

    /** The invitation admin API, called with the bootstrap admin's token (master realm, all rights). */
    public InvitationApi invitationApi() {
        return invitationApi(keycloak, admin);
    }

    public String adminUserPassword() {
        return adminUserPassword;
    }

    public String flowiseClientSecret() {
        return flowiseClientSecret;
    }

    public Browser browser() {
        return new Browser(this);
    }

    public static final String ROGUE_ALIAS = "entra-rogue";

    private RogueEntraTenant rogue;

    /**
     * A second Entra provider, {@value #ROGUE_ALIAS}, backed by a tenant the test controls (forged tokens,
     * credential checks); created on first use.
     */
    public synchronized RogueEntraTenant rogueTenant() {
        if (rogue == null) {
            rogue = new RogueEntraTenant();
            org.keycloak.representations.idm.IdentityProviderRepresentation idp = realm().identityProviders()
                .get(IDP_ALIAS).toRepresentation();
            idp.setAlias(ROGUE_ALIAS);
            idp.setDisplayName("Rogue tenant");
            idp.setInternalId(null);
            idp.getConfig().put("tenantId", rogue.tenantId());
            idp.getConfig().put("clientId", rogue.clientId());
            idp.getConfig().put("clientSecret", rogue.clientSecret());
            idp.getConfig().put("authorityHost", rogue.authorityHost());
            realm().identityProviders().create(idp).close();
        }
        return rogue;
    }

    @Override
    public void close() {
        if (rogue != null) {
            rogue.close();
        }
        try {
            admin.close();
        } finally {
            keycloak.close();
            flowise.close();
            entra.close();
        }
    }
}
