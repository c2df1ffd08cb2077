package io.github.flowisesso.rest;

import static io.github.flowisesso.rest.ApiFixtures.BARE_REALM;
import static io.github.flowisesso.rest.ApiFixtures.REALM;
import static io.github.flowisesso.rest.ApiFixtures.SMTP_DOWN_REALM;
import static io.github.flowisesso.rest.ApiFixtures.newEmail;
import static io.github.flowisesso.rest.ApiFixtures.sha256;
import static io.github.flowisesso.testsupport.InvitationApi.q;
import static io.github.flowisesso.testsupport.Invitations.invite;
import static org.assertj.core.api.Assertions.assertThat;
import io.github.flowisesso.testsupport.Eventually;
import io.github.flowisesso.testsupport.InvitationApi.Answer;
import io.github.flowisesso.testsupport.Invitations.Seeded;
import io.github.flowisesso.testsupport.TestEnvironment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.idm.AdminEventRepresentation;

/** The invitation admin API: resending and revoking, and what happens when the email cannot be sent. */
class InvitationResendRevokeIT extends InvitationApiTestBase {

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
    class WhenTheMailServerIsDown {

        @Test
        void theInvitationIsStoredAndItsEmailWaitsWithTheCause(TestEnvironment env) {
            String email = newEmail();

            Answer answer = env.invitationApi().create(SMTP_DOWN_REALM, Map.of("email", email, "loginType", "PASSWORD"));

            assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
            assertThat(answer.json()).containsEntry("status", "PENDING").doesNotContainKey("link");
            assertThat(delivery(answer.json())).containsEntry("status", "QUEUED");
            String id = (String) answer.json().get("id");
            Map<String, Object> failed = Eventually.until("a failed try", Duration.ofSeconds(30),
                () -> delivery(env.invitationApi().get(SMTP_DOWN_REALM, "/" + id).json()),
                d -> ((Number) d.get("attempts")).intValue() >= 1 && d.containsKey("lastError"));
            assertThat(failed).containsEntry("status", "QUEUED").containsKey("nextAttemptAt");
            assertThat((String) failed.get("lastError")).as("the network's own words").containsIgnoringCase("refused");
            assertThat(adminEvents(env, SMTP_DOWN_REALM, "CREATE", "invitations/*"))
                .anyMatch(e -> e.getRepresentation() != null && e.getRepresentation().contains(email));
        }

        @Test
        void aResendStopsThePreviousLinkAtOnceAndQueuesTheNewOne(TestEnvironment env) {
            Seeded seeded = env.invitations().seed(invite(newEmail()).inRealm(SMTP_DOWN_REALM).loginType("PASSWORD").identityProvider(null));

            Answer answer = env.invitationApi().resend(SMTP_DOWN_REALM, seeded.id(), null);

            assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
            assertThat(answer.json()).doesNotContainKey("link");
            assertThat(delivery(answer.json())).containsEntry("status", "QUEUED").containsEntry("attempts", 0);
            assertThat(env.invitations().get(SMTP_DOWN_REALM, seeded.id()).get("tokenHash"))
                .as("the previous link stopped working").isNotEqualTo(sha256(seeded.token()));
        }
    }

    @Nested
    class WhenTheRealmHasNoMailServer {

        @Test
        void creatingWithEmailIsRefusedNamingSendEmailAndStoresNothing(TestEnvironment env) {
            String email = newEmail();

            Answer answer = env.invitationApi().create(BARE_REALM, Map.of("email", email, "loginType", "PASSWORD"));

            assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
            assertThat(answer.json()).containsEntry("error", "invalid_request").containsEntry("field", "sendEmail");
            assertThat((String) answer.json().get("error_description")).contains("no email server");
            assertThat(env.invitationApi().count(BARE_REALM, "email=" + q(email))).isZero();
            assertThat(adminEvents(env, BARE_REALM, "CREATE", "invitations/*"))
                .noneMatch(e -> e.getRepresentation() != null && e.getRepresentation().contains(email));

            Answer withoutEmail = env.invitationApi().create(BARE_REALM, Map.of("email", email, "loginType", "PASSWORD", "sendEmail", false));
            assertThat(withoutEmail.status()).as("the same invitation without email").isEqualTo(201);
            assertThat(delivery(withoutEmail.json())).containsEntry("status", "NONE");
        }

        @Test
        void resendingWithEmailIsRefusedAndKeepsTheLink(TestEnvironment env) {
            Seeded seeded = env.invitations().seed(invite(newEmail()).inRealm(BARE_REALM).loginType("PASSWORD").identityProvider(null));
            Map<String, Object> before = env.invitations().get(BARE_REALM, seeded.id());

            Answer answer = env.invitationApi().resend(BARE_REALM, seeded.id(), null);

            assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
            assertThat(answer.json()).containsEntry("field", "sendEmail");
            assertThat(env.invitations().get(BARE_REALM, seeded.id())).isEqualTo(before)
                .containsEntry("tokenHash", sha256(seeded.token()));
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> delivery(Map<String, Object> invitation) {
        return (Map<String, Object>) invitation.get("delivery");
    }
}
