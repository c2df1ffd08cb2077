package io.github.flowisesso.rest;

import static io.github.flowisesso.rest.ApiFixtures.BARE_REALM;
import static io.github.flowisesso.rest.ApiFixtures.REALM;
import static io.github.flowisesso.rest.ApiFixtures.newEmail;
import static io.github.flowisesso.testsupport.InvitationApi.q;
import static io.github.flowisesso.testsupport.Invitations.invite;
import static org.assertj.core.api.Assertions.assertThat;
import io.github.flowisesso.testsupport.InvitationApi;
import io.github.flowisesso.testsupport.InvitationApi.Answer;
import io.github.flowisesso.testsupport.Invitations.Seeded;
import io.github.flowisesso.testsupport.TestEnvironment;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The invitation admin API: reading invitations, and the retention of long-expired ones. */
class InvitationListIT extends InvitationApiTestBase {

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
}
