package io.github.flowisesso.logintype;

import static io.github.flowisesso.testsupport.LoginTypeProbes.*;

import static io.github.flowisesso.testsupport.Accounts.createUser;
import static io.github.flowisesso.testsupport.Accounts.setPassword;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.flowisesso.testsupport.LoginTypeProbes;
import io.github.flowisesso.testsupport.Browser;
import io.github.flowisesso.testsupport.EntraUser;
import io.github.flowisesso.testsupport.KeycloakExtension;
import io.github.flowisesso.testsupport.Mailbox;
import io.github.flowisesso.testsupport.TestEnvironment;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.htmlunit.Page;
import org.htmlunit.html.HtmlElement;
import org.htmlunit.html.HtmlForm;
import org.htmlunit.html.HtmlPage;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.representations.idm.AuthenticationExecutionInfoRepresentation;
import org.keycloak.representations.idm.FederatedIdentityRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * Login type on every login: SSO users never get past the password form (nor a reset email), PASSWORD users never
 * through an identity provider, users without a login type behave as in stock Keycloak. Every refusal leaves the
 * account as it was: no session, no brute-force count, no new credential or link.
 */
@ExtendWith(KeycloakExtension.class)
class LoginTypeIT {

    private static final String PASSWORD = LoginTypeProbes.PASSWORD;
    private static final String USE_SSO = "This account signs in with Microsoft, not with a password.";
    private static final String USE_PASSWORD = LoginTypeProbes.USE_PASSWORD;
    private static final String INVALID_CREDENTIALS = "Invalid username or password.";
    private static final String EMAIL_SENT = "You should receive an email shortly with further instructions.";
    private static final String DIRECT_GRANT_CLIENT = LoginTypeProbes.DIRECT_GRANT_CLIENT;


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
                // By address: the realm's invitation emails (other tests') may still be on their way from the outbox.
                assertThat(mail.to(sso.email())).as("no email for the SSO user").isEmpty();

                // Positive control: the same path does send mail, synchronously, for a PASSWORD user.
                String passwordUserScreen = requestPasswordReset(env, passwordUser);
                assertThat(mail.to(passwordUser)).hasSize(1);

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

        /**
         * A signed-in user asked to authenticate again (prompt=login, also with an application-initiated action), with
         * or without an OTP set-up pending: through Entra, a PASSWORD user may not. The refusal comes at Entra's
         * callback, before any OTP step or required action could run. (max_age is not among them: Keycloak counts it in
         * whole seconds, so within the sign-in's own second it answers from the session without asking anyone.)
         */
        @ParameterizedTest(name = "{0}, OTP set-up pending: {1}")
        @CsvSource({"'&prompt=login', false", "'&prompt=login&kc_action=UPDATE_PASSWORD', false", "'&prompt=login', true"})
        void reAuthenticatingThroughEntraIsRefused(String reAuthentication, boolean otpPending, TestEnvironment env) {
            String email = newEmail();
            String id = createUser(env, email, "PASSWORD", PASSWORD);
            EntraUser entra = EntraUser.of(env, email);
            link(env, id, entra, email);

            try (Browser browser = env.browser()) {
                Browser.expectCode(browser.signInWithPassword(email, PASSWORD), env);
                if (otpPending) {
                    org.keycloak.representations.idm.UserRepresentation user = env.realm().users().get(id).toRepresentation();
                    user.setRequiredActions(List.of("CONFIGURE_TOTP"));
                    env.realm().users().get(id).update(user);
                }
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

}
