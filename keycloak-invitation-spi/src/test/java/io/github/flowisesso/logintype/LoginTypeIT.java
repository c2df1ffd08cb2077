package io.github.flowisesso.logintype;

import static io.github.flowisesso.testsupport.Accounts.createUser;
import static io.github.flowisesso.testsupport.Accounts.setPassword;
import static io.github.flowisesso.testsupport.Invitations.invite;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.flowisesso.testsupport.Browser;
import io.github.flowisesso.testsupport.EntraUser;
import io.github.flowisesso.testsupport.GenericOidc;
import io.github.flowisesso.testsupport.KeycloakExtension;
import io.github.flowisesso.testsupport.Mailbox;
import io.github.flowisesso.testsupport.StateAssertions;
import io.github.flowisesso.testsupport.TestEnvironment;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.htmlunit.Page;
import org.htmlunit.html.HtmlAnchor;
import org.htmlunit.html.HtmlElement;
import org.htmlunit.html.HtmlForm;
import org.htmlunit.html.HtmlPage;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.admin.client.resource.UserResource;
import org.keycloak.representations.idm.AuthenticationExecutionInfoRepresentation;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.FederatedIdentityRepresentation;
import org.keycloak.representations.idm.IdentityProviderRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * Login type on every login: SSO users never get past the password form (nor a reset email), PASSWORD users never
 * through an identity provider, users without a login type behave as in stock Keycloak. Every refusal leaves the
 * account as it was: no session, no brute-force count, no new credential or link.
 */
@ExtendWith(KeycloakExtension.class)
class LoginTypeIT {

    private static final String PASSWORD = "Correct-Horse-Battery-42";
    private static final String USE_SSO = "This account signs in with Microsoft, not with a password.";
    private static final String USE_PASSWORD = "This account signs in with email and password, not with Microsoft.";
    private static final String INVALID_CREDENTIALS = "Invalid username or password.";
    private static final String EMAIL_SENT = "You should receive an email shortly with further instructions.";
    private static final String DIRECT_GRANT_CLIENT = "login-type-direct-grant-probe";

    static String newEmail() {
        return StateAssertions.newEmail("lt");
    }

    @Nested
    class TheShippedRealm {

        @Test
        void theLoginPageOffersMicrosoftThePasswordFormAndForgotPassword(TestEnvironment env) {
            try (Browser browser = env.browser()) {
                HtmlPage login = browser.openLoginPage();

                HtmlForm form = (HtmlForm) login.getElementById("kc-form-login");
                assertThat(form).as("kc-form-login on " + login.asNormalizedText()).isNotNull();
                assertThat(form.getInputsByName("username")).hasSize(1);
                assertThat(form.getInputsByName("password")).hasSize(1);
                assertThat(form.getButtonsByName("login")).hasSize(1);
                HtmlElement microsoft = login.getHtmlElementById("social-" + TestEnvironment.IDP_ALIAS);
                assertThat(microsoft.asNormalizedText()).isEqualTo("Sign in with Microsoft");
                assertThat(forgotPasswordLink(login)).isNotNull();
            }
        }

        @Test
        void itBindsItsOwnBrowserResetAndDirectGrantFlows(TestEnvironment env) {
            RealmRepresentation realm = env.realm().toRepresentation();
            assertThat(realm.getBrowserFlow()).isEqualTo("flowise browser");
            assertThat(realm.getResetCredentialsFlow()).isEqualTo("flowise reset credentials");
            assertThat(realm.getDirectGrantFlow()).isEqualTo("flowise direct grant");
        }

        @Test
        void theBrowserFlowIsKeycloaksWithOnlyThePasswordFormSwapped(TestEnvironment env) {
            assertSameShape(env, "flowise browser", "browser",
                Map.of(LoginTypePasswordFormFactory.PROVIDER_ID, "auth-username-password-form"));
        }

        @Test
        void theResetCredentialsFlowIsKeycloaksWithOnlyTheEmailStepSwapped(TestEnvironment env) {
            assertSameShape(env, "flowise reset credentials", "reset credentials",
                Map.of(LoginTypeResetCredentialEmail.PROVIDER_ID, "reset-credential-email"));
        }

        @Test
        void theDirectGrantFlowIsKeycloaksWithOnlyThePasswordCheckSwapped(TestEnvironment env) {
            assertSameShape(env, "flowise direct grant", "direct grant",
                Map.of(LoginTypeDirectGrantValidatePassword.PROVIDER_ID, "direct-grant-validate-password"));
        }

        @Test
        void entraProvidersCheckTheLoginTypeThemselvesAndThePostLoginFlowStaysForOtherProviders(TestEnvironment env) {
            // The entra-id provider type refuses PASSWORD users at its callback: no post broker login flow (two
            // redirects per sign-in) is needed, and none can be forgotten.
            assertThat(env.realm().identityProviders().get(TestEnvironment.IDP_ALIAS).toRepresentation()
                .getPostBrokerLoginFlowAlias()).isNull();
            assertThat(env.realm().flows().getExecutions("login type post broker login"))
                .extracting(AuthenticationExecutionInfoRepresentation::getProviderId,
                    AuthenticationExecutionInfoRepresentation::getRequirement)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(SsoLoginTypeRequiredAuthenticatorFactory.PROVIDER_ID, "REQUIRED"));
        }
    }

    @Nested
    class GivenAnSsoUserWhomAnAdminGaveAPasswordByMistake {

        @Test
        void theRightPasswordIsRefusedWithAPointerToMicrosoft(TestEnvironment env) {
            Enrolled user = enrollSsoUser(env);
            setPassword(env, user.id(), PASSWORD);
            Snapshot before = Snapshot.of(env, user.id());

            try (Browser browser = env.browser()) {
                Page page = browser.signInWithPassword(user.email(), PASSWORD);

                assertThat(Browser.authorizationCode(page, env)).as("no code may reach Flowise").isEmpty();
                String text = ((HtmlPage) page).asNormalizedText();
                assertThat(text).contains(USE_SSO).doesNotContain(INVALID_CREDENTIALS);
                assertThat(((HtmlPage) page).getElementById("kc-form-login")).as("the login form is shown again").isNotNull();
            }

            assertThat(Snapshot.of(env, user.id())).isEqualTo(before);
            assertSingleRefusal(env, user.id(), "LOGIN_ERROR", "password_login_for_sso_user");
        }

        @Test
        void aWrongPasswordGetsTheSameAnswerBecauseNoneIsChecked(TestEnvironment env) {
            Enrolled user = enrollSsoUser(env);
            setPassword(env, user.id(), PASSWORD);
            Snapshot before = Snapshot.of(env, user.id());

            try (Browser browser = env.browser()) {
                Page page = browser.signInWithPassword(user.email(), "wrong-" + PASSWORD);

                assertThat(((HtmlPage) page).asNormalizedText()).contains(USE_SSO).doesNotContain(INVALID_CREDENTIALS);
            }

            assertThat(Snapshot.of(env, user.id())).isEqualTo(before);
            assertSingleRefusal(env, user.id(), "LOGIN_ERROR", "password_login_for_sso_user");
        }

        @Test
        void microsoftStillSignsThemIn(TestEnvironment env) {
            Enrolled user = enrollSsoUser(env);
            setPassword(env, user.id(), PASSWORD);
            try (Browser browser = env.browser()) {
                browser.signInWithPassword(user.email(), PASSWORD);
            }

            try (Browser browser = env.browser()) {
                Browser.expectCode(browser.signIn(user.entra()), env);
            }
            assertThat(env.realm().users().get(user.id()).getUserSessions()).hasSize(1);
        }

        @Test
        void aDirectGrantIsRefusedLikeAWrongPassword(TestEnvironment env) {
            Enrolled user = enrollSsoUser(env);
            setPassword(env, user.id(), PASSWORD);
            Snapshot before = Snapshot.of(env, user.id());

            HttpResponse<String> response = directGrant(env, user.email(), PASSWORD);

            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.body()).contains("\"invalid_grant\"").contains("Invalid user credentials");
            assertThat(Snapshot.of(env, user.id())).isEqualTo(before);
            assertSingleRefusal(env, user.id(), "LOGIN_ERROR", "password_login_for_sso_user");
        }
    }

    @Nested
    class GivenAnSsoUserWhoForgotAPassword {

        @Test
        void theyGetTheUnknownAddressScreenAndNoEmailWhileAPasswordUserGetsOne(TestEnvironment env) {
            Enrolled sso = enrollSsoUser(env);
            String passwordUser = newEmail();
            String passwordUserId = createUser(env, passwordUser, "PASSWORD", PASSWORD);
            Snapshot before = Snapshot.of(env, sso.id());

            try (Mailbox mail = new Mailbox()) {
                RealmRepresentation smtp = new RealmRepresentation();
                smtp.setSmtpServer(mail.smtpSettings());
                env.realm().update(smtp);
                String unknownScreen = requestPasswordReset(env, newEmail());
                String ssoScreen = requestPasswordReset(env, sso.email());
                assertThat(mail.received()).as("no email for the SSO user").isEmpty();

                // Positive control: the same path does send mail, synchronously, for a PASSWORD user.
                String passwordUserScreen = requestPasswordReset(env, passwordUser);
                assertThat(mail.received()).singleElement()
                    .satisfies(m -> assertThat(recipients(m)).containsExactly(passwordUser));

                assertThat(ssoScreen).contains(EMAIL_SENT).isEqualTo(unknownScreen).isEqualTo(passwordUserScreen);
            }

            assertThat(Snapshot.of(env, sso.id())).isEqualTo(before);
            assertThat(credentialTypes(env, sso.id())).doesNotContain("password");
            assertSingleRefusal(env, sso.id(), "SEND_RESET_PASSWORD_ERROR", "reset_password_for_sso_user");
            assertThat(events(env, passwordUserId, "SEND_RESET_PASSWORD")).hasSize(1);
        }
    }

    @Nested
    class GivenAPasswordUser {

        @Test
        void thePasswordSignsThemIn(TestEnvironment env) {
            String email = newEmail();
            String id = createUser(env, email, "PASSWORD", PASSWORD);

            try (Browser browser = env.browser()) {
                Map<String, Object> tokens = browser.redeem(Browser.expectCode(browser.signInWithPassword(email, PASSWORD), env));
                assertThat(Browser.claimsOf((String) tokens.get("id_token"))).containsEntry("email", email);
            }
            assertThat(env.realm().users().get(id).getUserSessions()).hasSize(1);
        }

        @Test
        void aWrongPasswordIsStillAWrongPassword(TestEnvironment env) {
            String email = newEmail();
            String id = createUser(env, email, "PASSWORD", PASSWORD);

            try (Browser browser = env.browser()) {
                Page page = browser.signInWithPassword(email, "wrong-" + PASSWORD);
                assertThat(((HtmlPage) page).asNormalizedText()).contains(INVALID_CREDENTIALS).doesNotContain(USE_SSO);
            }
            assertThat(env.realm().users().get(id).getUserSessions()).isEmpty();
            assertThat(env.realm().attackDetection().bruteForceUserStatus(id)).containsEntry("numFailures", 1);
        }

        @Test
        void aDirectGrantWorks(TestEnvironment env) {
            String email = newEmail();
            createUser(env, email, "PASSWORD", PASSWORD);

            HttpResponse<String> response = directGrant(env, email, PASSWORD);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.body()).contains("\"access_token\"");
        }

        @Test
        void signingInThroughALinkedEntraIdentityIsRefused(TestEnvironment env) {
            String email = newEmail();
            String id = createUser(env, email, "PASSWORD", PASSWORD);
            EntraUser entra = EntraUser.of(env, email);
            link(env, id, entra, email);
            Snapshot before = Snapshot.of(env, id);

            refusedAfterEntra(env, entra);

            assertThat(Snapshot.of(env, id)).isEqualTo(before);
            assertSingleRefusal(env, id, "IDENTITY_PROVIDER_LOGIN_ERROR", "identity_provider_login_for_password_user");
            assertThat(events(env, id, "IDENTITY_PROVIDER_LOGIN_ERROR").get(0).getDetails())
                .containsEntry("identity_provider", TestEnvironment.IDP_ALIAS);
        }
    }

    @Nested
    class GivenAPasswordUserWhoLinksEntraThemselves {

        @Test
        void theLinkIsMadeAndTheNextSignInThroughEntraIsRefused(TestEnvironment env) {
            String email = newEmail();
            String id = createUser(env, email, "PASSWORD", PASSWORD);
            EntraUser entra = EntraUser.of(env, email);

            try (Browser browser = env.browser()) {
                Browser.expectCode(browser.signInWithPassword(email, PASSWORD), env);
                // Keycloak's application-initiated action for account linking, as Flowise (or the account console) asks for it.
                HtmlPage confirm = (HtmlPage) browser.get(browser.authorizationRequestUrl(null) + "&kc_action=idp_link:" + TestEnvironment.IDP_ALIAS);
                HtmlPage entraPage = click(confirm.getHtmlElementById("kc-continue"));
                Browser.expectCode(browser.signInAtEntra(entraPage, entra), env);
            }

            assertThat(env.realm().users().get(id).getFederatedIdentity())
                .extracting(FederatedIdentityRepresentation::getIdentityProvider).containsExactly(TestEnvironment.IDP_ALIAS);
            Snapshot before = Snapshot.of(env, id);
            refusedAfterEntra(env, entra);
            assertThat(Snapshot.of(env, id)).isEqualTo(before);
            assertSingleRefusal(env, id, "IDENTITY_PROVIDER_LOGIN_ERROR", "identity_provider_login_for_password_user");
        }
    }

    @Nested
    class GivenAPasswordUserSignedInWhoseAccountIsLinkedToEntra {

        /** prompt=login asks a signed-in user to authenticate again: through Entra, a PASSWORD user may not. */
        @Test
        void reAuthenticatingThroughEntraIsRefused(TestEnvironment env) {
            String reAuthentication = "&prompt=login";
            String email = newEmail();
            String id = createUser(env, email, "PASSWORD", PASSWORD);
            EntraUser entra = EntraUser.of(env, email);
            link(env, id, entra, email);

            try (Browser browser = env.browser()) {
                Browser.expectCode(browser.signInWithPassword(email, PASSWORD), env);
                Snapshot before = Snapshot.of(env, id);
                HtmlPage entraPage = (HtmlPage) browser.get(browser.authorizationRequestUrl(TestEnvironment.IDP_ALIAS) + reAuthentication);
                Page page = browser.signInAtEntra(entraPage, entra);

                assertThat(Browser.authorizationCode(page, env)).as("no code may reach Flowise").isEmpty();
                assertThat(page.getWebResponse().getStatusCode()).isEqualTo(403);
                assertThat(((HtmlPage) page).asNormalizedText()).contains(USE_PASSWORD);
                assertThat(Snapshot.of(env, id)).isEqualTo(before);
            }
            assertSingleRefusal(env, id, "IDENTITY_PROVIDER_LOGIN_ERROR", "identity_provider_login_for_password_user");
        }
    }

    @Nested
    class GivenAnIdentityProviderOfAnotherType {

        @Test
        void aPasswordUserSigningInThroughItIsRefusedByThePostLoginFlow(TestEnvironment env) {
            String alias = genericOidcProvider(env);
            String email = newEmail();
            String id = createUser(env, email, "PASSWORD", PASSWORD);
            EntraUser entra = EntraUser.of(env, email);
            link(env, id, alias, entra, email);
            Snapshot before = Snapshot.of(env, id);

            refusedAfter(env, alias, entra, "This account signs in with email and password, not with Generic OIDC.");

            assertThat(Snapshot.of(env, id)).isEqualTo(before);
            assertSingleRefusal(env, id, "IDENTITY_PROVIDER_POST_LOGIN_ERROR", "identity_provider_login_for_password_user");
        }

        @Test
        void anSsoUserSigningInThroughItGetsIn(TestEnvironment env) {
            String alias = genericOidcProvider(env);
            String email = newEmail();
            String id = createUser(env, email, "SSO", PASSWORD);
            EntraUser entra = EntraUser.of(env, email);
            link(env, id, alias, entra, email);

            try (Browser browser = env.browser()) {
                Browser.expectCode(browser.signInAtEntra(browser.openSignIn(alias), entra), env);
            }
            assertThat(env.realm().users().get(id).getUserSessions()).hasSize(1);
        }
    }

    @Nested
    class GivenAUserWithoutLoginType {

        @Test
        void thePasswordSignsThemIn(TestEnvironment env) {
            String email = newEmail();
            String id = createUser(env, email, null, PASSWORD);

            try (Browser browser = env.browser()) {
                Browser.expectCode(browser.signInWithPassword(email, PASSWORD), env);
            }
            assertThat(env.realm().users().get(id).getUserSessions()).hasSize(1);
        }

        @Test
        void aLinkedEntraIdentitySignsThemInFromTheLoginPage(TestEnvironment env) {
            String email = newEmail();
            String id = createUser(env, email, null, PASSWORD);
            EntraUser entra = EntraUser.of(env, email);
            link(env, id, entra, email);

            try (Browser browser = env.browser()) {
                HtmlPage login = browser.openLoginPage();
                HtmlPage entraPage = click(login.getHtmlElementById("social-" + TestEnvironment.IDP_ALIAS));
                Browser.expectCode(browser.signInAtEntra(entraPage, entra), env);
            }
            assertThat(env.realm().users().get(id).getUserSessions()).hasSize(1);
            assertThat(Snapshot.of(env, id).loginType()).as("signing in does not assign a login type").isNull();
        }
    }

    @Nested
    class GivenAnAdminChangesTheLoginType {

        @Test
        void fromSsoToPasswordTheNextLoginNeedsThePassword(TestEnvironment env) {
            Enrolled user = enrollSsoUser(env);
            setPassword(env, user.id(), PASSWORD);
            Snapshot beforePassword = Snapshot.of(env, user.id());
            try (Browser browser = env.browser()) {
                assertThat(((HtmlPage) browser.signInWithPassword(user.email(), PASSWORD)).asNormalizedText()).contains(USE_SSO);
            }
            assertThat(Snapshot.of(env, user.id())).isEqualTo(beforePassword);

            setLoginType(env, user.id(), "PASSWORD");

            Snapshot beforeEntra = Snapshot.of(env, user.id());
            refusedAfterEntra(env, user.entra());
            assertThat(Snapshot.of(env, user.id())).isEqualTo(beforeEntra);
            try (Browser browser = env.browser()) {
                Browser.expectCode(browser.signInWithPassword(user.email(), PASSWORD), env);
            }
            assertSingleRefusal(env, user.id(), "IDENTITY_PROVIDER_LOGIN_ERROR", "identity_provider_login_for_password_user");
        }

        @Test
        void fromPasswordToSsoTheNextLoginNeedsMicrosoft(TestEnvironment env) {
            String email = newEmail();
            String id = createUser(env, email, "PASSWORD", PASSWORD);
            EntraUser entra = EntraUser.of(env, email);
            link(env, id, entra, email);
            refusedAfterEntra(env, entra);

            setLoginType(env, id, "SSO");

            try (Browser browser = env.browser()) {
                assertThat(((HtmlPage) browser.signInWithPassword(email, PASSWORD)).asNormalizedText()).contains(USE_SSO);
            }
            try (Browser browser = env.browser()) {
                Browser.expectCode(browser.signIn(entra), env);
            }
            assertThat(env.realm().users().get(id).getUserSessions()).hasSize(1);
        }

        @Test
        void removingTheLoginTypeRestoresStockBehaviour(TestEnvironment env) {
            Enrolled user = enrollSsoUser(env);
            setPassword(env, user.id(), PASSWORD);

            setLoginType(env, user.id(), null);

            try (Browser browser = env.browser()) {
                Browser.expectCode(browser.signInWithPassword(user.email(), PASSWORD), env);
            }
            try (Browser browser = env.browser()) {
                Browser.expectCode(browser.signIn(user.entra()), env);
            }
        }
    }

    // --- helpers ---

    record Enrolled(String id, String email, EntraUser entra) {
    }

    /** An SSO user as the product makes them: invitation, first login through Entra; then signed out again. */
    static Enrolled enrollSsoUser(TestEnvironment env) {
        String email = newEmail();
        env.invitations().seed(invite(email).names("Ada", "Lovelace"));
        EntraUser entra = EntraUser.of(env, email);
        try (Browser browser = env.browser()) {
            Browser.expectCode(browser.signIn(entra), env);
        }
        UserRepresentation user = env.realm().users().searchByEmail(email, true).get(0);
        assertThat(user.getAttributes()).containsEntry("login_type", List.of("SSO"));
        env.realm().users().get(user.getId()).logout();
        assertThat(env.realm().users().get(user.getId()).getUserSessions()).isEmpty();
        return new Enrolled(user.getId(), email, entra);
    }

    static void setLoginType(TestEnvironment env, String userId, String loginType) {
        UserResource resource = env.realm().users().get(userId);
        UserRepresentation user = resource.toRepresentation();
        Map<String, List<String>> attributes = new HashMap<>(user.getAttributes() == null ? Map.of() : user.getAttributes());
        if (loginType == null) {
            attributes.remove("login_type");
        } else {
            attributes.put("login_type", List.of(loginType));
        }
        user.setAttributes(attributes);
        resource.update(user);
        assertThat(resource.toRepresentation().getAttributes() == null ? null
            : resource.toRepresentation().getAttributes().get("login_type"))
            .isEqualTo(loginType == null ? null : List.of(loginType));
    }

    static void link(TestEnvironment env, String userId, EntraUser entra, String email) {
        link(env, userId, TestEnvironment.IDP_ALIAS, entra, email);
    }

    static void link(TestEnvironment env, String userId, String alias, EntraUser entra, String email) {
        FederatedIdentityRepresentation link = new FederatedIdentityRepresentation();
        link.setIdentityProvider(alias);
        link.setUserId(entra.subject());
        link.setUserName(email);
        try (Response response = env.realm().users().get(userId).addFederatedIdentity(alias, link)) {
            assertThat(response.getStatus()).isEqualTo(204);
        }
    }

    private static final String GENERIC_OIDC = "generic-oidc";

    /**
     * Keycloak's own OIDC provider type, pointed at the Entra stand-in, with the shipped post broker login flow: how
     * an admin adds a provider that is not of type entra-id. Created once per server.
     */
    static synchronized String genericOidcProvider(TestEnvironment env) {
        var providers = env.realm().identityProviders();
        if (providers.findAll().stream().noneMatch(p -> GENERIC_OIDC.equals(p.getAlias()))) {
            IdentityProviderRepresentation idp = new IdentityProviderRepresentation();
            idp.setAlias(GENERIC_OIDC);
            idp.setDisplayName("Generic OIDC");
            idp.setProviderId("oidc");
            idp.setEnabled(true);
            idp.setFirstBrokerLoginFlowAlias("invitation first broker login");
            idp.setPostBrokerLoginFlowAlias("login type post broker login");
            idp.setConfig(new HashMap<>(GenericOidc.config(env.entra().issuer())));
            idp.getConfig().putAll(Map.of("clientId", "generic-oidc-client", "clientSecret", "generic-oidc-secret",
                "clientAuthMethod", "client_secret_post"));
            try (Response response = providers.create(idp)) {
                assertThat(response.getStatus()).as(() -> response.readEntity(String.class)).isEqualTo(201);
            }
        }
        return GENERIC_OIDC;
    }

    static void refusedAfterEntra(TestEnvironment env, EntraUser entra) {
        refusedAfter(env, TestEnvironment.IDP_ALIAS, entra, USE_PASSWORD);
    }

    static void refusedAfter(TestEnvironment env, String alias, EntraUser entra, String message) {
        try (Browser browser = env.browser()) {
            Page page = browser.signInAtEntra(browser.openSignIn(alias), entra);
            assertThat(Browser.authorizationCode(page, env)).as("no code may reach Flowise").isEmpty();
            assertThat(page.getWebResponse().getStatusCode()).isEqualTo(403);
            assertThat(((HtmlPage) page).asNormalizedText()).contains(message);
        }
    }

    /** Everything a refusal must leave as it was. */
    record Snapshot(int sessions, List<String> credentials, List<String> links, String loginType, Object bruteForceFailures,
                    boolean enabled) {

        static Snapshot of(TestEnvironment env, String userId) {
            UserResource user = env.realm().users().get(userId);
            UserRepresentation rep = user.toRepresentation();
            return new Snapshot(
                user.getUserSessions().size(),
                user.credentials().stream().map(c -> c.getType() + ":" + c.getId()).sorted().toList(),
                user.getFederatedIdentity().stream().map(l -> l.getIdentityProvider() + ":" + l.getUserId()).sorted().toList(),
                rep.getAttributes() == null || rep.getAttributes().get("login_type") == null ? null
                    : String.join(",", rep.getAttributes().get("login_type")),
                env.realm().attackDetection().bruteForceUserStatus(userId).get("numFailures"),
                rep.isEnabled());
        }
    }

    static List<String> credentialTypes(TestEnvironment env, String userId) {
        return env.realm().users().get(userId).credentials().stream().map(CredentialRepresentation::getType).toList();
    }

    static List<EventRepresentation> events(TestEnvironment env, String userId, String type) {
        return env.realm().getEvents(List.of(type), null, userId, null, null, null, 0, 100);
    }

    static void assertSingleRefusal(TestEnvironment env, String userId, String type, String reason) {
        List<EventRepresentation> all = env.realm().getEvents(null, null, userId, null, null, null, 0, 500);
        assertThat(all)
            .filteredOn(e -> "login_type_mismatch".equals(e.getError()) && type.equals(e.getType()))
            .as(() -> "login-type refusals for " + userId + ": " + all.stream()
                .map(e -> e.getType() + " " + e.getError() + " " + e.getDetails()).toList())
            .singleElement()
            .satisfies(e -> {
                assertThat(e.getType()).isEqualTo(type);
                assertThat(e.getDetails()).containsEntry("reason", reason);
            });
    }

    /**
     * "Forgot password?" from the login page; returns the text of the screen Keycloak answers with, the address
     * Keycloak echoes into the username field replaced by a placeholder.
     */
    static String requestPasswordReset(TestEnvironment env, String usernameOrEmail) {
        try (Browser browser = env.browser()) {
            HtmlPage reset = click(forgotPasswordLink(browser.openLoginPage()));
            HtmlForm form = (HtmlForm) reset.getElementById("kc-reset-password-form");
            assertThat(form).as("reset form on " + reset.asNormalizedText()).isNotNull();
            form.getInputByName("username").setValue(usernameOrEmail);
            HtmlPage answer = click(reset.getHtmlElementById("kc-form-buttons"));
            assertThat(answer.getWebResponse().getStatusCode()).isEqualTo(200);
            return answer.asNormalizedText().replace(usernameOrEmail, "<address>");
        }
    }

    static HtmlAnchor forgotPasswordLink(HtmlPage login) {
        return login.getAnchors().stream()
            .filter(a -> a.getHrefAttribute().contains("/login-actions/reset-credentials"))
            .findFirst().orElse(null);
    }

    static HtmlPage click(HtmlElement element) {
        try {
            return element.click();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> recipients(MimeMessage message) {
        try {
            return Arrays.stream(message.getRecipients(Message.RecipientType.TO)).map(Object::toString).toList();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The flow has the built-in flow's shape (levels, order, requirements, authenticators) up to the swapped steps. */
    static void assertSameShape(TestEnvironment env, String ours, String keycloaks, Map<String, String> swapped) {
        UnaryOperator<String> unswap = id -> swapped.getOrDefault(id, id);
        List<String> expected = shape(env, keycloaks, UnaryOperator.identity());
        List<String> actual = shape(env, ours, unswap);
        assertThat(actual).isEqualTo(expected);
        assertThat(env.realm().flows().getExecutions(ours))
            .extracting(AuthenticationExecutionInfoRepresentation::getProviderId)
            .containsAll(swapped.keySet());
    }

    private static List<String> shape(TestEnvironment env, String flow, UnaryOperator<String> unswap) {
        List<String> shape = new ArrayList<>();
        for (AuthenticationExecutionInfoRepresentation e : env.realm().flows().getExecutions(flow)) {
            String what = Boolean.TRUE.equals(e.getAuthenticationFlow()) ? "subflow" : unswap.apply(e.getProviderId());
            String config = e.getAuthenticationConfig() == null ? ""
                : " config=" + env.realm().flows().getAuthenticatorConfig(e.getAuthenticationConfig()).getConfig();
            shape.add(e.getLevel() + "." + e.getIndex() + " " + what + " " + e.getRequirement() + config);
        }
        return shape;
    }

    /** Direct access grant through a probe client that enables it (the flowise client does not). */
    static HttpResponse<String> directGrant(TestEnvironment env, String username, String password) {
        ensureDirectGrantClient(env);
        String form = "grant_type=password&client_id=" + DIRECT_GRANT_CLIENT + "&scope=openid"
            + "&username=" + URLEncoder.encode(username, StandardCharsets.UTF_8)
            + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(env.keycloak().baseUrl() + "/realms/" + TestEnvironment.REALM + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static synchronized void ensureDirectGrantClient(TestEnvironment env) {
        if (!env.realm().clients().findByClientId(DIRECT_GRANT_CLIENT).isEmpty()) {
            return;
        }
        ClientRepresentation client = new ClientRepresentation();
        client.setClientId(DIRECT_GRANT_CLIENT);
        client.setPublicClient(true);
        client.setDirectAccessGrantsEnabled(true);
        client.setStandardFlowEnabled(false);
        client.setEnabled(true);
        env.realm().clients().create(client).close();
    }
}
