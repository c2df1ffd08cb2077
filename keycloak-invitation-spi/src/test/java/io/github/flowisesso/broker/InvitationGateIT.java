package io.github.flowisesso.broker;

import static io.github.flowisesso.testsupport.Invitations.invite;
import static io.github.flowisesso.testsupport.StateAssertions.assertNoAccount;
import static io.github.flowisesso.testsupport.StateAssertions.assertUntouched;
import static io.github.flowisesso.testsupport.StateAssertions.newEmail;
import static io.github.flowisesso.testsupport.StateAssertions.onlyAccount;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.flowisesso.testsupport.Browser;
import io.github.flowisesso.testsupport.EntraUser;
import io.github.flowisesso.testsupport.Invitations.Seeded;
import io.github.flowisesso.testsupport.KeycloakExtension;
import io.github.flowisesso.testsupport.TestEnvironment;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.htmlunit.Page;
import org.htmlunit.html.HtmlPage;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.FederatedIdentityRepresentation;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

@ExtendWith(KeycloakExtension.class)
class InvitationGateIT {

    private static final String NOT_INVITED = "has not been invited to Flowise";


    @Nested
    class GivenAPendingSsoInvitation {

        @Test
        void theInviteeFinishesFirstLoginAndFlowiseGetsACode(TestEnvironment env) {
            String email = newEmail("user");
            String group = ensureGroup(env, "workspace-" + UUID.randomUUID().toString().substring(0, 6));
            Seeded invitation = env.invitations().seed(invite(email).roles("member").groups("/" + group).names("Ada", "Lovelace"));
            EntraUser entraUser = EntraUser.of(env, email);

            try (Browser browser = env.browser()) {
                Page landing = browser.signIn(entraUser);

                String code = Browser.expectCode(landing, env);
                Map<String, Object> tokens = browser.redeem(code);
                Map<String, Object> idToken = Browser.claimsOf((String) tokens.get("id_token"));
                assertThat(idToken).containsEntry("email", email).containsEntry("email_verified", true)
                    .containsEntry("login_type", "SSO").containsEntry("roles", List.of("member"))
                    .containsEntry("groups", List.of("/" + group));
            }

            UserRepresentation user = onlyAccount(env, email);
            assertThat(user.getUsername()).isEqualTo(email);
            assertThat(user.isEmailVerified()).isTrue();
            assertThat(user.getAttributes()).containsEntry("login_type", List.of("SSO"));
            List<FederatedIdentityRepresentation> links = env.realm().users().get(user.getId()).getFederatedIdentity();
            assertThat(links).singleElement().satisfies(link -> {
                assertThat(link.getIdentityProvider()).isEqualTo(TestEnvironment.IDP_ALIAS);
                assertThat(link.getUserId()).isEqualTo(entraUser.subject());
            });
            assertThat(env.realm().users().get(user.getId()).roles().clientLevel(flowiseClientId(env)).listAll())
                .extracting(r -> r.getName()).containsExactly("member");
            assertThat(env.realm().users().get(user.getId()).groups()).extracting(GroupRepresentation::getName).containsExactly(group);
            Map<String, Object> stored = env.invitations().get(invitation.id());
            assertThat(stored).containsEntry("status", "ACCEPTED").containsEntry("acceptedUserId", user.getId());
            // One enrolment event: Keycloak's own IDENTITY_PROVIDER_FIRST_LOGIN, carrying the invitation.
            List<EventRepresentation> enrolled = env.realm().getEvents(List.of("IDENTITY_PROVIDER_FIRST_LOGIN"),
                null, user.getId(), null, null, null, 0, 100);
            assertThat(enrolled).as("IDENTITY_PROVIDER_FIRST_LOGIN events of the new account").singleElement()
                .satisfies(e -> assertThat(e.getDetails()).containsEntry("invitation_id", invitation.id())
                    .containsEntry("reason", "invitation_accepted").containsEntry("identity_provider", TestEnvironment.IDP_ALIAS));
        }

        @Test
        void theEmailMatchesAfterCanonicalisation(TestEnvironment env) {
            String email = newEmail("user");
            Seeded invitation = env.invitations().seed(invite(email));

            try (Browser browser = env.browser()) {
                Page landing = browser.signIn(EntraUser.of(env, email.toUpperCase(java.util.Locale.ROOT).replace("EXAMPLE.COM", "Example.COM.")));
                Browser.expectCode(landing, env);
            }
            assertThat(env.invitations().get(invitation.id())).containsEntry("status", "ACCEPTED");
            onlyAccount(env, email);
        }
    }

    @Nested
    class GivenNoMatchingInvitation {

        @Test
        void anUninvitedIdentityIsRefusedAndNothingIsCreated(TestEnvironment env) {
            String email = newEmail("user");

            refusedAtFirstLogin(env, EntraUser.of(env, email), NOT_INVITED);

            assertNoAccount(env, email);
            assertRefusalEvent(env, email, "not_invited");
        }

        @Test
        void anInvitationForAnotherEmailDoesNotMatch(TestEnvironment env) {
            String invited = newEmail("user");
            String other = newEmail("user");
            Seeded invitation = env.invitations().seed(invite(invited));

            refusedAtFirstLogin(env, EntraUser.of(env, other), NOT_INVITED);

            assertNoAccount(env, other);
            assertNoAccount(env, invited);
            assertUntouched(env, invitation, "PENDING");
        }

        @Test
        void anInvitationForAnotherIdentityProviderDoesNotMatch(TestEnvironment env) {
            String email = newEmail("user");
            String otherAlias = ensureSecondEntraProvider(env);
            Seeded invitation = env.invitations().seed(invite(email).identityProvider(otherAlias));

            refusedAtFirstLogin(env, EntraUser.of(env, email), NOT_INVITED);

            assertNoAccount(env, email);
            assertUntouched(env, invitation, "PENDING");
            assertRefusalEvent(env, email, "invited_for_other_identity_provider");
        }

        @Test
        void anInvitationInAnotherRealmDoesNotMatch(TestEnvironment env) {
            String email = newEmail("user");
            String otherRealm = ensureOtherRealm(env);
            Seeded invitation = env.invitations().seed(invite(email).inRealm(otherRealm));

            refusedAtFirstLogin(env, EntraUser.of(env, email), NOT_INVITED);

            assertNoAccount(env, email);
            assertUntouched(env, otherRealm, invitation, "PENDING");
            assertRefusalEvent(env, email, "not_invited");
        }

        @Test
        void aPasswordInvitationCannotBeCompletedThroughSso(TestEnvironment env) {
            String email = newEmail("user");
            Seeded invitation = env.invitations().seed(invite(email).loginType("PASSWORD").identityProvider(null));

            refusedAtFirstLogin(env, EntraUser.of(env, email), NOT_INVITED);

            assertNoAccount(env, email);
            assertUntouched(env, invitation, "PENDING");
            assertRefusalEvent(env, email, "invited_for_password_login");
        }
    }

    @Nested
    class GivenAnInvitationThatIsNoLongerPending {

        @Test
        void anExpiredInvitationIsRefused(TestEnvironment env) {
            String email = newEmail("user");
            Seeded invitation = env.invitations().seed(invite(email).expiresInSeconds(-60));

            refusedAtFirstLogin(env, EntraUser.of(env, email), NOT_INVITED);

            assertNoAccount(env, email);
            assertUntouched(env, invitation, "PENDING");
            assertRefusalEvent(env, email, "invitation_expired");
        }

        @Test
        void aRevokedInvitationIsRefused(TestEnvironment env) {
            String email = newEmail("user");
            Seeded invitation = env.invitations().seed(invite(email).status("REVOKED"));

            refusedAtFirstLogin(env, EntraUser.of(env, email), NOT_INVITED);

            assertNoAccount(env, email);
            assertUntouched(env, invitation, "REVOKED");
            assertRefusalEvent(env, email, "not_invited");
        }
    }

    @Nested
    class GivenAnIdentityEntraDoesNotVouchFor {

        @Test
        void anUnverifiedEmailIsRefused(TestEnvironment env) {
            String email = newEmail("user");
            Seeded invitation = env.invitations().seed(invite(email));

            refusedAtFirstLogin(env, EntraUser.of(env, email).without("xms_edov"), NOT_INVITED);

            assertNoAccount(env, email);
            assertUntouched(env, invitation, "PENDING");
            assertRefusalEvent(env, email, "email_not_verified");
        }

        @Test
        void aTokenNamingAnotherTenantIsRefused(TestEnvironment env) {
            String email = newEmail("user");
            Seeded invitation = env.invitations().seed(invite(email));

            refusedAtFirstLogin(env, EntraUser.of(env, email).claim("tid", UUID.randomUUID().toString()), NOT_INVITED);

            assertNoAccount(env, email);
            assertUntouched(env, invitation, "PENDING");
            assertRefusalEvent(env, email, "wrong_tenant");
        }

        @Test
        void anExistingLocalAccountIsNeverLinkedSilently(TestEnvironment env) {
            String email = newEmail("user");
            UserRepresentation local = new UserRepresentation();
            local.setUsername(email);
            local.setEmail(email);
            local.setEnabled(true);
            env.realm().users().create(local).close();
            String localId = onlyAccount(env, email).getId();
            Seeded invitation = env.invitations().seed(invite(email));

            refusedAtFirstLogin(env, EntraUser.of(env, email), "already exists in Flowise");

            assertThat(onlyAccount(env, email).getId()).isEqualTo(localId);
            assertThat(env.realm().users().get(localId).getFederatedIdentity()).isEmpty();
            assertUntouched(env, invitation, "PENDING");
            assertRefusalEvent(env, email, "account_exists");
        }
    }

    // --- helpers ---

    static void refusedAtFirstLogin(TestEnvironment env, EntraUser user, String sentence) {
        try (Browser browser = env.browser()) {
            Page page = browser.signIn(user);
            assertThat(Browser.authorizationCode(page, env)).as("no code may reach Flowise").isEmpty();
            assertThat(page.getWebResponse().getStatusCode()).isEqualTo(403);
            assertThat(((HtmlPage) page).asNormalizedText()).contains(sentence);
        }
    }



    static void assertRefusalEvent(TestEnvironment env, String email, String reason) {
        List<EventRepresentation> events = env.realm().getEvents(List.of("IDENTITY_PROVIDER_FIRST_LOGIN_ERROR"),
            null, null, null, null, null, 0, 500);
        assertThat(events)
            .filteredOn(e -> e.getDetails() != null && email.equals(e.getDetails().get("email")))
            .as(() -> "refusal events for " + email + ": " + events.stream()
                .map(e -> e.getType() + " " + e.getError() + " " + e.getDetails()).toList())
            .singleElement()
            .satisfies(e -> {
                assertThat(e.getError()).isEqualTo("invitation_required");
                assertThat(e.getDetails()).containsEntry("reason", reason);
                assertThat(e.getUserId()).isNull();
            });
    }


    static String flowiseClientId(TestEnvironment env) {
        return env.realm().clients().findByClientId("flowise").get(0).getId();
    }

    static String ensureGroup(TestEnvironment env, String name) {
        GroupRepresentation group = new GroupRepresentation();
        group.setName(name);
        env.realm().groups().add(group).close();
        return name;
    }

    static synchronized String ensureSecondEntraProvider(TestEnvironment env) {
        String alias = "entra-contractors";
        if (env.realm().identityProviders().findAll().stream().noneMatch(idp -> idp.getAlias().equals(alias))) {
            IdentityProviderRepresentation idp = env.realm().identityProviders().get(TestEnvironment.IDP_ALIAS).toRepresentation();
            idp.setAlias(alias);
            idp.setInternalId(null);
            env.realm().identityProviders().create(idp).close();
        }
        return alias;
    }

    static synchronized String ensureOtherRealm(TestEnvironment env) {
        String name = "other";
        if (env.admin().realms().findAll().stream().noneMatch(r -> r.getRealm().equals(name))) {
            RealmRepresentation realm = new RealmRepresentation();
            realm.setRealm(name);
            realm.setEnabled(true);
            env.admin().realms().create(realm);
        }
        return name;
    }
}
