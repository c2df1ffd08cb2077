package io.github.flowisesso.rest;

import static io.github.flowisesso.rest.ApiFixtures.OTHER_ADMINS_REALM;
import static io.github.flowisesso.rest.ApiFixtures.REALM;
import static io.github.flowisesso.rest.ApiFixtures.newEmail;
import static io.github.flowisesso.testsupport.InvitationApi.q;
import static io.github.flowisesso.testsupport.Invitations.invite;
import static io.github.flowisesso.testsupport.StateAssertions.onlyAccount;
import static org.assertj.core.api.Assertions.assertThat;
import io.github.flowisesso.testsupport.Browser;
import io.github.flowisesso.testsupport.InvitationApi;
import io.github.flowisesso.testsupport.InvitationApi.Answer;
import io.github.flowisesso.testsupport.Invitations.Seeded;
import io.github.flowisesso.testsupport.TestEnvironment;
import java.util.List;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.admin.client.resource.RealmResource;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The invitation admin API: who may manage invitations, and what an invitation may never grant. */
class InvitationPermissionsIT extends InvitationApiTestBase {

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
}
