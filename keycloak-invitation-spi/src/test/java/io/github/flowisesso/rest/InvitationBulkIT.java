package io.github.flowisesso.rest;

import static io.github.flowisesso.rest.ApiFixtures.REALM;
import static io.github.flowisesso.rest.ApiFixtures.newEmail;
import static io.github.flowisesso.rest.ApiFixtures.sha256;
import static io.github.flowisesso.testsupport.InvitationApi.q;
import static org.assertj.core.api.Assertions.assertThat;
import io.github.flowisesso.testsupport.InvitationApi.Answer;
import io.github.flowisesso.testsupport.TestEnvironment;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The invitation admin API: bulk invitations from JSON and CSV. */
class InvitationBulkIT extends InvitationApiTestBase {

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
}
