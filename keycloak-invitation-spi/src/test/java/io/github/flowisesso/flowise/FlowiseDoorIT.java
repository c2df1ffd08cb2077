package io.github.flowisesso.flowise;

import static io.github.flowisesso.flowise.FlowiseUser.api;
import static io.github.flowisesso.flowise.FlowiseUser.awaitFlowiseUi;
import static io.github.flowisesso.flowise.FlowiseUser.awaitKeycloakSignIn;
import static io.github.flowisesso.flowise.FlowiseUser.clickFlowiseLogout;
import static io.github.flowisesso.flowise.FlowiseUser.enrolled;
import static io.github.flowisesso.flowise.FlowiseUser.enrollWithEntra;
import static io.github.flowisesso.flowise.FlowiseUser.invite;
import static io.github.flowisesso.flowise.FlowiseUser.newEmail;
import static io.github.flowisesso.flowise.FlowiseUser.signInWithMicrosoft;
import static io.github.flowisesso.flowise.FlowiseUser.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.flowisesso.testsupport.ChildProcess;
import io.github.flowisesso.testsupport.Chromium;
import io.github.flowisesso.testsupport.InvitationApi;
import io.github.flowisesso.testsupport.ScimHttp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.representations.idm.UserRepresentation;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/**
 * The last hop with real Flowise 3.1.4, the shipped door (Apache httpd + mod_auth_openidc running
 * door/flowise-door.conf) and the bridge jar, in Chromium: invitees end inside Flowise's UI, never on its setup or
 * sign-in page; roles hold at the door; Flowise's public routes stay open to API clients; sign-out and disabling end
 * access.
 */
@ExtendWith(FlowiseStackExtension.class)
class FlowiseDoorIT {

    private static final HttpClient PLAIN = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(10)).build();

    @Nested
    class GivenAnSsoInvitation {

        @Test
        void theInviteeFollowsTheLinkSignsInWithEntraAndWorksInFlowise(FlowiseStack stack) {
            String email = newEmail("sso");
            try (Chromium chromium = enrolled(stack, email, "member")) {
                WebDriver driver = chromium.driver();
                awaitFlowiseUi(driver, stack);
                chromium.screenshot("flowise-1-invitee-inside-flowise");
                assertThat(api(driver, "GET", "/api/v1/chatflows", null)).as("Flowise's own API, as its UI calls it").isEqualTo(200);
            }
            assertThat(onlyAccount(stack, email).getAttributes()).containsEntry("login_type", List.of("SSO"));
        }

        @Test
        void aReturningUserGoesStraightIn(FlowiseStack stack) {
            String email = newEmail("returning");
            try (Chromium first = enrolled(stack, email, "viewer")) {
                awaitFlowiseUi(first.driver(), stack);
            }
            try (Chromium chromium = Chromium.start("en")) {
                WebDriver driver = chromium.driver();
                driver.get(stack.doorUrl() + "/");
                signInWithMicrosoft(driver, stack, email);
                awaitFlowiseUi(driver, stack);
            }
        }

        @Test
        void anUninvitedPersonGetsTheThemedRefusalAndNoFlowiseSession(FlowiseStack stack) {
            String email = newEmail("stranger");
            try (Chromium chromium = Chromium.start("en")) {
                WebDriver driver = chromium.driver();
                driver.get(stack.doorUrl() + "/");
                signInWithMicrosoft(driver, stack, email);
                waitFor(driver, d -> d.getPageSource().contains("has not been invited"));
                assertThat(driver.getCurrentUrl()).startsWith(stack.issuer());
                driver.get(stack.doorUrl() + "/");
                awaitKeycloakSignIn(driver, stack);
            }
            assertThat(stack.realm().users().searchByEmail(email, true)).isEmpty();
        }
    }

    @Nested
    class GivenAPasswordInvitation {

        @Test
        void theInviteeSetsAPasswordAndLandsInFlowise(FlowiseStack stack) {
            String email = newEmail("password");
            String link = invite(stack, email, "PASSWORD", "member");
            try (Chromium chromium = Chromium.start("en")) {
                WebDriver driver = chromium.driver();
                driver.get(link);
                driver.findElement(By.id("invitation-accept")).click();
                waitFor(driver, d -> !d.findElements(By.id("password-new")).isEmpty());
                driver.findElement(By.id("password-new")).sendKeys("correct horse battery staple");
                driver.findElement(By.id("password-confirm")).sendKeys("correct horse battery staple");
                driver.findElement(By.cssSelector("form [type=submit]")).click();
                awaitFlowiseUi(driver, stack);
                assertThat(api(driver, "GET", "/api/v1/chatflows", null)).isEqualTo(200);
            }
            assertThat(onlyAccount(stack, email).getAttributes()).containsEntry("login_type", List.of("PASSWORD"));
        }
    }

    @Nested
    class GivenASignedInPerson {

        @Test
        void flowisesLogoutEndsTheDoorsAndKeycloaksSessionsAndTheNextVisitAsksKeycloak(FlowiseStack stack) {
            String email = newEmail("logout");
            try (Chromium chromium = enrolled(stack, email, "member")) {
                WebDriver driver = chromium.driver();
                awaitFlowiseUi(driver, stack);
                clickFlowiseLogout(driver);
                waitFor(driver, d -> !d.findElements(By.id("door-signed-out")).isEmpty());
                chromium.screenshot("flowise-2-signed-out");
                assertThat(driver.getCurrentUrl()).isEqualTo(stack.doorUrl() + "/sso/signed-out");

                driver.get(stack.doorUrl() + "/");
                awaitKeycloakSignIn(driver, stack);
                assertThat(api(driver, "GET", stack.doorUrl() + "/api/v1/chatflows", null)).as("no Flowise access left").isNotEqualTo(200);
            }
            String userId = onlyAccount(stack, email).getId();
            assertThat(stack.realm().users().get(userId).getUserSessions()).as("Keycloak session ended").isEmpty();
        }

        @Test
        void anAdminDisablesThePersonAndTheyAreOutWithinAMinute(FlowiseStack stack) {
            String email = newEmail("disabled");
            try (Chromium chromium = enrolled(stack, email, "admin")) {
                WebDriver driver = chromium.driver();
                awaitFlowiseUi(driver, stack);
                UserRepresentation user = onlyAccount(stack, email);
                user.setEnabled(false);
                stack.realm().users().get(user.getId()).update(user);

                assertOutWithinAMinute(driver, stack, Instant.now(), "disabled");
            }
        }

        /** Entra unassigns the person: SCIM removal disables the account and ends its sessions; the door follows. */
        @Test
        void entraRemovesThePersonThroughScimAndTheyAreOutWithinAMinute(FlowiseStack stack) {
            String email = newEmail("scim-removed");
            InvitationApi.Answer issued = stack.invitationApi().send("POST", "flowise", "/scim/tokens", null, null, Map.of());
            assertThat(issued.status()).as(issued.toString()).isEqualTo(201);
            ScimHttp scim = new ScimHttp(stack.keycloak().baseUrl() + "/realms/flowise/scim/v2", (String) issued.json().get("token"));
            try (Chromium chromium = enrolled(stack, email, "member")) {
                WebDriver driver = chromium.driver();
                awaitFlowiseUi(driver, stack);
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> found = (List<Map<String, Object>>) scim.send("GET",
                    "/Users?filter=" + InvitationApi.q("userName eq \"" + email + "\""), null).json().get("Resources");
                assertThat(found).hasSize(1);

                assertThat(scim.send("DELETE", "/Users/" + found.get(0).get("id"), null).status()).isEqualTo(204);

                assertOutWithinAMinute(driver, stack, Instant.now(), "removed in Entra");
            }
        }

        private void assertOutWithinAMinute(WebDriver driver, FlowiseStack stack, Instant since, String what) {
            Duration out = null;
            while (Duration.between(since, Instant.now()).compareTo(Duration.ofSeconds(75)) < 0) {
                if (api(driver, "GET", "/api/v1/chatflows", null) != 200) {
                    out = Duration.between(since, Instant.now());
                    break;
                }
                driver.navigate().refresh(); // what a person does; each load also asks the door
            }
            System.out.printf("[door] %s: refused after %s%n", what, out);
            assertThat(out).as("refused within 60 s of being " + what).isNotNull().isLessThan(Duration.ofSeconds(60));
            driver.get(stack.doorUrl() + "/");
            waitFor(driver, d -> d.getCurrentUrl().startsWith(stack.issuer()));
            assertThat(driver.getPageSource()).doesNotContain("Chatflows");
        }
    }

    @Nested
    class RolesAtTheDoor {

        @Test
        void aViewerReadsButCannotWrite(FlowiseStack stack) {
            try (Chromium chromium = enrolled(stack, newEmail("viewer"), "viewer")) {
                WebDriver driver = chromium.driver();
                awaitFlowiseUi(driver, stack);
                assertThat(api(driver, "GET", "/api/v1/chatflows", null)).isEqualTo(200);
                assertThat(api(driver, "POST", "/api/v1/chatflows", newChatflow("viewer-write"))).isEqualTo(403);
                assertThat(api(driver, "GET", "/api/v1/apikey", null)).isEqualTo(403);
            }
            assertThat(chatflowNamed(stack, "viewer-write")).as("nothing written").isFalse();
        }

        @Test
        void aMemberBuildsFlowsButNeverSeesKeysVariablesOrTheAccount(FlowiseStack stack) {
            try (Chromium chromium = enrolled(stack, newEmail("member"), "member")) {
                WebDriver driver = chromium.driver();
                awaitFlowiseUi(driver, stack);
                assertThat(api(driver, "POST", "/api/v1/chatflows", newChatflow("member-flow"))).isEqualTo(200);
                assertThat(api(driver, "GET", "/api/v1/credentials", null)).as("names to pick in a flow").isEqualTo(200);
                assertThat(api(driver, "POST", "/api/v1/credentials", "{}")).isEqualTo(403);
                assertThat(api(driver, "GET", "/api/v1/apikey", null)).isEqualTo(403);
                assertThat(api(driver, "GET", "/api/v1/variables", null)).isEqualTo(403);
                assertThat(api(driver, "POST", "/api/v1/export-import/export", "{}")).isEqualTo(403);
                driver.get(stack.doorUrl() + "/apikey");
                waitFor(driver, d -> !d.findElements(By.id("door-forbidden")).isEmpty());
                chromium.screenshot("flowise-3-member-refused-api-keys");
            }
            assertThat(chatflowNamed(stack, "member-flow")).isTrue();
        }

        @Test
        void anAdminDoesEverythingButChangeTheBridgesAccount(FlowiseStack stack) {
            try (Chromium chromium = enrolled(stack, newEmail("admin"), "admin")) {
                WebDriver driver = chromium.driver();
                awaitFlowiseUi(driver, stack);
                assertThat(api(driver, "GET", "/api/v1/apikey", null)).isEqualTo(200);
                assertThat(api(driver, "GET", "/api/v1/variables", null)).isEqualTo(200);
                assertThat(api(driver, "PUT", "/api/v1/user", "{\"name\":\"taken over\"}")).isEqualTo(403);
            }
            FlowiseDirect.signedIn(stack); // the bridge's account still signs in
        }

        @Test
        void someoneWithoutARoleGetsTheDoorsRefusalPage(FlowiseStack stack) {
            try (Chromium chromium = enrolled(stack, newEmail("norole"))) {
                WebDriver driver = chromium.driver();
                waitFor(driver, d -> !d.findElements(By.id("door-forbidden")).isEmpty());
                chromium.screenshot("flowise-4-no-role");
                assertThat(driver.getPageSource()).doesNotContain("Chatflows");
                assertThat(api(driver, "GET", "/api/v1/chatflows", null)).isEqualTo(403);
            }
        }
    }

    @Nested
    class FlowisesOwnSignInIsClosed {

        @Test
        void registrationSignInAndPasswordResetAreRefusedFromOutside(FlowiseStack stack) throws Exception {
            String stranger = newEmail("claimer");
            for (String path : List.of("/api/v1/account/register", "/api/v1/auth/login", "/api/v1/account/forgot-password",
                    "/api/v1/account/reset-password", "/api/v1/loginmethod")) {
                HttpResponse<String> answer = post(stack.doorUrl() + path,
                    "{\"user\":{\"name\":\"x\",\"email\":\"" + stranger + "\",\"credential\":\"Aa1!aaaaaaaa\"},"
                        + "\"email\":\"" + stranger + "\",\"password\":\"Aa1!aaaaaaaa\"}", Map.of());
                assertThat(answer.statusCode()).as(path).isEqualTo(403);
            }
            // Flowise still has its one account, the bridge's; the stranger has none.
            assertThat(FlowiseDirect.anonymous(stack).send("POST", "/api/v1/auth/login",
                Map.of("email", stranger, "password", "Aa1!aaaaaaaa")).statusCode()).isEqualTo(404);
            FlowiseDirect.signedIn(stack);
        }

        @Test
        void flowisesSignInAndSetupPagesSendTheBrowserToTheSsoSignIn(FlowiseStack stack) throws Exception {
            for (String page : List.of("/signin", "/login", "/register", "/organization-setup", "/forgot-password", "/reset-password")) {
                HttpResponse<String> answer = get(stack.doorUrl() + page, Map.of());
                assertThat(answer.statusCode()).as(page).isEqualTo(302);
                assertThat(answer.headers().firstValue("Location").orElse("")).as(page).endsWith("/sso/signin");
            }
        }

        @Test
        void aForgedIdentityHeaderGetsNobodyIn(FlowiseStack stack) throws Exception {
            HttpResponse<String> answer = get(stack.doorUrl() + "/sso/signin", Map.of("Accept", "text/html", "OIDC_access_token", "forged",
                "X-Forwarded-User", "admin", "X-Forwarded-Email", "admin@example.com"));
            assertThat(answer.statusCode()).isEqualTo(302);
            assertThat(answer.headers().firstValue("Location").orElse("")).startsWith(stack.issuer() + "/protocol/openid-connect/auth");
            assertThat(answer.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("token=") || c.startsWith("connect.sid="));
        }

        @Test
        void aBridgeThatCannotSignIntoFlowisesAccountRefusesToStart(FlowiseStack stack) throws Exception {
            Map<String, String> env = stack.bridgeEnvironment();
            env.put("BRIDGE_PORT", String.valueOf(io.github.flowisesso.testsupport.FreePorts.next()));
            env.put("FLOWISE_ACCOUNT_PASSWORD", "Other-" + UUID.randomUUID());
            ChildProcess impostor = stack.startBridge(env, "bridge-refused");
            assertThat(impostor.awaitExit(Duration.ofSeconds(60))).isNotZero();
            assertThat(impostor.tail()).contains("already has an account the bridge cannot sign into");
        }
    }

    @Nested
    class ApiClientsKeepWorking {

        @Test
        void flowisesPublicRoutesPassWithoutSso(FlowiseStack stack) throws Exception {
            FlowiseDirect flowise = FlowiseDirect.signedIn(stack);
            JsonNode chatflow = flowise.json("POST", "/api/v1/chatflows", Map.of("name", "public-" + UUID.randomUUID(),
                "flowData", "{\"nodes\":[],\"edges\":[]}", "type", "CHATFLOW", "isPublic", true, "deployed", true));
            String id = chatflow.get("id").asText();

            HttpResponse<String> ping = get(stack.doorUrl() + "/api/v1/ping", Map.of());
            assertThat(ping.statusCode()).isEqualTo(200);
            assertThat(ping.body()).isEqualTo("pong");
            assertThat(get(stack.doorUrl() + "/api/v1/version", Map.of()).statusCode()).isEqualTo(200);
            assertThat(get(stack.doorUrl() + "/api/v1/public-chatbotConfig/" + id, Map.of()).statusCode()).isEqualTo(200);
            assertThat(get(stack.doorUrl() + "/api/v1/public-chatflows/" + id, Map.of()).statusCode()).isEqualTo(200);
            HttpResponse<String> embed = get(stack.doorUrl() + "/chatbot/" + id, Map.of());
            assertThat(embed.statusCode()).isEqualTo(200);
            assertThat(embed.body()).contains("<div id=\"root\">");
            // Webhooks and predictions reach Flowise, which answers for itself (here: a flow without nodes).
            assertThat(post(stack.doorUrl() + "/api/v1/webhook/" + id, "{}", Map.of()).statusCode()).isNotIn(302, 401, 403);
            assertThat(post(stack.doorUrl() + "/api/v1/prediction/" + id, "{\"question\":\"hi\"}", Map.of()).body())
                .contains("Ending nodes not found");
        }

        @Test
        void aPredictionWithAnApiKeyPassesAndFlowiseChecksTheKey(FlowiseStack stack) throws Exception {
            FlowiseDirect flowise = FlowiseDirect.signedIn(stack);
            JsonNode keys = flowise.json("POST", "/api/v1/apikey", Map.of("keyName", "client-" + UUID.randomUUID(),
                "permissions", List.of("chatflows:view")));
            JsonNode key = keys.get(keys.size() - 1);
            for (JsonNode candidate : keys) {
                if (candidate.get("updatedDate").asText().compareTo(key.get("updatedDate").asText()) > 0) {
                    key = candidate;
                }
            }
            JsonNode chatflow = flowise.json("POST", "/api/v1/chatflows", Map.of("name", "keyed-" + UUID.randomUUID(),
                "flowData", "{\"nodes\":[],\"edges\":[]}", "type", "CHATFLOW"));
            String id = chatflow.get("id").asText();
            flowise.json("PUT", "/api/v1/chatflows/" + id, Map.of("apikeyid", key.get("id").asText()));

            // API clients check their key at Flowise's public verify route, through the door, without SSO.
            String apiKey = key.get("apiKey").asText();
            assertThat(get(stack.doorUrl() + "/api/v1/verify/apikey/" + apiKey, Map.of()).statusCode()).isEqualTo(200);
            assertThat(get(stack.doorUrl() + "/api/v1/verify/apikey/wrong-key", Map.of()).statusCode())
                .as("Flowise's own key check, reached through the door").isEqualTo(401);
            // The keyed prediction reaches Flowise's prediction handler, which answers for itself: this flow has no nodes.
            HttpResponse<String> prediction = post(stack.doorUrl() + "/api/v1/prediction/" + id, "{\"question\":\"hi\"}",
                Map.of("Authorization", "Bearer " + apiKey));
            assertThat(prediction.body()).as(prediction.statusCode() + "").contains("Ending nodes not found");
        }

        @Test
        void everyOtherPathNeedsSso(FlowiseStack stack) throws Exception {
            HttpResponse<String> api = get(stack.doorUrl() + "/api/v1/chatflows", Map.of("Accept", "application/json"));
            assertThat(api.statusCode()).isEqualTo(401);
            HttpResponse<String> page = get(stack.doorUrl() + "/", Map.of("Accept", "text/html"));
            assertThat(page.statusCode()).isEqualTo(302);
            HttpResponse<String> signIn = get(stack.doorUrl() + page.headers().firstValue("Location").orElseThrow()
                .replaceFirst("^https?://[^/]+", ""), Map.of("Accept", "text/html"));
            assertThat(signIn.headers().firstValue("Location").orElse("")).startsWith(stack.issuer() + "/protocol/openid-connect/auth");
            assertThat(get(stack.doorUrl() + "/api/v1/apikey", Map.of("Accept", "application/json", "x-request-from", "internal"))
                .statusCode()).isEqualTo(401);
        }
    }

    // --- helpers ---

    private static UserRepresentation onlyAccount(FlowiseStack stack, String email) {
        List<UserRepresentation> users = stack.realm().users().searchByEmail(email, true);
        assertThat(users).hasSize(1);
        return users.get(0);
    }

    private static String newChatflow(String name) {
        return "{\"name\":\"" + name + "\",\"flowData\":\"{\\\"nodes\\\":[],\\\"edges\\\":[]}\",\"type\":\"CHATFLOW\"}";
    }

    private static boolean chatflowNamed(FlowiseStack stack, String name) {
        for (JsonNode flow : FlowiseDirect.signedIn(stack).json("GET", "/api/v1/chatflows", null)) {
            if (flow.get("name").asText().equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static HttpResponse<String> get(String url, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
        headers.forEach(request::header);
        return PLAIN.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String url, String json, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        headers.forEach(request::header);
        return PLAIN.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
