package io.github.flowisesso.rest;

import io.github.flowisesso.testsupport.FreePorts;
import io.github.flowisesso.testsupport.InvitationApi;
import io.github.flowisesso.testsupport.Mailbox;
import io.github.flowisesso.testsupport.Invitations;
import io.github.flowisesso.testsupport.TestEnvironment;
import jakarta.ws.rs.core.Response;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * Realms, users and groups the API tests need, each made once per server and found again by later tests, so that
 * no test depends on another having run first.
 */
final class ApiFixtures {

    static final String REALM = TestEnvironment.REALM;
    /** One enabled identity provider ({@code idp-on}) and one disabled ({@code idp-off}). */
    static final String ONE_IDP_REALM = "api-one-idp";
    static final String TWO_IDPS_REALM = "api-two-idps";
    /** No identity provider, no Flowise client: a realm where only PASSWORD invitations without roles work. */
    static final String BARE_REALM = "api-bare";
    static final String FRONTEND_REALM = "api-frontend";
    static final String FRONTEND_URL = "https://sso.example.test/auth";
    static final String SMTP_DOWN_REALM = "api-smtp-down";
    static final String OTHER_ADMINS_REALM = "api-other-admins";
    static final String PASSWORD = "Correct-Horse-9";

    private static final Map<String, String> USERS = new HashMap<>();

    private ApiFixtures() {
    }

    static String newEmail() {
        return io.github.flowisesso.testsupport.StateAssertions.newEmail("invitee");
    }

    static String sha256(String token) {
        return Invitations.sha256(token);
    }

    static synchronized void ensureRealm(TestEnvironment env, String name, Consumer<RealmRepresentation> customize) {
        if (env.admin().realms().findAll().stream().anyMatch(r -> r.getRealm().equals(name))) {
            return;
        }
        RealmRepresentation realm = new RealmRepresentation();
        realm.setRealm(name);
        realm.setEnabled(true);
        realm.setEmailTheme("flowise-sso");
        realm.setAdminEventsEnabled(true);
        realm.setAdminEventsDetailsEnabled(true);
        customize.accept(realm);
        env.admin().realms().create(realm);
    }

    static void ensureRealms(TestEnvironment env) {
        ensureRealm(env, BARE_REALM, realm -> { });
        ensureRealm(env, ONE_IDP_REALM, realm -> { });
        ensureIdp(env, ONE_IDP_REALM, "idp-on", true);
        ensureIdp(env, ONE_IDP_REALM, "idp-off", false);
        ensureRealm(env, TWO_IDPS_REALM, realm -> { });
        ensureIdp(env, TWO_IDPS_REALM, "idp-a", true);
        ensureIdp(env, TWO_IDPS_REALM, "idp-b", true);
        ensureRealm(env, FRONTEND_REALM, realm -> realm.setAttributes(Map.of("frontendUrl", FRONTEND_URL)));
        // Nothing listens on a port that was free a moment ago: SMTP connections are refused.
        ensureRealm(env, SMTP_DOWN_REALM, realm -> realm.setSmtpServer(Mailbox.smtpSettings(FreePorts.next())));
        ensureRealm(env, OTHER_ADMINS_REALM, realm -> { });
    }

    /** A copy of the shipped Entra ID provider under another alias. */
    static synchronized void ensureIdp(TestEnvironment env, String realm, String alias, boolean enabled) {
        RealmResource target = env.admin().realm(realm);
        if (target.identityProviders().findAll().stream().anyMatch(idp -> idp.getAlias().equals(alias))) {
            return;
        }
        IdentityProviderRepresentation idp = env.realm().identityProviders().get(TestEnvironment.IDP_ALIAS).toRepresentation();
        idp.setAlias(alias);
        idp.setDisplayName(alias);
        idp.setInternalId(null);
        idp.setEnabled(enabled);
        idp.setFirstBrokerLoginFlowAlias(null);
        idp.setPostBrokerLoginFlowAlias(null);
        try (Response response = target.identityProviders().create(idp)) {
            if (response.getStatus() != 201) {
                throw new IllegalStateException("IdP " + alias + " in " + realm + ": " + response.getStatus() + " " + response.readEntity(String.class));
            }
        }
    }

    static String ensureGroup(TestEnvironment env, String path) {
        return io.github.flowisesso.testsupport.Accounts.ensureGroup(env, path);
    }

    /** A user of {@code realm} with these roles of its realm-management client; made once, password {@link #PASSWORD}. */
    static synchronized String ensureUser(TestEnvironment env, String realm, String key, String firstName, String lastName,
                                          String... realmManagementRoles) {
        return USERS.computeIfAbsent(realm + "/" + key, k -> {
            String username = key + "-" + UUID.randomUUID().toString().substring(0, 8);
            UserRepresentation user = new UserRepresentation();
            user.setUsername(username);
            user.setEmail(username + "@staff.example.com");
            user.setEmailVerified(true);
            user.setFirstName(firstName);
            user.setLastName(lastName);
            user.setEnabled(true);
            CredentialRepresentation password = new CredentialRepresentation();
            password.setType(CredentialRepresentation.PASSWORD);
            password.setValue(PASSWORD);
            password.setTemporary(false);
            user.setCredentials(List.of(password));
            RealmResource target = env.admin().realm(realm);
            String id;
            try (Response response = target.users().create(user)) {
                id = CreatedResponseUtil.getCreatedId(response);
            }
            if (realmManagementRoles.length > 0) {
                ClientRepresentation management = target.clients().findByClientId("realm-management").get(0);
                List<RoleRepresentation> roles = Arrays.stream(realmManagementRoles)
                    .map(role -> target.clients().get(management.getId()).roles().get(role).toRepresentation()).toList();
                target.users().get(id).roles().clientLevel(management.getId()).add(roles);
            }
            return username;
        });
    }

    /** A fresh token for every call: a long test run outlives one access token. */
    static Supplier<String> tokensOf(TestEnvironment env, String realm, String username) {
        return () -> InvitationApi.passwordGrant(env.keycloak().baseUrl(), realm, username, PASSWORD);
    }

    /** An admin of the flowise realm with a human name: the inviter the emails name. */
    static InvitationApi grace(TestEnvironment env) {
        String username = ensureUser(env, REALM, "grace", "Grace", "Hopper", "manage-users", "view-users");
        return env.invitationApi().withTokens(tokensOf(env, REALM, username));
    }
}
