package io.github.flowisesso.scim;

import static io.github.flowisesso.testsupport.StateAssertions.assertNoAccount;
import static io.github.flowisesso.testsupport.StateAssertions.newEmail;
import static io.github.flowisesso.testsupport.StateAssertions.onlyAccount;
import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.scim2.client.ScimService;
import com.unboundid.scim2.common.types.Email;
import com.unboundid.scim2.common.types.Name;
import com.unboundid.scim2.common.types.ServiceProviderConfigResource;
import com.unboundid.scim2.common.types.UserResource;
import io.github.flowisesso.testsupport.Browser;
import io.github.flowisesso.testsupport.EntraUser;
import io.github.flowisesso.testsupport.InvitationApi;
import io.github.flowisesso.testsupport.KeycloakExtension;
import io.github.flowisesso.testsupport.ScimHttp;
import io.github.flowisesso.testsupport.TestEnvironment;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.ClientRequestFilter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.representations.idm.AdminEventRepresentation;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * Entra ID provisioning through the SCIM endpoint on a real Keycloak: a real SCIM client (UnboundID SCIM 2 SDK) and
 * Microsoft's documented request shapes for non-gallery apps, replayed as Entra sends them.
 */
@ExtendWith(KeycloakExtension.class)
class ScimProvisioningIT {

    private static final String REALM = TestEnvironment.REALM;
    private static String token;
    private static ScimHttp scim;
    private static Client jaxrs;
    private static ScimService sdk;

    @BeforeAll
    static void aProvisioningToken(TestEnvironment env) {
        // Other tests add Entra providers to this realm: name the one provisioning is for, as an admin with several would.
        org.keycloak.representations.idm.RealmRepresentation realm = env.realm().toRepresentation();
        realm.getAttributes().put("scim.identityProvider", TestEnvironment.IDP_ALIAS);
        env.realm().update(realm);
        InvitationApi.Answer issued = env.invitationApi().send("POST", REALM, "/scim/tokens", null, null, Map.of());
        assertThat(issued.status()).as(issued.toString()).isEqualTo(201);
        token = (String) issued.json().get("token");
        assertThat((String) issued.json().get("tenantUrl")).endsWith("/realms/flowise/scim/v2");
        scim = new ScimHttp(ScimHttp.baseUrl(env, REALM), token);
        jaxrs = ClientBuilder.newClient();
        sdk = new ScimService(jaxrs.target(ScimHttp.baseUrl(env, REALM))
            .register((ClientRequestFilter) request -> request.getHeaders().add("Authorization", "Bearer " + token)));
    }

    @AfterAll
    static void close() {
        if (jaxrs != null) {
            jaxrs.close();
        }
    }

    @Nested
    class WhenEntraAssignsSomeone {

        @Test
        void theServiceProviderDescribesItselfToAStandardClient() throws Exception {
            ServiceProviderConfigResource config = sdk.getServiceProviderConfig();
            assertThat(config.getPatch().isSupported()).isTrue();
            assertThat(config.getFilter().isSupported()).isTrue();
            assertThat(config.getBulk().isSupported()).isFalse();
            assertThat(scim.send("GET", "/ResourceTypes", null).json()).containsEntry("totalResults", 1);
            assertThat(scim.send("GET", "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User", null).status()).isEqualTo(200);
        }

        @Test
        void everyRequestIsCountedInKeycloaksMetrics(TestEnvironment env) throws Exception {
            scim.send("GET", "/ServiceProviderConfig", null);
            scim.withToken(null).send("GET", "/ServiceProviderConfig", null);

            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(env.keycloak().managementUrl()
                + "/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).containsPattern("flowise_scim_requests_total\\{[^}]*method=\"GET\"[^}]*status=\"200\"")
                .containsPattern("flowise_scim_requests_total\\{[^}]*status=\"401\"");
        }

        @Test
        void theProbeForANameThatExistsNowhereFindsNobody() {
            // Microsoft: "Get User by query - Zero results", sent before every create.
            ScimHttp.Answer answer = scim.send("GET", "/Users?filter=" + q("userName eq \"non-existent user\""), null);

            assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
            assertThat(answer.contentType()).startsWith("application/scim+json");
            assertThat(answer.json()).containsEntry("totalResults", 0).containsEntry("Resources", List.of());
        }

        @Test
        void theAssignmentIsAnInvitationThatOnlyTheSameEntraObjectCanUse(TestEnvironment env) throws Exception {
            String email = newEmail("scim");
            String oid = UUID.randomUUID().toString();

            UserResource created = sdk.create("Users", user(email, oid).setName(new Name().setGivenName("Ada").setFamilyName("Lovelace")));

            String id = created.getId();
            assertThat(created.getExternalId()).isEqualTo(oid);
            assertThat(created.getActive()).isTrue();
            Map<String, Object> invitation = onlyInvitation(env, email);
            assertThat(invitation).containsEntry("id", id).containsEntry("status", "PENDING").containsEntry("loginType", "SSO")
                .containsEntry("identityProvider", TestEnvironment.IDP_ALIAS).containsEntry("roles", List.of("member"))
                .containsEntry("createdBy", "service-account-flowise-scim").containsEntry("entraObjectId", oid);
            assertThat(adminEvents(env, "CREATE", "scim/Users/" + id)).singleElement()
                .satisfies(e -> assertThat(e.getAuthDetails().getUserId())
                    .isEqualTo(env.realm().users().search("service-account-flowise-scim").get(0).getId()));
            List<UserResource> found = sdk.searchRequest("Users").filter("externalId eq \"" + oid + "\"").invoke(UserResource.class)
                .getResources();
            assertThat(found).extracting(UserResource::getId).containsExactly(id);

            // The same address from another Entra object is someone else.
            try (Browser browser = env.browser()) {
                org.htmlunit.Page refused = browser.signIn(EntraUser.of(env, email).claim("oid", UUID.randomUUID().toString()));
                assertThat(refused.getWebResponse().getStatusCode()).isEqualTo(403);
            }
            assertNoAccount(env, email);
            assertRefusal(env, email, "invited_for_other_entra_identity");
            assertThat(onlyInvitation(env, email)).containsEntry("status", "PENDING");

            try (Browser browser = env.browser()) {
                Browser.expectCode(browser.signIn(EntraUser.of(env, email).claim("oid", oid)), env);
            }
            UserRepresentation account = onlyAccount(env, email);
            assertThat(account.getAttributes()).containsEntry("entra_oid", List.of(oid));
            UserResource afterEnrollment = sdk.retrieve("Users", id, UserResource.class);
            assertThat(afterEnrollment.getActive()).isTrue();
            assertThat(afterEnrollment.getExternalId()).isEqualTo(oid);
            assertThat(onlyInvitation(env, email)).containsEntry("status", "ACCEPTED").containsEntry("acceptedUserId", account.getId());
        }

        @Test
        void microsoftsCreateRequestIsUnderstoodAsSentAndUpdatesFollowIt(TestEnvironment env) {
            String email = newEmail("scim-ms");
            String oid = UUID.randomUUID().toString();
            // Microsoft's "Create User" request for non-gallery apps: userName is not an address, the address is the
            // work email, and attributes the app does not keep (roles, meta, formatted name, the enterprise schema).
            ScimHttp.Answer created = scim.send("POST", "/Users", """
                {
                    "schemas": [
                        "urn:ietf:params:scim:schemas:core:2.0:User",
                        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
                    "externalId": "%s",
                    "userName": "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1",
                    "active": true,
                    "emails": [{
                        "primary": true,
                        "type": "work",
                        "value": "%s"
                    }],
                    "meta": {
                        "resourceType": "User"
                    },
                    "name": {
                        "formatted": "givenName familyName",
                        "familyName": "familyName",
                        "givenName": "givenName"
                    },
                    "roles": []
                }""".formatted(oid, email));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            String id = (String) created.json().get("id");
            assertThat(created.json()).containsEntry("userName", "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1");

            // "Get User by query", by the userName Entra knows.
            ScimHttp.Answer byQuery = scim.send("GET", "/Users?filter=" + q("externalId eq \"" + oid + "\""), null);
            assertThat(byQuery.json()).containsEntry("totalResults", 1);

            // "Update User [Multi-valued properties]": the address moves, and the invitation with it.
            String moved = newEmail("scim-moved");
            ScimHttp.Answer patched = scim.send("PATCH", "/Users/" + id, """
                {
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                    "Operations": [
                        {
                        "op": "Replace",
                        "path": "emails[type eq \\"work\\"].value",
                        "value": "%s"
                        },
                        {
                        "op": "Replace",
                        "path": "name.familyName",
                        "value": "updatedFamilyName"
                        }
                    ]
                }""".formatted(moved));
            assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
            assertThat(onlyInvitation(env, moved)).containsEntry("id", id).containsEntry("lastName", "updatedFamilyName");
            assertThat(invitations(env, email)).isEmpty();

            // "Update User [Single-valued properties]": a new userName (the UPN) is kept as given; the invitation stays
            // with the person's mail.
            ScimHttp.Answer renamed = scim.send("PATCH", "/Users/" + id, """
                {
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                    "Operations": [{
                        "op": "Replace",
                        "path": "userName",
                        "value": "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com"
                    }]
                }""");
            assertThat(renamed.json()).containsEntry("userName", "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com");
            assertThat(onlyInvitation(env, moved)).containsEntry("id", id);

            // "Disable User", with the string "False" Entra sends without the aadOptscim062020 flag.
            ScimHttp.Answer disabled = scim.send("PATCH", "/Users/" + id, """
                {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations": [{"op": "Replace", "path": "active", "value": "False"}]}""");
            assertThat(disabled.json()).containsEntry("active", false);
            assertThat(onlyInvitation(env, moved)).containsEntry("status", "REVOKED");

            // Re-assigned: "replace" without a path.
            ScimHttp.Answer enabled = scim.send("PATCH", "/Users/" + id, """
                {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations": [{"op": "replace", "value": {"active": true}}]}""");
            assertThat(enabled.json()).containsEntry("active", true);
            assertThat(onlyInvitation(env, moved)).containsEntry("status", "PENDING");

            // "Delete User": a pending invitation is revoked.
            assertThat(scim.send("DELETE", "/Users/" + id, null).status()).isEqualTo(204);
            assertThat(onlyInvitation(env, moved)).containsEntry("status", "REVOKED");
        }

        @Test
        void someoneWithAnAccountAlreadyIsReturnedAndNotInvitedAgain(TestEnvironment env) throws Exception {
            String email = newEmail("scim-known");
            UserRepresentation user = new UserRepresentation();
            user.setUsername(email);
            user.setEmail(email);
            user.setEnabled(true);
            env.realm().users().create(user).close();
            String userId = onlyAccount(env, email).getId();

            UserResource created = sdk.create("Users", user(email, UUID.randomUUID().toString()));

            assertThat(created.getId()).isEqualTo(userId);
            assertThat(invitations(env, email)).isEmpty();
            assertThat(env.realm().users().searchByEmail(email, true)).hasSize(1);
        }
    }

    @Nested
    class WhenEntraRemovesSomeone {

        @Test
        void theAccountIsDisabledItsSessionsEndAtOnceAndReassignmentLetsThePersonBackIn(TestEnvironment env) throws Exception {
            String email = newEmail("scim-leaver");
            String oid = UUID.randomUUID().toString();
            String id = sdk.create("Users", user(email, oid)).getId();
            EntraUser person = EntraUser.of(env, email).claim("oid", oid); // the same person (same sub) each time
            Map<String, Object> tokens;
            try (Browser browser = env.browser()) {
                tokens = browser.redeem(Browser.expectCode(browser.signIn(person), env));
            }
            assertThat(userInfo(env, (String) tokens.get("access_token"))).isEqualTo(200);

            long start = System.nanoTime();
            ScimHttp.Answer removed = scim.send("PATCH", "/Users/" + id, """
                {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations": [{"op": "Replace", "path": "active", "value": "False"}]}""");
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("[scim] removal answered in %d ms%n", millis);

            assertThat(removed.json()).containsEntry("active", false);
            UserRepresentation account = onlyAccount(env, email);
            assertThat(account.isEnabled()).isFalse();
            assertThat(env.realm().users().get(account.getId()).getUserSessions()).as("sessions ended").isEmpty();
            assertThat(refresh(env, (String) tokens.get("refresh_token")).statusCode()).as("the refresh token is dead").isEqualTo(400);
            assertThat(userInfo(env, (String) tokens.get("access_token"))).as("the access token is dead").isEqualTo(401);
            assertThat(adminEvents(env, "UPDATE", "scim/Users/" + id)).isNotEmpty();

            sdk.modifyRequest("Users", id).replaceValue("active", true).invoke(UserResource.class);
            assertThat(onlyAccount(env, email).isEnabled()).isTrue();
            try (Browser browser = env.browser()) {
                Browser.expectCode(browser.signIn(person), env);
            }

            assertThat(scim.send("DELETE", "/Users/" + id, null).status()).isEqualTo(204);
            assertThat(onlyAccount(env, email).isEnabled()).as("DELETE disables by default").isFalse();
        }
    }

    @Nested
    class WhenTheRequestIsWrong {

        @Test
        void withoutAValidTokenNothingIsAnsweredOrChanged(TestEnvironment env) {
            String email = newEmail("scim-no-token");
            String body = "{\"userName\":\"" + email + "\",\"emails\":[{\"value\":\"" + email + "\",\"type\":\"work\"}]}";
            for (ScimHttp client : List.of(scim.withToken(null), scim.withToken("not-a-token"),
                    scim.withToken(UUID.randomUUID().toString().repeat(2).substring(0, 43)))) {
                ScimHttp.Answer answer = client.send("POST", "/Users", body);
                assertThat(answer.status()).as(answer.toString()).isEqualTo(401);
                assertThat(answer.json()).containsEntry("status", "401");
                assertThat(client.send("GET", "/ServiceProviderConfig", null).status()).isEqualTo(401);
            }
            assertThat(invitations(env, email)).isEmpty();
        }

        @Test
        void aFilterOtherThanEqualityOnTheKnownAttributesIsRefused() {
            for (String filter : List.of("userName co \"a\"", "userName eq a", "displayName eq \"x\"", "userName eq \"x\" or 1 eq 1",
                    "a".repeat(1_100))) {
                ScimHttp.Answer answer = scim.send("GET", "/Users?filter=" + q(filter), null);
                assertThat(answer.status()).as(filter).isEqualTo(400);
                assertThat(answer.json()).containsEntry("scimType", "invalidFilter");
            }
            assertThat(scim.send("GET", "/Users", null).json()).containsEntry("scimType", "invalidFilter");
        }

        @Test
        void anUnknownAttributeOrABadValueIsRefusedWithNothingStored(TestEnvironment env) {
            String email = newEmail("scim-bad");
            Map<String, String> bodies = Map.of(
                "{\"userName\":\"" + email + "\",\"favouriteColour\":\"blue\"}", "invalidPath",
                "{\"userName\":\"" + email + "\",\"active\":\"maybe\"}", "invalidValue",
                "{\"userName\":\"not an address\"}", "invalidValue",
                "[1,2,3]", "invalidSyntax",
                "{oops", "invalidSyntax");
            bodies.forEach((body, scimType) -> {
                ScimHttp.Answer answer = scim.send("POST", "/Users", body);
                assertThat(answer.status()).as(body).isEqualTo(400);
                assertThat(answer.json()).as(body).containsEntry("scimType", scimType);
            });
            assertThat(invitations(env, email)).isEmpty();
        }

        @Test
        void aHugeBodyIsRefusedWithNothingStored(TestEnvironment env) {
            String email = newEmail("scim-huge");
            String body = "{\"userName\":\"" + email + "\",\"name\":{\"givenName\":\"" + "A".repeat(100_000) + "\"}}";

            ScimHttp.Answer answer = scim.send("POST", "/Users", body);

            assertThat(answer.status()).isEqualTo(413);
            assertThat(invitations(env, email)).isEmpty();
        }
    }

    @Nested
    class WhenTheSecretTokenIsRotated {

        @Test
        void bothTokensWorkUntilTheOldOneIsRevoked(TestEnvironment env) {
            InvitationApi.Answer second = env.invitationApi().send("POST", REALM, "/scim/tokens", null, null, Map.of());
            assertThat(second.status()).isEqualTo(201);
            ScimHttp newClient = scim.withToken((String) second.json().get("token"));
            assertThat(newClient.send("GET", "/ServiceProviderConfig", null).status()).isEqualTo(200);
            assertThat(scim.send("GET", "/ServiceProviderConfig", null).status()).isEqualTo(200);

            InvitationApi.Answer listed = env.invitationApi().send("GET", REALM, "/scim", null, null, Map.of());
            assertThat(listed.body()).doesNotContain((String) second.json().get("token")).doesNotContain(token);
            assertThat(env.invitationApi().send("DELETE", REALM, "/scim/tokens/" + second.json().get("id"), null, null, Map.of())
                .status()).isEqualTo(204);

            assertThat(newClient.send("GET", "/ServiceProviderConfig", null).status()).isEqualTo(401);
            assertThat(scim.send("GET", "/ServiceProviderConfig", null).status()).isEqualTo(200);
        }
    }

    @Nested
    class WhenEntraAssignsManyAtOnce {

        @Test
        void aThousandPeopleInOneBurstAreEachInvitedOnce(TestEnvironment env) throws Exception {
            String run = UUID.randomUUID().toString().substring(0, 8);
            List<String> emails = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                emails.add("burst-" + i + "-" + run + "@example.com");
            }
            List<String> requests = new ArrayList<>(emails);
            requests.addAll(emails.subList(0, 100)); // Entra retries: the same person twice
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<ScimHttp.Answer>> answers = new ArrayList<>();
            try {
                for (String email : requests) {
                    answers.add(pool.submit(() -> scim.send("POST", "/Users", "{\"userName\":\"" + email + "\",\"externalId\":\""
                        + UUID.nameUUIDFromBytes(email.getBytes()) + "\",\"active\":true}")));
                }
                for (Future<ScimHttp.Answer> answer : answers) {
                    assertThat(answer.get().status()).as(answer.get().toString()).isIn(201, 409);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(answers.stream().filter(a -> {
                try {
                    return a.get().status() == 201;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).count()).as("created or returned").isGreaterThanOrEqualTo(1_000);
            assertThat(env.invitationApi().count(REALM, "email=" + InvitationApi.q("-" + run)))
                .as("one invitation per person").isEqualTo(1_000);
        }
    }

    /** A user as a standard SCIM client sends it: userName, the Entra object id, the work address, active. */
    private static UserResource user(String email, String oid) {
        UserResource user = new UserResource().setUserName(email).setActive(true)
            .setEmails(List.of(new Email().setValue(email).setType("work").setPrimary(true)));
        user.setExternalId(oid);
        return user;
    }

    private static List<Map<String, Object>> invitations(TestEnvironment env, String email) {
        return env.invitationApi().get(REALM, "?email=" + InvitationApi.q(email)).jsonList();
    }

    private static Map<String, Object> onlyInvitation(TestEnvironment env, String email) {
        List<Map<String, Object>> found = invitations(env, email);
        assertThat(found).as("invitations for " + email).hasSize(1);
        return found.get(0);
    }

    private static List<AdminEventRepresentation> adminEvents(TestEnvironment env, String operation, String path) {
        return env.realm().getAdminEvents(List.of(operation), null, null, null, null, path, List.of("CUSTOM"), null, null, 0, 100);
    }

    private static void assertRefusal(TestEnvironment env, String email, String reason) {
        List<EventRepresentation> events = env.realm().getEvents(List.of("IDENTITY_PROVIDER_FIRST_LOGIN_ERROR"),
            null, null, null, null, null, 0, 500);
        assertThat(events).filteredOn(e -> e.getDetails() != null && email.equals(e.getDetails().get("email")))
            .singleElement().satisfies(e -> assertThat(e.getDetails()).containsEntry("reason", reason));
    }

    private static String q(String value) {
        return InvitationApi.q(value);
    }

    private static int userInfo(TestEnvironment env, String accessToken) throws Exception {
        // On the browser's host name: the tokens' issuer (Keycloak's host name follows the request here).
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(env.keycloak().browserUrl() + "/realms/" + REALM
                + "/protocol/openid-connect/userinfo")).header("Authorization", "Bearer " + accessToken).GET().build(),
            HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static HttpResponse<String> refresh(TestEnvironment env, String refreshToken) throws Exception {
        String form = "grant_type=refresh_token&client_id=flowise&client_secret="
            + java.net.URLEncoder.encode(env.flowiseClientSecret(), java.nio.charset.StandardCharsets.UTF_8)
            + "&refresh_token=" + java.net.URLEncoder.encode(refreshToken, java.nio.charset.StandardCharsets.UTF_8);
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(env.keycloak().browserUrl() + "/realms/" + REALM
                + "/protocol/openid-connect/token")).header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
