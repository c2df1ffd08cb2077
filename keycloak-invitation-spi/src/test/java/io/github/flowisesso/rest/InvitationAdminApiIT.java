package io.github.flowisesso.rest;

import static io.github.flowisesso.rest.ApiFixtures.BARE_REALM;
import static io.github.flowisesso.rest.ApiFixtures.FRONTEND_REALM;
import static io.github.flowisesso.rest.ApiFixtures.FRONTEND_URL;
import static io.github.flowisesso.rest.ApiFixtures.ONE_IDP_REALM;
import static io.github.flowisesso.rest.ApiFixtures.OTHER_ADMINS_REALM;
import static io.github.flowisesso.rest.ApiFixtures.REALM;
import static io.github.flowisesso.rest.ApiFixtures.SMTP_DOWN_REALM;
import static io.github.flowisesso.rest.ApiFixtures.TWO_IDPS_REALM;
import static io.github.flowisesso.rest.ApiFixtures.newEmail;
import static io.github.flowisesso.rest.ApiFixtures.sha256;
import static io.github.flowisesso.testsupport.InvitationApi.q;
import static io.github.flowisesso.testsupport.Invitations.invite;
import static io.github.flowisesso.testsupport.StateAssertions.onlyAccount;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.flowisesso.testsupport.Browser;
import io.github.flowisesso.testsupport.InvitationApi;
import io.github.flowisesso.testsupport.InvitationApi.Answer;
import io.github.flowisesso.testsupport.Invitations.Seeded;
import io.github.flowisesso.testsupport.KeycloakExtension;
import io.github.flowisesso.testsupport.Mailbox;
import io.github.flowisesso.testsupport.Mailbox.Mail;
import io.github.flowisesso.testsupport.TestEnvironment;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.admin.client.resource.RealmResource;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.representations.idm.AdminEventRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

@ExtendWith(KeycloakExtension.class)
class InvitationAdminApiIT {

    private static final Pattern LINK = Pattern.compile("(https?://\\S+?/realms/([^/\\s]+)/invitations/accept\\?token=([A-Za-z0-9_-]+))");
    private static final long HOUR = 3_600_000L;

    private static Mailbox mailbox;

    @BeforeAll
    static void mailAndRealms(TestEnvironment env) {
        mailbox = Mailbox.forTheRealm(env);
        ApiFixtures.ensureRealms(env);
        ApiFixtures.ensureGroup(env, "/workspaces/research");
    }

    @AfterAll
    static void stopMail() {
        if (mailbox != null) {
            mailbox.close();
        }
    }

    // ------------------------------------------------------------------------------------------------------------

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
            assertThat(env.invitationApi().get(REALM, "/" + id).json()).isEqualTo(rep);

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

    // ------------------------------------------------------------------------------------------------------------

    @Nested
    class WhenTheInvitationWouldGrantMoreThanTheCallerMay {

        /**
         * Fine-grained admin permissions (v2) grant admin rights through policies of the realm's admin-permissions
         * client: a role or group such a policy names is refused like a realm-management role, and nothing is stored.
         */
        @Test
        void withFineGrainedAdminPermissionsARoleOrGroupThatAPolicyNamesIsRefused(TestEnvironment env) throws Exception {
            String realm = "api-fgap-" + UUID.randomUUID().toString().substring(0, 6);
            adminCall(env, "POST", "/admin/realms", Map.of("realm", realm, "enabled", true, "adminPermissionsEnabled", true));
            RealmResource target = env.admin().realm(realm);
            ClientRepresentation flowise = new ClientRepresentation();
            flowise.setClientId("flowise");
            target.clients().create(flowise).close();
            String flowiseId = target.clients().findByClientId("flowise").get(0).getId();
            for (String role : List.of("member", "elevated")) {
                target.clients().get(flowiseId).roles().create(new RoleRepresentation(role, null, false));
            }
            for (String group : List.of("plain", "admins-by-policy")) {
                GroupRepresentation rep = new GroupRepresentation();
                rep.setName(group);
                target.groups().add(rep).close();
            }
            String permissionsClient = target.clients().findByClientId("admin-permissions").get(0).getId();
            String policies = "/admin/realms/" + realm + "/clients/" + permissionsClient + "/authz/resource-server/policy";
            adminCall(env, "POST", policies + "/group", Map.of("name", "admins by group",
                "groups", List.of(Map.of("id", target.getGroupByPath("/admins-by-policy").getId()))));
            adminCall(env, "POST", policies + "/role", Map.of("name", "admins by role",
                "roles", List.of(Map.of("id", target.clients().get(flowiseId).roles().get("elevated").toRepresentation().getId()))));

            String email = newEmail();
            Answer byGroup = env.invitationApi().create(realm, Map.of("email", email, "loginType", "PASSWORD",
                "groups", List.of("/admins-by-policy"), "sendEmail", false));
            Answer byRole = env.invitationApi().create(realm, Map.of("email", email, "loginType", "PASSWORD",
                "roles", List.of("elevated"), "sendEmail", false));
            assertThat(byGroup.status()).as(byGroup.toString()).isEqualTo(403);
            assertThat(byGroup.json()).containsEntry("field", "groups");
            assertThat(byRole.status()).as(byRole.toString()).isEqualTo(403);
            assertThat(byRole.json()).containsEntry("field", "roles");
            assertThat(env.invitationApi().count(realm, "email=" + q(email))).isZero();

            Answer plain = env.invitationApi().create(realm, Map.of("email", email, "loginType", "PASSWORD",
                "roles", List.of("member"), "groups", List.of("/plain"), "sendEmail", false));
            assertThat(plain.status()).as(plain.toString()).isEqualTo(201);
        }

        private static void adminCall(TestEnvironment env, String method, String path, Object body) throws Exception {
            java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(env.keycloak().baseUrl() + path))
                    .header("Authorization", "Bearer " + env.admin().tokenManager().getAccessTokenString())
                    .header("Content-Type", "application/json")
                    .method(method, java.net.http.HttpRequest.BodyPublishers.ofString(
                        new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(body))).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isBetween(200, 299);
        }

        @Test
        void aGroupCarryingAdminRightsIsRefusedToAUserManager(TestEnvironment env) {
            String group = ensureAdminGroup(env);
            String email = newEmail();

            Answer answer = ApiFixtures.grace(env).create(REALM, Map.of("email", email, "loginType", "PASSWORD",
                "groups", List.of(group), "sendEmail", false));

            assertThat(answer.status()).as(answer.toString()).isEqualTo(403);
            assertThat(answer.json()).containsEntry("field", "groups");
            assertThat(env.invitationApi().count(REALM, "email=" + q(email))).isZero();
        }

        @Test
        void aGroupThatGainedAdminRightsAfterTheInvitationIsNotJoined(TestEnvironment env) {
            String group = "/later-admins-" + UUID.randomUUID().toString().substring(0, 6);
            ApiFixtures.ensureGroup(env, group);
            String email = newEmail();
            Seeded invitation = env.invitations().seed(
                invite(email).loginType("PASSWORD").identityProvider(null).groups(group));
            grantRealmAdmin(env, group);

            try (Browser browser = env.browser()) {
                browser.click(browser.openInvitation(invitation.token()), "invitation-accept");
            }

            String userId = onlyAccount(env, email).getId();
            assertThat(env.realm().users().get(userId).groups()).isEmpty();
        }

        private static String ensureAdminGroup(TestEnvironment env) {
            String group = "/ops-admins";
            ApiFixtures.ensureGroup(env, group);
            grantRealmAdmin(env, group);
            return group;
        }

        private static void grantRealmAdmin(TestEnvironment env, String path) {
            var realm = env.realm();
            var management = realm.clients().findByClientId("realm-management").get(0);
            var realmAdmin = realm.clients().get(management.getId()).roles().get("realm-admin").toRepresentation();
            realm.groups().group(realm.getGroupByPath(path).getId()).roles().clientLevel(management.getId()).add(List.of(realmAdmin));
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
            createUser(env, "someone-" + UUID.randomUUID(), byEmail);
            createUser(env, byUsername, null);

            assertRefused(env, Map.of("email", byEmail, "loginType", "PASSWORD"), 409, "user_exists", "email");
            assertRefused(env, Map.of("email", byUsername, "loginType", "SSO", "identityProvider", "entra"), 409, "user_exists", "email");

            assertThat(env.invitationApi().count(REALM, "email=" + q(byEmail))).isZero();
            assertThat(env.invitationApi().count(REALM, "email=" + q(byUsername))).isZero();
        }
    }

    // ------------------------------------------------------------------------------------------------------------

    @Nested
    class WhenAnAdminReadsInvitations {

        @Test
        void theListIsNewestFirstFiltersByDerivedStatusAndEmailAndPages(TestEnvironment env) {
            String domain = "list-" + UUID.randomUUID().toString().substring(0, 8) + ".example";
            Seeded pending = env.invitations().seed(invite("pending@" + domain));
            Seeded expired = env.invitations().seed(invite("expired@" + domain).expiresInSeconds(-60));
            Seeded revoked = env.invitations().seed(invite("revoked@" + domain).status("REVOKED"));
            Seeded accepted = env.invitations().seed(invite("accepted@" + domain).status("ACCEPTED"));
            InvitationApi api = env.invitationApi();

            List<Map<String, Object>> all = api.get(REALM, "?email=" + q("@" + domain)).jsonList();
            assertThat(all).extracting(i -> i.get("id")).containsExactlyInAnyOrder(pending.id(), expired.id(), revoked.id(), accepted.id());
            assertThat(all).extracting(i -> ((Number) i.get("createdAt")).longValue()).isSortedAccordingTo((a, b) -> Long.compare(b, a));
            assertThat(all).allSatisfy(i -> assertThat(i).doesNotContainKeys("link", "token", "tokenHash"));

            Map<String, String> byStatus = Map.of("PENDING", pending.id(), "EXPIRED", expired.id(),
                "REVOKED", revoked.id(), "ACCEPTED", accepted.id());
            byStatus.forEach((status, id) -> {
                List<Map<String, Object>> page = api.get(REALM, "?status=" + status.toLowerCase(Locale.ROOT) + "&email=" + q("@" + domain)).jsonList();
                assertThat(page).as(status).singleElement().satisfies(i -> {
                    assertThat(i).containsEntry("id", id).containsEntry("status", status);
                });
                assertThat(api.count(REALM, "status=" + status + "&email=" + q("@" + domain))).isEqualTo(1);
            });

            assertThat(api.get(REALM, "?email=" + q("PENDING@" + domain.toUpperCase(Locale.ROOT))).jsonList())
                .extracting(i -> i.get("id")).containsExactly(pending.id());
            assertThat(api.count(REALM, "email=" + q("@" + domain))).isEqualTo(4);

            List<Object> first = api.get(REALM, "?first=0&max=2&email=" + q("@" + domain)).jsonList().stream().map(i -> i.get("id")).toList();
            List<Object> second = api.get(REALM, "?first=2&max=2&email=" + q("@" + domain)).jsonList().stream().map(i -> i.get("id")).toList();
            assertThat(first).hasSize(2).doesNotContainAnyElementsOf(second);
            assertThat(second).hasSize(2);
            assertThat(api.get(REALM, "?max=100000").jsonList()).hasSizeLessThanOrEqualTo(1000);
        }

        @Test
        void badQueryParametersAreNamed(TestEnvironment env) {
            for (String query : List.of("?status=SOMETIMES", "?first=-1", "?max=lots")) {
                Answer answer = env.invitationApi().get(REALM, query);
                assertThat(answer.status()).as(query).isEqualTo(400);
                assertThat((String) answer.json().get("field")).isIn("status", "first", "max");
            }
        }

        @Test
        void anUnknownIdOrAnIdOfAnotherRealmIsNotFound(TestEnvironment env) {
            Seeded elsewhere = env.invitations().seed(invite(newEmail()).inRealm(BARE_REALM).loginType("PASSWORD").identityProvider(null));

            for (String id : List.of(UUID.randomUUID().toString(), elsewhere.id())) {
                assertThat(env.invitationApi().get(REALM, "/" + id).status()).isEqualTo(404);
                assertThat(env.invitationApi().delete(REALM, id).status()).isEqualTo(404);
                Answer resend = env.invitationApi().resend(REALM, id, Map.of("sendEmail", false));
                assertThat(resend.status()).isEqualTo(404);
                assertThat(resend.json()).containsEntry("error", "not_found");
            }
            assertThat(env.invitations().get(BARE_REALM, elsewhere.id())).containsEntry("status", "PENDING");
            assertThat(env.invitationApi().get(BARE_REALM, "/" + elsewhere.id()).status()).isEqualTo(200);
        }
    }

    @Nested
    class WhenAnAdminRevokes {

        @Test
        void thePendingInvitationBecomesRevokedAndStaysOnRecord(TestEnvironment env) {
            Seeded seeded = env.invitations().seed(invite(newEmail()));
            String hash = (String) env.invitations().get(seeded.id()).get("tokenHash");

            assertThat(env.invitationApi().delete(REALM, seeded.id()).status()).isEqualTo(204);
            assertThat(env.invitationApi().delete(REALM, seeded.id()).status()).as("revoking twice").isEqualTo(204);

            assertThat(env.invitationApi().get(REALM, "/" + seeded.id()).json()).containsEntry("status", "REVOKED");
            assertThat(env.invitations().get(seeded.id())).containsEntry("status", "REVOKED").containsEntry("tokenHash", hash);
            AdminEventRepresentation event = onlyAdminEvent(env, REALM, "DELETE", "invitations/" + seeded.id());
            assertThat(event.getResourceType()).isEqualTo("CUSTOM");
        }

        @Test
        void anExpiredInvitationCanBeRevoked(TestEnvironment env) {
            Seeded seeded = env.invitations().seed(invite(newEmail()).expiresInSeconds(-60));

            assertThat(env.invitationApi().delete(REALM, seeded.id()).status()).isEqualTo(204);

            assertThat(env.invitationApi().get(REALM, "/" + seeded.id()).json()).containsEntry("status", "REVOKED");
        }

        @Test
        void anAcceptedInvitationCannotBeRevoked(TestEnvironment env) {
            Seeded seeded = env.invitations().seed(invite(newEmail()).status("ACCEPTED"));

            Answer answer = env.invitationApi().delete(REALM, seeded.id());

            assertThat(answer.status()).isEqualTo(409);
            assertThat(answer.json()).containsEntry("error", "invitation_not_pending");
            assertThat(env.invitations().get(seeded.id())).containsEntry("status", "ACCEPTED");
        }
    }

    @Nested
    class WhenAnAdminResends {

        @Test
        void aNewTokenIsEmailedAndTheOldOneStopsMatching(TestEnvironment env) {
            String email = newEmail();
            Seeded seeded = env.invitations().seed(invite(email).names("Ada", "Lovelace"));
            long oldExpiry = ((Number) env.invitations().get(seeded.id()).get("expiresAt")).longValue();

            Answer answer = ApiFixtures.grace(env).resend(REALM, seeded.id(), null);

            assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
            assertThat(answer.json()).containsEntry("status", "PENDING").doesNotContainKey("link");
            String token = tokenIn(onlyMailTo(email), env.keycloak().baseUrl() + "/realms/flowise/invitations/accept?token=");
            Map<String, Object> stored = env.invitations().get(seeded.id());
            assertThat(stored.get("tokenHash")).isEqualTo(sha256(token)).isNotEqualTo(sha256(seeded.token()));
            assertThat(((Number) stored.get("expiresAt")).longValue()).isGreaterThan(oldExpiry);
            assertThat(onlyAdminEvent(env, REALM, "ACTION", "invitations/" + seeded.id() + "/resend").getResourceType())
                .isEqualTo("CUSTOM");
        }

        @Test
        void anExpiredInvitationIsRenewedAndTheLinkReturnedWhenNotEmailed(TestEnvironment env) {
            String email = newEmail();
            Seeded seeded = env.invitations().seed(invite(email).expiresInSeconds(-60));

            Answer answer = env.invitationApi().resend(REALM, seeded.id(), Map.of("sendEmail", false, "expiresInHours", 5));

            assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
            Map<String, Object> rep = answer.json();
            assertThat(rep).containsEntry("status", "PENDING");
            long validFor = ((Number) rep.get("expiresAt")).longValue() - Instant.now().toEpochMilli();
            assertThat(validFor).isBetween(5 * HOUR - 60_000, 5 * HOUR);
            String token = tokenOf((String) rep.get("link"), env.keycloak().baseUrl() + "/realms/flowise/invitations/accept?token=");
            assertThat(env.invitations().get(seeded.id())).containsEntry("tokenHash", sha256(token));
            assertThat(mailbox.to(email)).isEmpty();
        }

        @Test
        void revokedOrAcceptedInvitationsAreNotResent(TestEnvironment env) {
            for (String status : List.of("REVOKED", "ACCEPTED")) {
                Seeded seeded = env.invitations().seed(invite(newEmail()).status(status));
                String hash = (String) env.invitations().get(seeded.id()).get("tokenHash");

                Answer answer = env.invitationApi().resend(REALM, seeded.id(), Map.of("sendEmail", false));

                assertThat(answer.status()).as(status).isEqualTo(409);
                assertThat(answer.json()).containsEntry("error", "invitation_not_pending");
                assertThat(env.invitations().get(seeded.id())).containsEntry("status", status).containsEntry("tokenHash", hash);
            }
        }

        @Test
        void aBadResendBodyIsRefused(TestEnvironment env) {
            Seeded seeded = env.invitations().seed(invite(newEmail()));
            String hash = (String) env.invitations().get(seeded.id()).get("tokenHash");

            for (String body : List.of("{\"sendEmail\":\"no\"}", "{\"expiresInHours\":9999}", "{\"email\":\"x@example.com\"}", "{oops")) {
                Answer answer = env.invitationApi().resend(REALM, seeded.id(), body);
                assertThat(answer.status()).as(body).isEqualTo(400);
                assertThat(answer.json()).containsEntry("error", "invalid_request");
            }
            assertThat(env.invitations().get(seeded.id())).containsEntry("tokenHash", hash);
        }
    }

    @Nested
    class WhenTheEmailCannotBeSent {

        @Test
        void creatingAnswers502AndStoresNothing(TestEnvironment env) {
            String email = newEmail();

            Answer answer = env.invitationApi().create(SMTP_DOWN_REALM, Map.of("email", email, "loginType", "PASSWORD"));

            assertThat(answer.status()).as(answer.toString()).isEqualTo(502);
            assertThat(answer.json()).containsEntry("error", "email_failed");
            assertThat((String) answer.json().get("error_description")).contains("nothing was stored");
            assertThat(env.invitationApi().count(SMTP_DOWN_REALM, "email=" + q(email))).isZero();
            assertThat(adminEvents(env, SMTP_DOWN_REALM, "CREATE", "invitations/*"))
                .noneMatch(e -> e.getRepresentation() != null && e.getRepresentation().contains(email));

            Answer withoutEmail = env.invitationApi().create(SMTP_DOWN_REALM, Map.of("email", email, "loginType", "PASSWORD", "sendEmail", false));
            assertThat(withoutEmail.status()).as("the same invitation without email").isEqualTo(201);
        }

        @Test
        void resendingAnswers502AndKeepsTheOldToken(TestEnvironment env) {
            Seeded seeded = env.invitations().seed(invite(newEmail()).inRealm(SMTP_DOWN_REALM).loginType("PASSWORD").identityProvider(null));
            Map<String, Object> before = env.invitations().get(SMTP_DOWN_REALM, seeded.id());

            Answer answer = env.invitationApi().resend(SMTP_DOWN_REALM, seeded.id(), null);

            assertThat(answer.status()).as(answer.toString()).isEqualTo(502);
            assertThat(answer.json()).containsEntry("error", "email_failed");
            assertThat(env.invitations().get(SMTP_DOWN_REALM, seeded.id())).isEqualTo(before)
                .containsEntry("tokenHash", sha256(seeded.token()));
        }
    }

    // ------------------------------------------------------------------------------------------------------------

    @Nested
    class WhenAnAdminInvitesInBulk {

        @Test
        void twoSimultaneousCallsForTheSameAddressesInviteEachAddressOnceAndLoseNoRow(TestEnvironment env) throws Exception {
            List<String> emails = Stream.generate(ApiFixtures::newEmail).limit(200).toList();
            List<Map<String, Object>> rows = emails.stream()
                .map(e -> Map.<String, Object>of("email", e, "loginType", "PASSWORD")).toList();
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            List<java.util.concurrent.Future<Answer>> calls = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                calls.add(pool.submit(() -> {
                    start.await();
                    return env.invitationApi().bulkJson(REALM, rows, "?sendEmail=false");
                }));
            }
            start.countDown();
            List<Map<String, Object>> all = new ArrayList<>();
            for (var call : calls) {
                Answer answer = call.get(120, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
                all.addAll(results(answer.json()));
            }
            pool.shutdown();

            assertThat(all).as("no row is lost to a failed batch").allSatisfy(r ->
                assertThat(r.containsKey("created") || "invitation_exists".equals(r.get("error"))).as(r.toString()).isTrue());
            assertThat(all).filteredOn(r -> r.containsKey("created")).hasSize(emails.size());
            for (String email : emails.subList(0, 20)) {
                assertThat(env.invitationApi().count(REALM, "email=" + q(email))).isEqualTo(1);
            }
        }

        @Test
        void jsonRowsSucceedOrFailOnTheirOwn(TestEnvironment env) {
            String good = newEmail();
            String alsoGood = newEmail();
            String badRole = newEmail();
            List<Object> rows = List.of(
                Map.of("email", good, "loginType", "SSO", "identityProvider", "entra", "roles", List.of("member"),
                    "groups", List.of("/workspaces/research")),
                Map.of("email", "not an address", "loginType", "SSO"),
                Map.of("email", badRole, "loginType", "PASSWORD", "roles", List.of("emperor")),
                Map.of("email", alsoGood, "loginType", "PASSWORD", "firstName", "Grace"),
                Map.of("email", good, "loginType", "PASSWORD"),
                "just a string",
                Map.of("email", newEmail(), "loginType", "PASSWORD", "colour", "blue"));

            Answer answer = env.invitationApi().bulkJson(REALM, rows, "");

            assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
            Map<String, Object> body = answer.json();
            assertThat(body).containsEntry("total", 7).containsEntry("created", 2).containsEntry("failed", 5);
            List<Map<String, Object>> results = results(body);
            assertThat(results).extracting(r -> r.get("row")).containsExactly(1, 2, 3, 4, 5, 6, 7);
            assertThat(results.get(0)).containsKeys("created", "link");
            assertThat(results.get(1)).containsEntry("error", "invalid_request").containsEntry("field", "email");
            assertThat(results.get(2)).containsEntry("error", "invalid_request").containsEntry("field", "roles");
            assertThat(results.get(3)).containsKeys("created", "link");
            assertThat(results.get(4)).containsEntry("error", "invitation_exists").containsEntry("field", "email");
            assertThat(results.get(5)).containsEntry("error", "invalid_request");
            assertThat(results.get(6)).containsEntry("error", "invalid_request").containsEntry("field", "colour");

            String goodId = (String) results.get(0).get("created");
            assertThat(env.invitationApi().get(REALM, "/" + goodId).json()).containsEntry("email", good)
                .containsEntry("roles", List.of("member")).containsEntry("groups", List.of("/workspaces/research"));
            String token = tokenOf((String) results.get(0).get("link"), env.keycloak().baseUrl() + "/realms/flowise/invitations/accept?token=");
            assertThat(env.invitations().get(goodId)).containsEntry("tokenHash", sha256(token));
            assertThat(env.invitationApi().count(REALM, "email=" + q(good))).isEqualTo(1);
            assertThat(env.invitationApi().count(REALM, "email=" + q(badRole))).isZero();
            assertThat(mailbox.to(good)).as("bulk sends no email unless asked").isEmpty();
            assertThat(adminEvents(env, REALM, "ACTION", "invitations/bulk"))
                .anySatisfy(e -> assertThat(e.getRepresentation()).contains("\"total\":7", "\"created\":2", "\"failed\":5"));
        }

        @Test
        void csvRowsSucceedOrFailOnTheirOwn(TestEnvironment env) {
            String ada = newEmail();
            String juergen = newEmail();
            String csv = "\uFEFFemail,loginType,identityProvider,roles,groups,firstName,lastName\r\n"
                + ada + ",SSO,entra,member|viewer,/workspaces/research,Ada,Lovelace\r\n"
                + "\"" + juergen + "\",password,,admin,,\"Jürgen, \"\"Jogi\"\"\",Groß\r\n"
                + "not-an-address,SSO,entra,,,,\r\n"
                + newEmail() + ",SSO,entra,emperor,,,\r\n"
                + newEmail() + ",SSO\r\n"
                + "\r\n";

            Answer answer = env.invitationApi().bulkCsv(REALM, csv, "");

            assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
            List<Map<String, Object>> results = results(answer.json());
            assertThat(answer.json()).containsEntry("total", 5).containsEntry("created", 2).containsEntry("failed", 3);
            assertThat(results.get(2)).containsEntry("row", 3).containsEntry("field", "email");
            assertThat(results.get(3)).containsEntry("row", 4).containsEntry("field", "roles");
            assertThat(results.get(4)).containsEntry("row", 5).containsEntry("error", "invalid_request");
            assertThat(env.invitationApi().get(REALM, "/" + results.get(0).get("created")).json())
                .containsEntry("email", ada).containsEntry("roles", List.of("member", "viewer"))
                .containsEntry("groups", List.of("/workspaces/research")).containsEntry("identityProvider", "entra");
            assertThat(env.invitationApi().get(REALM, "/" + results.get(1).get("created")).json())
                .containsEntry("email", juergen).containsEntry("loginType", "PASSWORD").containsEntry("roles", List.of("admin"))
                .containsEntry("firstName", "Jürgen, \"Jogi\"").containsEntry("lastName", "Groß");
        }

        @Test
        void emailsAreSentWhenAsked(TestEnvironment env) {
            String first = newEmail();
            String second = newEmail();
            String csv = "email,loginType\n" + first + ",PASSWORD\n" + second + ",PASSWORD\n";

            Answer answer = env.invitationApi().bulkCsv(REALM, csv, "?sendEmail=true");

            assertThat(answer.json()).containsEntry("created", 2);
            assertThat(results(answer.json())).allSatisfy(r -> assertThat(r).doesNotContainKey("link"));
            for (String email : List.of(first, second)) {
                assertThat(onlyMailTo(email).text()).contains("Set your password");
            }
        }

        @Test
        void anUnusableCsvHeaderRefusesTheWholeCall(TestEnvironment env) {
            String email = newEmail();
            for (String csv : List.of("mail,loginType\n" + email + ",PASSWORD\n", "loginType\nPASSWORD\n", "")) {
                Answer answer = env.invitationApi().bulkCsv(REALM, csv, "");
                assertThat(answer.status()).as(csv).isEqualTo(400);
                assertThat(answer.json()).containsEntry("error", "invalid_request");
            }
            assertThat(env.invitationApi().bulkJson(REALM, "{\"email\":\"x@example.com\"}", "").status()).isEqualTo(400);
            assertThat(env.invitationApi().count(REALM, "email=" + q(email))).isZero();
        }

        @Test
        void moreThanTenThousandRowsAreRefusedWhole(TestEnvironment env) {
            String domain = "toomany-" + UUID.randomUUID().toString().substring(0, 8) + ".example";
            StringBuilder csv = new StringBuilder("email,loginType\n");
            for (int i = 0; i <= 10_000; i++) {
                csv.append("u").append(i).append('@').append(domain).append(",PASSWORD\n");
            }

            Answer answer = env.invitationApi().bulkCsv(REALM, csv.toString(), "");

            assertThat(answer.status()).isEqualTo(400);
            assertThat(env.invitationApi().count(REALM, "email=" + q("@" + domain))).isZero();
        }

        @Test
        void tenThousandRowsAreCreatedInOneCall(TestEnvironment env) {
            String domain = "bulk-" + UUID.randomUUID().toString().substring(0, 8) + ".example";
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                rows.add(Map.of("email", "user" + i + "@" + domain, "loginType", i % 2 == 0 ? "SSO" : "PASSWORD",
                    "identityProvider", i % 2 == 0 ? "entra" : "", "roles", List.of("member")));
            }

            Instant start = Instant.now();
            Answer answer = env.invitationApi().bulkJson(REALM, rows, "?sendEmail=false");
            Duration took = Duration.between(start, Instant.now());

            System.out.println("BULK 10000 rows took " + took.toMillis() + " ms");
            assertThat(answer.status()).as(() -> answer.status() + " " + answer.body().substring(0, Math.min(500, answer.body().length())))
                .isEqualTo(200);
            assertThat(answer.json()).containsEntry("total", 10_000).containsEntry("created", 10_000).containsEntry("failed", 0);
            assertThat(env.invitationApi().count(REALM, "email=" + q("@" + domain))).isEqualTo(10_000);
            assertThat(took).isLessThan(Duration.ofMinutes(3));
        }
    }

    // ------------------------------------------------------------------------------------------------------------

    @Nested
    class WhenTheCallerMayNotManageInvitations {

        @Test
        void withoutATokenNothingIsAnsweredOrWritten(TestEnvironment env) {
            String email = newEmail();
            InvitationApi anonymous = env.invitationApi().as(null);

            assertThat(anonymous.create(REALM, Map.of("email", email, "loginType", "PASSWORD")).status()).isEqualTo(401);
            assertThat(anonymous.get(REALM, "").status()).isEqualTo(401);
            assertThat(anonymous.bulkCsv(REALM, "email,loginType\n" + email + ",PASSWORD\n", "").status()).isEqualTo(401);

            assertThat(env.invitationApi().count(REALM, "email=" + q(email))).isZero();
        }

        @Test
        void aPlainUserOfTheRealmIsForbidden(TestEnvironment env) {
            String username = ApiFixtures.ensureUser(env, REALM, "plain", "Plain", "User");
            assertForbiddenEverywhere(env, env.invitationApi().withTokens(ApiFixtures.tokensOf(env, REALM, username)), true);
        }

        @Test
        void anAdminOfAnotherRealmIsForbidden(TestEnvironment env) {
            String username = ApiFixtures.ensureUser(env, OTHER_ADMINS_REALM, "other-admin", "Other", "Admin",
                "manage-users", "view-users", "realm-admin");
            assertForbiddenEverywhere(env, env.invitationApi().withTokens(ApiFixtures.tokensOf(env, OTHER_ADMINS_REALM, username)), true);
        }

        @Test
        void aViewOnlyAdminReadsButChangesNothing(TestEnvironment env) {
            String username = ApiFixtures.ensureUser(env, REALM, "viewer", "View", "Only", "view-users");
            InvitationApi viewer = env.invitationApi().withTokens(ApiFixtures.tokensOf(env, REALM, username));
            Seeded seeded = env.invitations().seed(invite(newEmail()));

            assertThat(viewer.get(REALM, "?email=" + q((String) env.invitations().get(seeded.id()).get("email"))).jsonList())
                .extracting(i -> i.get("id")).containsExactly(seeded.id());
            assertThat(viewer.get(REALM, "/" + seeded.id()).status()).isEqualTo(200);
            assertThat(viewer.count(REALM, "")).isPositive();

            assertForbiddenEverywhere(env, viewer, false);
        }

        private void assertForbiddenEverywhere(TestEnvironment env, InvitationApi caller, boolean readingToo) {
            String email = newEmail();
            Seeded seeded = env.invitations().seed(invite(newEmail()));
            Map<String, Object> before = env.invitations().get(seeded.id());

            assertThat(caller.create(REALM, Map.of("email", email, "loginType", "PASSWORD", "sendEmail", false)).status()).isEqualTo(403);
            assertThat(caller.bulkJson(REALM, List.of(Map.of("email", email, "loginType", "PASSWORD")), "").status()).isEqualTo(403);
            assertThat(caller.bulkCsv(REALM, "email,loginType\n" + email + ",PASSWORD\n", "").status()).isEqualTo(403);
            assertThat(caller.delete(REALM, seeded.id()).status()).isEqualTo(403);
            assertThat(caller.resend(REALM, seeded.id(), Map.of("sendEmail", false)).status()).isEqualTo(403);
            if (readingToo) {
                assertThat(caller.get(REALM, "").status()).isEqualTo(403);
                assertThat(caller.get(REALM, "/count").status()).isEqualTo(403);
                assertThat(caller.get(REALM, "/" + seeded.id()).status()).isEqualTo(403);
            }

            assertThat(env.invitationApi().count(REALM, "email=" + q(email))).isZero();
            assertThat(env.invitations().get(seeded.id())).isEqualTo(before);
            assertThat(mailbox.to(email)).isEmpty();
        }
    }

    @Nested
    class WhenInvitationsAreLongExpired {

        @Test
        void theRetentionJobDeletesThemAndKeepsRecentOnes(TestEnvironment env) throws InterruptedException {
            long day = 86_400L;
            Seeded old = env.invitations().seed(invite(newEmail()).status("REVOKED").expiresInSeconds(-91 * day));
            Seeded recent = env.invitations().seed(invite(newEmail()).expiresInSeconds(-89 * day));

            Instant deadline = Instant.now().plusSeconds(30);
            while (env.invitations().find(REALM, old.id()).isPresent() && Instant.now().isBefore(deadline)) {
                Thread.sleep(500); // polling a job that runs every 3 s on the server
            }

            assertThat(env.invitations().find(REALM, old.id())).as("expired 91 days ago").isEmpty();
            assertThat(env.invitations().find(REALM, recent.id())).as("expired 89 days ago").isPresent();
            assertThat(env.invitationApi().get(REALM, "/" + recent.id()).json()).containsEntry("status", "EXPIRED");
        }
    }

    // --- helpers ---

    private static Map<String, Object> assertRefused(TestEnvironment env, Map<String, Object> body, int status, String error, String field) {
        Answer answer = env.invitationApi().create(REALM, body);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
        Map<String, Object> json = answer.json();
        assertThat(json).containsEntry("error", error).containsEntry("field", field).containsKey("error_description");
        return json;
    }

    private static Mail onlyMailTo(String email) {
        List<Mail> mails = mailbox.to(email);
        assertThat(mails).as("mails to " + email).hasSize(1);
        return mails.get(0);
    }

    /** The token of the one invitation link in the mail, which must start with {@code prefix}. */
    private static String tokenIn(Mail mail, String prefix) {
        Matcher matcher = LINK.matcher(mail.text());
        assertThat(matcher.find()).as("an invitation link in:\n" + mail.text()).isTrue();
        return tokenOf(matcher.group(1), prefix);
    }

    private static String tokenOf(String link, String prefix) {
        assertThat(link).startsWith(prefix).matches(Pattern.quote(prefix) + "[A-Za-z0-9_-]{43}");
        return link.substring(prefix.length());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> results(Map<String, Object> body) {
        return (List<Map<String, Object>>) body.get("results");
    }

    private static List<AdminEventRepresentation> adminEvents(TestEnvironment env, String realm, String operation, String path) {
        // Filtered the way an auditor would: resource type CUSTOM, resource path invitations/...
        return env.admin().realm(realm).getAdminEvents(List.of(operation), null, null, null, null, path, List.of("CUSTOM"),
            null, null, 0, 100);
    }

    private static AdminEventRepresentation onlyAdminEvent(TestEnvironment env, String realm, String operation, String path) {
        List<AdminEventRepresentation> events = adminEvents(env, realm, operation, path);
        assertThat(events).as(operation + " " + path).hasSize(1);
        return events.get(0);
    }

    private static void createUser(TestEnvironment env, String username, String email) {
        UserRepresentation user = new UserRepresentation();
        user.setUsername(username);
        user.setEmail(email);
        user.setEnabled(true);
        try (Response response = env.realm().users().create(user)) {
            CreatedResponseUtil.getCreatedId(response);
        }
    }
}
