package io.github.flowisesso.email;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flowisesso.testsupport.Eventually;
import io.github.flowisesso.testsupport.InvitationApi.Answer;
import io.github.flowisesso.testsupport.Invitations;
import io.github.flowisesso.testsupport.KeycloakExtension;
import io.github.flowisesso.testsupport.Mailbox;
import io.github.flowisesso.testsupport.TestEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.representations.idm.RealmRepresentation;

/**
 * The invitation email outbox on a running Keycloak: mail goes out after the request, survives a mail server that is
 * down for a while, arrives exactly once, and carries the one link that works. Each test has its own realm and mail
 * server, so that it sees only its own mail.
 */
@ExtendWith(KeycloakExtension.class)
class MailOutboxIT {

    private static final Pattern TOKEN = Pattern.compile("/invitations/accept\\?token=([A-Za-z0-9_-]{43})");

    private Mailbox mailbox;
    private String realm;

    @BeforeEach
    void realmWithItsOwnMailServer(TestEnvironment env) {
        mailbox = Mailbox.down();
        realm = "outbox-" + UUID.randomUUID().toString().substring(0, 8);
        RealmRepresentation rep = new RealmRepresentation();
        rep.setRealm(realm);
        rep.setEnabled(true);
        rep.setEmailTheme("flowise-sso");
        rep.setSmtpServer(mailbox.smtpSettings());
        env.admin().realms().create(rep);
    }

    @AfterEach
    void removeRealm(TestEnvironment env) {
        env.admin().realm(realm).remove();
        mailbox.close();
    }

    @Nested
    class WhenTheMailServerIsDownForAWhile {

        @Test
        void everyInvitationStillGetsItsEmailExactlyOnceWithTheLinkThatWorks(TestEnvironment env) {
            List<String> emails = IntStream.range(0, 30).mapToObj(i -> "down-" + i + "-" + UUID.randomUUID() + "@example.com").toList();
            Map<String, String> ids = new HashMap<>();
            for (String email : emails.subList(0, 10)) {
                Answer created = env.invitationApi().create(realm, Map.of("email", email, "loginType", "PASSWORD"));
                assertThat(created.status()).as(created.toString()).isEqualTo(201);
                ids.put(email, (String) created.json().get("id"));
            }
            Answer bulk = env.invitationApi().bulkJson(realm,
                emails.subList(10, 30).stream().map(e -> Map.of("email", e, "loginType", "PASSWORD")).toList(), "?sendEmail=true");
            assertThat(bulk.status()).as(bulk.toString()).isEqualTo(200);
            assertThat(bulk.json()).containsEntry("created", 20);
            listAll(env).forEach(i -> ids.putIfAbsent((String) i.get("email"), (String) i.get("id")));

            // Every mail has failed at least once: the server was down, and nothing was lost by that.
            Eventually.until("a failed try of every mail", Duration.ofSeconds(60), () -> listAll(env),
                all -> all.size() == 30 && all.stream().allMatch(i -> attempts(i) >= 1 && delivery(i).containsKey("lastError")));
            assertThat(mailbox.received()).isEmpty();

            mailbox.comeBack();

            List<Map<String, Object>> sent = Eventually.until("every mail sent", Duration.ofSeconds(60), () -> listAll(env),
                all -> all.stream().allMatch(i -> "SENT".equals(delivery(i).get("status"))));
            assertThat(sent).allSatisfy(i -> assertThat(delivery(i)).containsKey("sentAt").doesNotContainKey("lastError"));
            for (String email : emails) {
                List<Mailbox.Mail> mails = mailbox.to(email);
                assertThat(mails).as("mails to " + email).hasSize(1);
                assertThat(env.invitations().get(realm, ids.get(email)))
                    .as("the mailed link is the invitation's live one").containsEntry("tokenHash", Invitations.sha256(tokenIn(mails.get(0))));
            }
        }

        @Test
        void anInvitationRevokedMeanwhileGetsNoEmail(TestEnvironment env) {
            String revoked = "revoked-" + UUID.randomUUID() + "@example.com";
            String kept = "kept-" + UUID.randomUUID() + "@example.com";
            String revokedId = (String) env.invitationApi().create(realm, Map.of("email", revoked, "loginType", "PASSWORD")).json().get("id");
            String keptId = (String) env.invitationApi().create(realm, Map.of("email", kept, "loginType", "PASSWORD")).json().get("id");

            assertThat(env.invitationApi().delete(realm, revokedId).status()).isEqualTo(204);
            assertThat(delivery(get(env, revokedId))).as("nothing left to send").containsEntry("status", "NONE");
            mailbox.comeBack();

            Eventually.until("the kept invitation's mail sent", Duration.ofSeconds(60), () -> get(env, keptId),
                i -> "SENT".equals(delivery(i).get("status")));
            assertThat(mailbox.to(kept)).hasSize(1);
            assertThat(mailbox.to(revoked)).isEmpty();
            assertThat(get(env, revokedId)).containsEntry("status", "REVOKED");
            assertThat(delivery(get(env, revokedId))).containsEntry("status", "NONE");
        }
    }

    @Nested
    class WhenAnAdminInvitesTenThousandPeopleWithEmail {

        /**
         * Ten thousand rows with sendEmail=true cost about what they cost without (the mails go out afterwards), and
         * every one of the 10,000 mails arrives. Both calls in one run, as a ratio.
         */
        @Test
        void theCallAnswersAsFastAsWithoutEmailAndEveryMailArrives(TestEnvironment env) {
            mailbox.comeBack();
            // Both paths warmed up first; then the mailed call before the plain one, so that the mailed call is not
            // the one on the warmer server (the plain call holds the node's mail workers too, as every bulk call does).
            assertThat(env.invitationApi().bulkJson(realm, rows("warm", 500), "?sendEmail=false").status()).isEqualTo(200);
            assertThat(env.invitationApi().bulkJson(realm, rows("early", 500), "?sendEmail=true").status()).isEqualTo(200);
            mailbox.awaitReceived(500, Duration.ofMinutes(2));

            List<Map<String, Object>> mailed = rows("mailed", 10_000);
            long withStart = System.nanoTime();
            Answer with = env.invitationApi().bulkJson(realm, mailed, "?sendEmail=true");
            long withNanos = System.nanoTime() - withStart;
            long withoutStart = System.nanoTime();
            Answer without = env.invitationApi().bulkJson(realm, rows("plain", 10_000), "?sendEmail=false");
            long withoutNanos = System.nanoTime() - withoutStart;

            assertThat(without.json()).containsEntry("created", 10_000);
            assertThat(with.json()).containsEntry("created", 10_000);
            double ratio = (double) withNanos / withoutNanos;
            System.out.printf("[outbox] bulk 10,000: without email %d ms, with email %d ms, ratio %.2f%n",
                withoutNanos / 1_000_000, withNanos / 1_000_000, ratio);
            assertThat(ratio).as("sendEmail=true ÷ sendEmail=false").isLessThan(1.5);

            long sendStart = System.nanoTime();
            mailbox.awaitReceived(10_500, Duration.ofMinutes(10));
            long sendMillis = (System.nanoTime() - sendStart) / 1_000_000;
            System.out.printf("[outbox] 10,000 mails arrived %d ms after the call (%.0f mails/s)%n", sendMillis,
                10_000 * 1000.0 / Math.max(1, sendMillis));
            Eventually.until("every mail recorded as sent", Duration.ofSeconds(60), () -> everyMailed(env),
                all -> all.size() == 10_000 && all.stream().allMatch(i -> "SENT".equals(delivery(i).get("status"))));
            assertThat(mailbox.received()).as("each exactly once").hasSize(10_500);
            assertThat(mailbox.received().stream().map(m -> {
                try {
                    return m.getAllRecipients()[0].toString();
                } catch (jakarta.mail.MessagingException e) {
                    throw new IllegalStateException(e);
                }
            }).distinct()).hasSize(10_500);
        }

        /** Every invitation of the mailed call, page by page (keyset cursor). */
        private List<Map<String, Object>> everyMailed(TestEnvironment env) {
            List<Map<String, Object>> all = new ArrayList<>();
            String after = "";
            while (true) {
                List<Map<String, Object>> page = env.invitationApi().get(realm, "?email=mailed-&max=1000" + after).jsonList();
                all.addAll(page);
                if (page.size() < 1000) {
                    return all;
                }
                Map<String, Object> last = page.get(page.size() - 1);
                after = "&after=" + ((Number) last.get("createdAt")).longValue() + ":" + last.get("id");
            }
        }

        private static List<Map<String, Object>> rows(String prefix, int n) {
            String run = UUID.randomUUID().toString().substring(0, 8);
            List<Map<String, Object>> rows = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                rows.add(Map.of("email", prefix + "-" + i + "-" + run + "@example.com", "loginType", "PASSWORD"));
            }
            return rows;
        }
    }

    private List<Map<String, Object>> listAll(TestEnvironment env) {
        return env.invitationApi().get(realm, "?max=1000").jsonList();
    }

    private Map<String, Object> get(TestEnvironment env, String id) {
        return env.invitationApi().get(realm, "/" + id).json();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> delivery(Map<String, Object> invitation) {
        return (Map<String, Object>) invitation.get("delivery");
    }

    static int attempts(Map<String, Object> invitation) {
        return ((Number) delivery(invitation).get("attempts")).intValue();
    }

    static String tokenIn(Mailbox.Mail mail) {
        Matcher matcher = TOKEN.matcher(mail.text());
        assertThat(matcher.find()).as("an invitation link in:\n" + mail.text()).isTrue();
        return matcher.group(1);
    }
}
