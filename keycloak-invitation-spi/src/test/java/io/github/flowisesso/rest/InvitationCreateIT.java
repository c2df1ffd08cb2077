package io.github.flowisesso.rest;

import static io.github.flowisesso.rest.ApiFixtures.BARE_REALM;
import static io.github.flowisesso.rest.ApiFixtures.FRONTEND_REALM;
import static io.github.flowisesso.rest.ApiFixtures.FRONTEND_URL;
import static io.github.flowisesso.rest.ApiFixtures.ONE_IDP_REALM;
import static io.github.flowisesso.rest.ApiFixtures.REALM;
import static io.github.flowisesso.rest.ApiFixtures.TWO_IDPS_REALM;
import static io.github.flowisesso.rest.ApiFixtures.newEmail;
import static io.github.flowisesso.rest.ApiFixtures.sha256;
import static io.github.flowisesso.testsupport.InvitationApi.q;
import static io.github.flowisesso.testsupport.Invitations.invite;
import static org.assertj.core.api.Assertions.assertThat;
import io.github.flowisesso.testsupport.Accounts;
import io.github.flowisesso.testsupport.InvitationApi.Answer;
import io.github.flowisesso.testsupport.Invitations.Seeded;
import io.github.flowisesso.testsupport.Mailbox.Mail;
import io.github.flowisesso.testsupport.TestEnvironment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.representations.idm.AdminEventRepresentation;

/** The invitation admin API: creating invitations: SSO and password, what a request must satisfy, and invitees already known. */
class InvitationCreateIT extends InvitationApiTestBase {

    @Nested
    class WhenAnAdminCreatesAnSsoInvitation {

        @Test
        void itIsStoredPendingAndTheInviteeGetsAnEmailWithASignInLink(TestEnvironment env) {
            String email = newEmail();

            Answer created = ApiFixtures.grace(env).create(REALM, Map.of("email", email, "loginType", "SSO",
                "identityProvider", "entra", "roles", List.of("member", "viewer"), "groups", List.of("/workspaces/research"),
                "firstName", "Ada", "lastName", "Lovelace"));

            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            Map<String, Object> rep = created.json();
            String id = (String) rep.get("id");
            assertThat(created.header("Location")).endsWith("/admin/realms/flowise/invitations/" + id);
            assertThat(rep).containsEntry("email", email).containsEntry("loginType", "SSO")
                .containsEntry("identityProvider", "entra").containsEntry("roles", List.of("member", "viewer"))
                .containsEntry("groups", List.of("/workspaces/research")).containsEntry("firstName", "Ada")
                .containsEntry("lastName", "Lovelace").containsEntry("status", "PENDING")
                .containsEntry("redirectUri", env.flowise().url() + "/")
                .doesNotContainKeys("link", "token", "tokenHash", "acceptedAt", "acceptedUserId");
            assertThat((String) rep.get("createdBy")).startsWith("grace-");
            assertThat(rep.get("delivery")).as("the email goes out after the answer").isEqualTo(
                Map.of("status", "QUEUED", "attempts", 0, "nextAttemptAt", rep.get("createdAt")));
            Map<String, Object> read = new java.util.HashMap<>(env.invitationApi().get(REALM, "/" + id).json());
            Map<String, Object> expected = new java.util.HashMap<>(rep);
            read.remove("delivery");
            expected.remove("delivery");
            assertThat(read).as("the same invitation, read back (its email may be on its way meanwhile)").isEqualTo(expected);

            Mail mail = onlyMailTo(email);
            assertThat(mail.subject()).isEqualTo("Grace Hopper invited you to Flowise");
            assertThat(mail.text()).contains("Hello Ada Lovelace,", "Grace Hopper has invited you to Flowise.",
                "You sign in with your Microsoft account", "Sign in with Microsoft", "expires within 2 days", " UTC");
            assertThat(mail.html()).contains("Sign in with Microsoft", "Grace Hopper has invited you to Flowise.");
            String token = tokenIn(mail, env.keycloak().baseUrl() + "/realms/flowise/invitations/accept?token=");
            assertThat(mail.html()).contains("href=\"" + env.keycloak().baseUrl() + "/realms/flowise/invitations/accept?token=" + token + "\"");
            assertThat(env.invitations().get(id)).containsEntry("tokenHash", sha256(token));

            AdminEventRepresentation event = onlyAdminEvent(env, REALM, "CREATE", "invitations/" + id);
            assertThat(event.getResourceType()).isEqualTo("CUSTOM");
            assertThat(event.getRepresentation()).contains(id, email).doesNotContain(token, sha256(token), "link");
        }

        @Test
        void theInviteeReadsTheEmailInTheirLanguage(TestEnvironment env) {
            String email = newEmail();

            Answer created = ApiFixtures.grace(env).create(REALM, Map.of("email", email, "loginType", "SSO",
                "identityProvider", "entra", "locale", "de"));

            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            assertThat(created.json()).containsEntry("locale", "de");
            Mail mail = onlyMailTo(email);
            assertThat(mail.subject()).isEqualTo("Grace Hopper hat Sie zu Flowise eingeladen");
            assertThat(mail.text()).contains("Hallo,", "Grace Hopper hat Sie zu Flowise eingeladen.", "Mit Microsoft anmelden",
                "2 Tage gültig");
            tokenIn(mail, env.keycloak().baseUrl() + "/realms/flowise/invitations/accept?token=");
        }

        @Test
        void theDeploymentDefaultsApply(TestEnvironment env) {
            Answer created = env.invitationApi().create(REALM, Map.of("email", newEmail(), "loginType", "SSO",
                "identityProvider", "entra", "sendEmail", false));

            Map<String, Object> rep = created.json();
            assertThat(((Number) rep.get("expiresAt")).longValue() - ((Number) rep.get("createdAt")).longValue())
                .as("configured default-expiry-hours").isEqualTo(TestEnvironment.DEFAULT_EXPIRY_HOURS * HOUR);
            assertThat(rep).containsEntry("redirectUri", env.flowise().url() + "/")
                .containsEntry("roles", List.of()).containsEntry("groups", List.of());
        }

        @Test
        void aRegisteredRedirectUriAndAnExpiryAreKept(TestEnvironment env) {
            Answer created = env.invitationApi().create(REALM, Map.of("email", newEmail(), "loginType", "SSO",
                "identityProvider", "entra", "sendEmail", false, "redirectUri", env.flowise().callbackUrl(), "expiresInHours", 720));

            Map<String, Object> rep = created.json();
            assertThat(rep).containsEntry("redirectUri", env.flowise().callbackUrl());
            assertThat(((Number) rep.get("expiresAt")).longValue() - ((Number) rep.get("createdAt")).longValue()).isEqualTo(720 * HOUR);
        }

        @Test
        void theOnlyEnabledIdentityProviderIsTakenWhenNoneIsNamed(TestEnvironment env) {
            Answer created = env.invitationApi().create(ONE_IDP_REALM, Map.of("email", newEmail(), "loginType", "SSO", "sendEmail", false));

            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            assertThat(created.json()).containsEntry("identityProvider", "idp-on");
        }
    }

    @Nested
    class WhenAnAdminCreatesAPasswordInvitation {

        @Test
        void theEmailAsksToSetAPasswordAndEscapesWhatTheAdminTyped(TestEnvironment env) {
            String email = newEmail();

            Answer created = ApiFixtures.grace(env).create(REALM, Map.of("email", email, "loginType", "PASSWORD",
                "roles", List.of("admin"), "firstName", "Ada", "lastName", "Lovelace <Byron>", "expiresInHours", 1));

            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            assertThat(created.json()).containsEntry("loginType", "PASSWORD").doesNotContainKey("identityProvider");
            Mail mail = onlyMailTo(email);
            assertThat(mail.text()).contains("Hello Ada Lovelace <Byron>,", "Set your password",
                "You sign in with your email address " + email, "expires within 1 hour").doesNotContain("Microsoft");
            assertThat(mail.html()).contains("Set your password", "Lovelace &lt;Byron&gt;").doesNotContain("<Byron>");
            String token = tokenIn(mail, env.keycloak().baseUrl() + "/realms/flowise/invitations/accept?token=");
            assertThat(env.invitations().get((String) created.json().get("id"))).containsEntry("tokenHash", sha256(token));
        }

        @Test
        void withoutEmailTheAnswerCarriesTheLinkOnce(TestEnvironment env) {
            String email = newEmail();

            Answer created = env.invitationApi().create(REALM, Map.of("email", email, "loginType", "PASSWORD", "sendEmail", false));

            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            String link = (String) created.json().get("link");
            String token = tokenOf(link, env.keycloak().baseUrl() + "/realms/flowise/invitations/accept?token=");
            String id = (String) created.json().get("id");
            assertThat(env.invitations().get(id)).containsEntry("tokenHash", sha256(token));
            assertThat(env.invitationApi().get(REALM, "/" + id).json()).doesNotContainKey("link");
            assertThat(env.invitationApi().get(REALM, "?email=" + q(email)).body()).doesNotContain(token, "link");
            assertThat(mailbox.to(email)).isEmpty();
        }

        @Test
        void theLinkIsBuiltOnTheRealmsFrontendUrlNotOnTheRequest(TestEnvironment env) {
            Answer created = env.invitationApi().send("POST", FRONTEND_REALM, "", "application/json",
                "{\"email\":\"" + newEmail() + "\",\"loginType\":\"PASSWORD\",\"sendEmail\":false}",
                // Keycloak trusts X-Forwarded-* from its proxy (keycloak.conf); the proxy overwrites them. An RFC 7239
                // header is not trusted, and the request's own host (127.0.0.1) is not the frontend URL either.
                Map.of("Forwarded", "host=attacker.example"));

            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            tokenOf((String) created.json().get("link"), FRONTEND_URL + "/realms/" + FRONTEND_REALM + "/invitations/accept?token=");
        }

        @Test
        void theEmailAddressIsStoredInItsCanonicalForm(TestEnvironment env) {
            String local = "Ada.Lovelace+" + UUID.randomUUID().toString().substring(0, 8);

            Answer created = env.invitationApi().create(REALM, Map.of("email", "  " + local + "@Bücher.Example.  ",
                "loginType", "PASSWORD", "sendEmail", false));

            String canonical = local.toLowerCase(Locale.ROOT) + "@xn--bcher-kva.example";
            assertThat(created.json()).containsEntry("email", canonical);
            Answer again = env.invitationApi().create(REALM, Map.of("email", canonical.toUpperCase(Locale.ROOT),
                "loginType", "PASSWORD", "sendEmail", false));
            assertThat(again.status()).isEqualTo(409);
        }
    }

    @Nested
    class WhenTheRequestIsInvalid {

        static Stream<Arguments> badEmails() {
            return Stream.of(
                Arguments.of("display name", "Ada <%s>"),
                Arguments.of("two addresses", "%s, eve@example.com"),
                Arguments.of("header injection", "%s\r\nBcc: eve@example.com"),
                Arguments.of("trailing NUL", "%s\u0000"),
                Arguments.of("trailing CRLF", "%s\r\n"),
                Arguments.of("leading line feed", "\n%s"),
                Arguments.of("zero-width space", "\u200B%s"),
                Arguments.of("bidi override", "\u202E%s"),
                Arguments.of("no domain", "%s@"),
                Arguments.of("two @", "x@%s"));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("badEmails")
        void aMalformedEmailIsRefused(String what, String template, TestEnvironment env) {
            String marker = UUID.randomUUID().toString().substring(0, 12);
            String email = template.formatted("ada-" + marker + "@example.com");

            assertRefused(env, Map.of("email", email, "loginType", "PASSWORD"), 400, "invalid_request", "email");

            assertThat(env.invitationApi().count(REALM, "email=" + marker)).isZero();
        }

        static Stream<Arguments> badFields() {
            return Stream.of(
                Arguments.of("email", Map.of("loginType", "SSO", "identityProvider", "entra")),
                Arguments.of("loginType", Map.of("identityProvider", "entra")),
                Arguments.of("loginType", Map.of("loginType", "MAGIC")),
                Arguments.of("roles", Map.of("loginType", "PASSWORD", "roles", List.of("member", "no-such-role"))),
                Arguments.of("roles", Map.of("loginType", "PASSWORD", "roles", "member")),
                Arguments.of("groups", Map.of("loginType", "PASSWORD", "groups", List.of("/workspaces/nowhere"))),
                Arguments.of("identityProvider", Map.of("loginType", "SSO", "identityProvider", "no-such-idp")),
                Arguments.of("identityProvider", Map.of("loginType", "PASSWORD", "identityProvider", "entra")),
                Arguments.of("redirectUri", Map.of("loginType", "PASSWORD", "redirectUri", "https://attacker.example/")),
                Arguments.of("expiresInHours", Map.of("loginType", "PASSWORD", "expiresInHours", 0)),
                Arguments.of("expiresInHours", Map.of("loginType", "PASSWORD", "expiresInHours", 721)),
                Arguments.of("expiresInHours", Map.of("loginType", "PASSWORD", "expiresInHours", 1.5)),
                Arguments.of("sendEmail", Map.of("loginType", "PASSWORD", "sendEmail", "yes")),
                Arguments.of("locale", Map.of("loginType", "PASSWORD", "locale", "fr")),
                Arguments.of("status", Map.of("loginType", "PASSWORD", "status", "ACCEPTED")));
        }

        @ParameterizedTest(name = "{0} {1}")
        @MethodSource("badFields")
        void aBadFieldIsNamedAndNothingIsStored(String field, Map<String, Object> fields, TestEnvironment env) {
            String email = newEmail();
            Map<String, Object> body = new LinkedHashMap<>(fields);
            if (!field.equals("email")) {
                body.put("email", email);
            }

            Map<String, Object> error = assertRefused(env, body, 400, "invalid_request", field);

            assertThat((String) error.get("error_description")).contains(field);
            assertThat(env.invitationApi().count(REALM, "email=" + q(email))).isZero();
        }

        @ParameterizedTest
        @ValueSource(strings = {"{\"email\": ", "not json", "[]", "{\"email\":\"a@example.com\"} trailing",
            "{\"email\":\"a@example.com\",\"email\":\"b@example.com\",\"loginType\":\"PASSWORD\"}", ""})
        void malformedJsonGetsAJsonAnswer(String body, TestEnvironment env) {
            Answer answer = env.invitationApi().create(REALM, body);

            assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
            assertThat(answer.json()).containsEntry("error", "invalid_request").containsKey("error_description");
        }

        @Test
        void anSsoInvitationNeedsAnIdentityProviderWhenTheRealmHasNoneOrSeveral(TestEnvironment env) {
            for (String realm : List.of(TWO_IDPS_REALM, BARE_REALM)) {
                String email = newEmail();
                Answer answer = env.invitationApi().create(realm, Map.of("email", email, "loginType", "SSO", "sendEmail", false));
                assertThat(answer.status()).as(realm + ": " + answer).isEqualTo(400);
                assertThat(answer.json()).containsEntry("field", "identityProvider");
                assertThat(env.invitationApi().count(realm, "email=" + q(email))).isZero();
            }
        }

        @Test
        void aDisabledIdentityProviderCannotBeNamed(TestEnvironment env) {
            String email = newEmail();
            Answer answer = env.invitationApi().create(ONE_IDP_REALM, Map.of("email", email, "loginType", "SSO",
                "identityProvider", "idp-off", "sendEmail", false));

            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.json()).containsEntry("field", "identityProvider");
            assertThat(env.invitationApi().count(ONE_IDP_REALM, "email=" + q(email))).isZero();
        }

        @Test
        void rolesNeedTheFlowiseClient(TestEnvironment env) {
            String email = newEmail();
            Answer answer = env.invitationApi().create(BARE_REALM, Map.of("email", email, "loginType", "PASSWORD",
                "roles", List.of("member"), "sendEmail", false));

            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.json()).containsEntry("field", "roles");
            assertThat(env.invitationApi().count(BARE_REALM, "email=" + q(email))).isZero();
        }
    }

    @Nested
    class WhenTheInviteeIsAlreadyKnown {

        @Test
        void aPendingInvitationForTheSameAddressIsAConflict(TestEnvironment env) {
            String email = newEmail();
            Seeded pending = env.invitations().seed(invite(email));

            Map<String, Object> error = assertRefused(env, Map.of("email", email.toUpperCase(Locale.ROOT),
                "loginType", "PASSWORD"), 409, "invitation_exists", "email");

            assertThat((String) error.get("error_description")).contains(pending.id(), "resend");
            assertThat(env.invitationApi().count(REALM, "email=" + q(email))).isEqualTo(1);
        }

        @Test
        void anExpiredInvitationDoesNotBlockANewOne(TestEnvironment env) {
            String email = newEmail();
            env.invitations().seed(invite(email).expiresInSeconds(-60));

            Answer created = env.invitationApi().create(REALM, Map.of("email", email, "loginType", "PASSWORD", "sendEmail", false));

            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            assertThat(env.invitationApi().count(REALM, "email=" + q(email))).isEqualTo(2);
            assertThat(env.invitationApi().count(REALM, "status=PENDING&email=" + q(email))).isEqualTo(1);
        }

        @Test
        void simultaneousCreatesForOneAddressStoreOneInvitation(TestEnvironment env) throws Exception {
            int racers = 8;
            for (int attempt = 0; attempt < 5; attempt++) {
                String email = newEmail();
                java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
                java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(racers);
                List<java.util.concurrent.Future<Answer>> answers = new ArrayList<>();
                for (int i = 0; i < racers; i++) {
                    answers.add(pool.submit(() -> {
                        start.await();
                        return env.invitationApi().create(REALM, Map.of("email", email, "loginType", "PASSWORD", "sendEmail", false));
                    }));
                }
                start.countDown();
                List<Answer> results = new ArrayList<>();
                for (var answer : answers) {
                    results.add(answer.get(60, java.util.concurrent.TimeUnit.SECONDS));
                }
                pool.shutdown();

                assertThat(results).filteredOn(a -> a.status() == 201).as(results::toString).hasSize(1);
                assertThat(results).filteredOn(a -> a.status() != 201).as(results::toString)
                    .allSatisfy(a -> {
                        assertThat(a.status()).isEqualTo(409);
                        assertThat(a.json()).containsEntry("error", "invitation_exists").containsEntry("field", "email");
                    });
                assertThat(env.invitationApi().count(REALM, "email=" + q(email))).isEqualTo(1);
            }
        }

        @Test
        void anExpiredInvitationGivesItsAddressToTheNewOneAndCanBeResentOnlyOnceThatIsGone(TestEnvironment env) {
            String email = newEmail();
            Seeded expired = env.invitations().seed(invite(email).expiresInSeconds(-60).holdingItsAddress());

            Answer created = env.invitationApi().create(REALM, Map.of("email", email, "loginType", "PASSWORD", "sendEmail", false));

            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            assertThat(env.invitations().get(expired.id())).containsEntry("status", "PENDING").doesNotContainKey("openEmail");
            assertThat(env.invitations().get((String) created.json().get("id"))).containsEntry("openEmail", email);
            Map<String, Object> beforeResend = env.invitations().get(expired.id());
            Answer resent = env.invitationApi().resend(REALM, expired.id(), Map.of("sendEmail", false));
            assertThat(resent.status()).as(resent.toString()).isEqualTo(409);
            assertThat(resent.json()).containsEntry("error", "invitation_exists");
            assertThat(env.invitations().get(expired.id())).as("the refused resend changed nothing").isEqualTo(beforeResend);

            assertThat(env.invitationApi().delete(REALM, (String) created.json().get("id")).status()).isEqualTo(204);
            Answer resentNow = env.invitationApi().resend(REALM, expired.id(), Map.of("sendEmail", false));

            assertThat(resentNow.status()).as(resentNow.toString()).isEqualTo(200);
            assertThat(env.invitations().get(expired.id())).containsEntry("openEmail", email);
            assertThat(env.invitations().get((String) created.json().get("id"))).containsEntry("status", "REVOKED")
                .doesNotContainKey("openEmail");
        }

        @Test
        void aUserWithThatEmailOrUsernameIsAConflict(TestEnvironment env) {
            String byEmail = newEmail();
            String byUsername = newEmail();
            Accounts.createBareUser(env, "someone-" + UUID.randomUUID(), byEmail);
            Accounts.createBareUser(env, byUsername, null);

            assertRefused(env, Map.of("email", byEmail, "loginType", "PASSWORD"), 409, "user_exists", "email");
            assertRefused(env, Map.of("email", byUsername, "loginType", "SSO", "identityProvider", "entra"), 409, "user_exists", "email");

            assertThat(env.invitationApi().count(REALM, "email=" + q(byEmail))).isZero();
            assertThat(env.invitationApi().count(REALM, "email=" + q(byUsername))).isZero();
        }
    }
}
