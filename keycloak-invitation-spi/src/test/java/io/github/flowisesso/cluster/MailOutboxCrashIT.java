package io.github.flowisesso.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flowisesso.testsupport.EntraStandIn;
import io.github.flowisesso.testsupport.Eventually;
import io.github.flowisesso.testsupport.FlowiseStub;
import io.github.flowisesso.testsupport.InvitationApi;
import io.github.flowisesso.testsupport.Invitations;
import io.github.flowisesso.testsupport.KeycloakServer;
import io.github.flowisesso.testsupport.Mailbox;
import io.github.flowisesso.testsupport.TestEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.RealmRepresentation;

/**
 * The invitation email outbox when Keycloak itself goes away: a graceful restart with mails waiting, and a
 * {@code kill -9} while mails are being sent. A server of its own (it is restarted and killed), on the database the
 * run is given. Slow: runs with the deployment tests ({@code -Dit.cluster=true}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MailOutboxCrashIT {

    private static final Pattern TOKEN = Pattern.compile("/invitations/accept\\?token=([A-Za-z0-9_-]{43})");
    /** Mails one node can hold at once: its senders × the mails each takes per transaction (MailOutbox.BATCH). */
    private static final int HELD_AT_ONCE = TestEnvironment.MAIL_SENDERS * 10;

    private EntraStandIn entra;
    private FlowiseStub flowise;
    private KeycloakServer server;
    private Keycloak admin;
    private InvitationApi api;
    private Invitations invitations;

    @BeforeAll
    void start() {
        Assumptions.assumeTrue(Boolean.getBoolean("it.cluster"), "crash tests run only with -Dit.cluster=true");
        entra = new EntraStandIn(0);
        flowise = new FlowiseStub();
        String adminSecret = UUID.randomUUID().toString();
        Map<String, String> env = TestEnvironment.serverEnvironment(entra, flowise, UUID.randomUUID().toString(), adminSecret);
        Path dist = Path.of(System.getProperty("keycloak.dist.dir"));
        Path work = dist.getParent().resolve("outbox-crash");
        ClusterSupport.copyDistribution(dist, work.resolve("keycloak"));
        server = new KeycloakServer(new KeycloakServer.Settings(work.resolve("keycloak"), Path.of(System.getProperty("repo.root")),
            List.of(Path.of(System.getProperty("provider.jar")), Path.of(System.getProperty("test.support.jar"))),
            KeycloakServer.Database.fromSystemProperties(), env, work.resolve("logs"), 0, true)).start();
        admin = TestEnvironment.adminClient(server, adminSecret);
        api = TestEnvironment.invitationApi(server, admin);
        invitations = new Invitations(server.baseUrl(), admin);
    }

    @AfterAll
    void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {admin, server, flowise, entra}) {
            if (closeable != null) {
                try {
                    closeable.close();
                } catch (Exception ignored) {
                    // best effort
                }
            }
        }
    }

    @Test
    void mailsWaitingForADownMailServerGoOutExactlyOnceAfterAKeycloakRestart() {
        try (Mailbox mailbox = Mailbox.down()) {
            String realm = realmSendingTo(mailbox);
            List<String> emails = invite(realm, "restart", 20);
            Eventually.until("a failed try of every mail", Duration.ofSeconds(60), () -> all(realm),
                list -> list.size() == 20 && list.stream().allMatch(i -> ((Number) delivery(i).get("attempts")).intValue() >= 1));

            server.restart();
            mailbox.comeBack();

            Eventually.until("every mail sent", Duration.ofSeconds(90), () -> all(realm),
                list -> list.stream().allMatch(i -> "SENT".equals(delivery(i).get("status"))));
            for (String email : emails) {
                assertThat(mailbox.to(email)).as("mails to " + email).hasSize(1);
                assertLiveLink(realm, email, mailbox);
            }
        }
    }

    @Test
    void aKillMidSendingLosesNoMailAndTheNewestMailCarriesTheLinkThatWorks() {
        try (Mailbox mailbox = new Mailbox()) {
            String realm = realmSendingTo(mailbox);
            int total = 1_000;
            List<String> emails = invite(realm, "kill", total);
            mailbox.awaitReceived(50, Duration.ofSeconds(60));

            server.kill();
            int beforeKill = mailbox.received().size();
            Assumptions.assumeTrue(beforeKill < total, "the kill came after the last mail: nothing was in the middle");
            server.startAgain();

            Eventually.until("every mail sent", Duration.ofMinutes(5), () -> all(realm),
                list -> list.size() == total && list.stream().allMatch(i -> "SENT".equals(delivery(i).get("status"))));
            int received = mailbox.received().size();
            System.out.printf("[outbox] kill -9 after %d of %d mails; %d mails in all (%d again)%n", beforeKill, total,
                received, received - total);
            assertThat(received - total).as("mails sent twice: at most what the node held when it died")
                .isBetween(0, HELD_AT_ONCE);
            for (String email : emails) {
                assertThat(mailbox.to(email)).as("mails to " + email).isNotEmpty();
                assertLiveLink(realm, email, mailbox);
            }
        }
    }

    /** The newest mail to this address carries the link the invitation now accepts. */
    private void assertLiveLink(String realm, String email, Mailbox mailbox) {
        List<Mailbox.Mail> mails = mailbox.to(email);
        Matcher token = TOKEN.matcher(mails.get(mails.size() - 1).text());
        assertThat(token.find()).isTrue();
        String id = (String) api.get(realm, "?email=" + InvitationApi.q(email)).jsonList().get(0).get("id");
        assertThat(invitations.get(realm, id)).containsEntry("tokenHash", Invitations.sha256(token.group(1)));
    }

    private String realmSendingTo(Mailbox mailbox) {
        String name = "crash-" + UUID.randomUUID().toString().substring(0, 8);
        RealmRepresentation realm = new RealmRepresentation();
        realm.setRealm(name);
        realm.setEnabled(true);
        realm.setEmailTheme("flowise-sso");
        realm.setSmtpServer(mailbox.smtpSettings());
        admin.realms().create(realm);
        return name;
    }

    private List<String> invite(String realm, String prefix, int n) {
        List<String> emails = new ArrayList<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String email = prefix + "-" + i + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
            emails.add(email);
            rows.add(Map.of("email", email, "loginType", "PASSWORD"));
        }
        InvitationApi.Answer answer = api.bulkJson(realm, rows, "?sendEmail=true");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.json()).containsEntry("created", n);
        return emails;
    }

    /** Every invitation of the realm, page by page. */
    private List<Map<String, Object>> all(String realm) {
        List<Map<String, Object>> all = new ArrayList<>();
        String after = "";
        while (true) {
            List<Map<String, Object>> page = api.get(realm, "?max=1000" + after).jsonList();
            all.addAll(page);
            if (page.size() < 1000) {
                return all;
            }
            Map<String, Object> last = page.get(page.size() - 1);
            after = "&after=" + ((Number) last.get("createdAt")).longValue() + ":" + last.get("id");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> delivery(Map<String, Object> invitation) {
        return (Map<String, Object>) invitation.get("delivery");
    }
}
