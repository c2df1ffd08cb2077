package io.github.flowisesso.broker;

import static io.github.flowisesso.testsupport.Invitations.invite;
import static io.github.flowisesso.testsupport.StateAssertions.assertNoAccount;
import static io.github.flowisesso.testsupport.StateAssertions.assertUntouched;
import static io.github.flowisesso.testsupport.StateAssertions.newEmail;
import static io.github.flowisesso.testsupport.StateAssertions.onlyAccount;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.flowisesso.testsupport.Accounts;
import io.github.flowisesso.testsupport.Browser;
import io.github.flowisesso.testsupport.EntraUser;
import io.github.flowisesso.testsupport.Invitations;
import io.github.flowisesso.testsupport.Invitations.Seeded;
import io.github.flowisesso.testsupport.KeycloakExtension;
import io.github.flowisesso.testsupport.TestEnvironment;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.htmlunit.Page;
import org.htmlunit.html.HtmlElement;
import org.htmlunit.html.HtmlForm;
import org.htmlunit.html.HtmlPage;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.admin.client.resource.AuthenticationManagementResource;
import org.keycloak.representations.idm.AuthenticationExecutionInfoRepresentation;
import org.keycloak.representations.idm.AuthenticationFlowRepresentation;
import org.keycloak.representations.idm.AuthenticatorConfigRepresentation;
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

        /** Entra's profile data goes through the realm's user profile; what it forbids is dropped, the login goes on. */
        @Test
        void aNameTheUserProfileForbidsIsDroppedAndTheInviteeStillGetsIn(TestEnvironment env) {
            String email = newEmail("names");
            env.invitations().seed(invite(email));
            EntraUser entraUser = EntraUser.of(env, email).claim("given_name", "Ada<script>").claim("family_name", "Lovelace");

            try (Browser browser = env.browser()) {
                Browser.expectCode(browser.signIn(entraUser), env);
            }

            UserRepresentation user = onlyAccount(env, email);
            assertThat(user.getFirstName()).as("forbidden by person-name-prohibited-characters").isNull();
            assertThat(user.getLastName()).isEqualTo("Lovelace");
            assertThat(user.getAttributes()).containsEntry("entra_oid", List.of(entraUser.subject()))
                .containsEntry("login_type", List.of("SSO"));
        }

        /**
         * Every invitation made since the open-address column holds its address and is claimed and read in one
         * statement; a row stored before it is read, then claimed by id. Both must enroll alike.
         */
        @ParameterizedTest(name = "invitation holds its address: {0}")
        @ValueSource(booleans = {true, false})
        void theInviteeFinishesFirstLoginAndFlowiseGetsACode(boolean holdsAddress, TestEnvironment env) {
            String email = newEmail("user");
            String group = "workspace-" + UUID.randomUUID().toString().substring(0, 6);
            Accounts.ensureGroup(env, "/" + group);
            Invitations.Spec spec = invite(email).roles("member").groups("/" + group).names("Ada", "Lovelace");
            Seeded invitation = env.invitations().seed(holdsAddress ? spec.holdingItsAddress() : spec);
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
            assertThat(stored).containsEntry("status", "ACCEPTED").containsEntry("acceptedUserId", user.getId())
                .as("an accepted invitation gives its address back").doesNotContainKey("openEmail");
            // One enrollment event: Keycloak's own IDENTITY_PROVIDER_FIRST_LOGIN, carrying the invitation.
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

        @ParameterizedTest(name = "invitation holds its address: {0}")
        @ValueSource(booleans = {true, false})
        void anExpiredInvitationIsRefused(boolean holdsAddress, TestEnvironment env) {
            String email = newEmail("user");
            Invitations.Spec spec = invite(email).expiresInSeconds(-60);
            Seeded invitation = env.invitations().seed(holdsAddress ? spec.holdingItsAddress() : spec);

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

    /**
     * An admin's own first-broker-login flow that shows Keycloak's review-profile form before the account is created
     * puts "Invitation required" in front of it: strangers are refused before they see a form, and an invitee who
     * stops at the form has consumed nothing.
     */
    @Nested
    class GivenAFlowThatShowsAFormBeforeTheAccountIsCreated {

        @Test
        void anUninvitedIdentityIsRefusedBeforeTheForm(TestEnvironment env) {
            String alias = reviewingProvider(env);
            String email = newEmail("user");

            try (Browser browser = env.browser()) {
                Page page = browser.signInAtEntra(browser.openSignIn(alias), EntraUser.of(env, email));
                assertThat(page.getWebResponse().getStatusCode()).isEqualTo(403);
                assertThat(((HtmlPage) page).asNormalizedText()).contains(NOT_INVITED);
            }

            assertNoAccount(env, email);
            assertRefusalEvent(env, email, "not_invited");
        }

        @Test
        void anInviteeSeesTheFormConsumesNothingThereAndEnrollsOnSubmitting(TestEnvironment env) {
            String alias = reviewingProvider(env);
            String email = newEmail("user");
            Seeded invitation = env.invitations().seed(invite(email).identityProvider(alias).holdingItsAddress());

            try (Browser browser = env.browser()) {
                Page page = browser.signInAtEntra(browser.openSignIn(alias), EntraUser.of(env, email));
                assertThat(page.getWebResponse().getStatusCode()).isEqualTo(200);
                HtmlForm review = ((HtmlPage) page).getHtmlElementById("kc-idp-review-profile-form");
                assertThat(review.getInputByName("firstName").getValue()).as("the review form, filled from Entra").isEqualTo("Ada");
                assertNoAccount(env, email);
                assertUntouched(env, invitation, "PENDING");

                Browser.expectCode(submit(review), env);
            }

            UserRepresentation user = onlyAccount(env, email);
            assertThat(user.getAttributes()).containsEntry("login_type", List.of("SSO"));
            assertThat(env.invitations().get(invitation.id())).containsEntry("status", "ACCEPTED").containsEntry("acceptedUserId", user.getId());
        }

        private static Page submit(HtmlForm form) {
            try {
                return ((HtmlElement) form.getFirstByXPath(".//*[@type='submit']")).click();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static final String REVIEWING = "entra-reviewing";

    /**
     * A copy of the shipped {@code entra} provider whose first-broker-login flow is: Invitation required, Keycloak's
     * review profile (always shown), Create invited user.
     */
    static synchronized String reviewingProvider(TestEnvironment env) {
        var providers = env.realm().identityProviders();
        if (providers.findAll().stream().anyMatch(p -> REVIEWING.equals(p.getAlias()))) {
            return REVIEWING;
        }
        AuthenticationManagementResource flows = env.realm().flows();
        String flow = "invitation review first broker login";
        AuthenticationFlowRepresentation top = new AuthenticationFlowRepresentation();
        top.setAlias(flow);
        top.setProviderId("basic-flow");
        top.setTopLevel(true);
        top.setBuiltIn(false);
        flows.createFlow(top).close();
        for (String step : List.of("invitation-required", "idp-review-profile", "invitation-create-user")) {
            flows.addExecution(flow, Map.of("provider", step));
        }
        for (AuthenticationExecutionInfoRepresentation execution : flows.getExecutions(flow)) {
            execution.setRequirement("REQUIRED");
            flows.updateExecutions(flow, execution);
            if ("idp-review-profile".equals(execution.getProviderId())) {
                AuthenticatorConfigRepresentation always = new AuthenticatorConfigRepresentation();
                always.setAlias("review always");
                always.setConfig(Map.of("update.profile.on.first.login", "on"));
                flows.newExecutionConfig(execution.getId(), always).close();
            }
        }
        IdentityProviderRepresentation idp = providers.get(TestEnvironment.IDP_ALIAS).toRepresentation();
        idp.setAlias(REVIEWING);
        idp.setInternalId(null);
        idp.setFirstBrokerLoginFlowAlias(flow);
        try (Response response = providers.create(idp)) {
            assertThat(response.getStatus()).as(() -> response.readEntity(String.class)).isEqualTo(201);
        }
        return REVIEWING;
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
