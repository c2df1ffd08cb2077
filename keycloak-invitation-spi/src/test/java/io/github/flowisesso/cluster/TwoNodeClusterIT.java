package io.github.flowisesso.cluster;

import static io.github.flowisesso.cluster.ClusterSupport.acceptRequest;
import static io.github.flowisesso.cluster.ClusterSupport.csrfFrom;
import static io.github.flowisesso.cluster.ClusterSupport.tokenOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.flowisesso.testsupport.EntraStandIn;
import io.github.flowisesso.testsupport.Eventually;
import io.github.flowisesso.testsupport.Mailbox;
import io.github.flowisesso.testsupport.FlowiseStub;
import io.github.flowisesso.testsupport.InvitationApi;
import io.github.flowisesso.testsupport.KeycloakServer;
import io.github.flowisesso.testsupport.TestEnvironment;
import io.github.flowisesso.testsupport.StateAssertions;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.htmlunit.WebClient;
import org.htmlunit.html.HtmlElement;
import org.htmlunit.html.HtmlPage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * Two Keycloak nodes with the product jar, clustered through one PostgreSQL database with Keycloak's distributed
 * cache ({@code cache=ispn}, default {@code jdbc-ping} discovery, JGroups on loopback). Slow (two servers): runs only
 * with {@code -Dit.cluster=true -Dit.db=postgres …}; {@code .ci/run} does that once on its PostgreSQL leg.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoNodeClusterIT {

    private static final String REALM = "flowise";
    private static final String PASSWORD = "correct horse battery staple";

    private EntraStandIn entra;
    private FlowiseStub flowise;
    private KeycloakServer nodeA;
    private KeycloakServer nodeB;
    private Keycloak adminA;
    private Keycloak adminB;
    /** Every invitation and account this class made, with the state it must keep: id → email. */
    private final Map<String, String> accepted = new LinkedHashMap<>();
    private final List<String> pending = new ArrayList<>();

    @BeforeAll
    void startTwoNodes() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("it.cluster"), "cluster test runs only with -Dit.cluster=true");
        KeycloakServer.Database db = KeycloakServer.Database.fromSystemProperties();
        Assumptions.assumeTrue(db.keycloakKind().equals("postgres"), "a cluster shares a real database: -Dit.db=postgres");

        entra = new EntraStandIn(0);
        flowise = new FlowiseStub();
        String adminSecret = UUID.randomUUID().toString();
        Map<String, String> env = TestEnvironment.serverEnvironment(entra, flowise, UUID.randomUUID().toString(), adminSecret);

        Path dist = Path.of(System.getProperty("keycloak.dist.dir"));
        Path work = dist.getParent().resolve("cluster");
        Path distA = work.resolve("node-a");
        Path distB = work.resolve("node-b");
        List<Path> jars = List.of(Path.of(System.getProperty("provider.jar")));
        Path repoRoot = Path.of(System.getProperty("repo.root"));
        int jgroupsA = ClusterSupport.jgroupsPort();
        int jgroupsB = ClusterSupport.jgroupsPort(jgroupsA);

        ClusterSupport.copyDistribution(dist, distA);
        nodeA = node(new KeycloakServer.Settings(distA, repoRoot, jars, db, env, work.resolve("logs-a"), 0, true), jgroupsA);
        nodeA.prepare(); // kc.sh build once; node B is a copy of the built distribution
        ClusterSupport.copyDistribution(distA, distB);
        // Node B must not reset the shared database that node A has set up.
        nodeB = node(new KeycloakServer.Settings(distB, repoRoot, jars, db, env, work.resolve("logs-b"), 0, false), jgroupsB);

        nodeA.start();
        nodeB.start();
        ClusterSupport.awaitClusterView(nodeA.logFile(), 2, Duration.ofMinutes(2));
        ClusterSupport.awaitClusterView(nodeB.logFile(), 2, Duration.ofMinutes(2));
        adminA = TestEnvironment.adminClient(nodeA, adminSecret);
        adminB = TestEnvironment.adminClient(nodeB, adminSecret);
    }

    private static KeycloakServer node(KeycloakServer.Settings settings, int jgroupsPort) {
        return new KeycloakServer(settings).withStartOptions("--cache=ispn",
            "--cache-embedded-network-bind-address=127.0.0.1", "--cache-embedded-network-bind-port=" + jgroupsPort);
    }

    private static InvitationApi api(KeycloakServer node, Keycloak admin) {
        return TestEnvironment.invitationApi(node, admin);
    }

    @AfterAll
    void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {adminA, adminB, nodeB, nodeA, flowise, entra}) {
            if (closeable != null) {
                try {
                    closeable.close();
                } catch (Exception ignored) {
                    // best effort
                }
            }
        }
    }

    /** A password invitation made through node A's admin API; returns id and token. */
    private String[] invitePassword(String email) {
        InvitationApi.Answer created = api(nodeA, adminA).create(REALM, Map.of("email", email, "loginType", "PASSWORD",
            "sendEmail", false));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return new String[] {(String) created.json().get("id"), tokenOf((String) created.json().get("link"))};
    }

    private Map<String, Object> invitation(KeycloakServer node, Keycloak admin, String id) {
        InvitationApi.Answer answer = api(node, admin).get(REALM, "/" + id);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer.json();
    }

    private List<UserRepresentation> accounts(Keycloak admin, String email) {
        return admin.realm(REALM).users().searchByEmail(email, true);
    }

    @Test
    @Order(1)
    void anInvitationMadeOnNodeAIsListedAndAcceptedOnNodeB() throws Exception {
        String email = StateAssertions.newEmail("cluster-a");
        String[] invitation = invitePassword(email);

        List<Map<String, Object>> listedOnB = api(nodeB, adminB).get(REALM, "?email=" + InvitationApi.q(email)).jsonList();
        assertThat(listedOnB).extracting(i -> i.get("id")).containsExactly(invitation[0]);

        try (WebClient browser = new WebClient()) {
            browser.getOptions().setJavaScriptEnabled(false);
            browser.getOptions().setCssEnabled(false);
            browser.getOptions().setThrowExceptionOnFailingStatusCode(false);
            HtmlPage page = browser.getPage(ClusterSupport.acceptUrl(nodeB.browserUrl()) + "?token=" + invitation[1]);
            HtmlPage passwordForm = ((HtmlElement) page.getElementById("invitation-accept")).click();
            passwordForm.getElementByName("password-new").setAttribute("value", PASSWORD);
            passwordForm.getElementByName("password-confirm").setAttribute("value", PASSWORD);
            org.htmlunit.Page landing = ((HtmlElement) passwordForm.getFirstByXPath("//form//*[@type='submit']")).click();
            assertThat(landing.getUrl().toString()).as(() -> landing.getWebResponse().getContentAsString())
                .startsWith(flowise.url());
        }

        // Node A sees node B's work: the account, the consumed invitation, and the session node B started.
        List<UserRepresentation> users = accounts(adminA, email);
        assertThat(users).hasSize(1);
        assertThat(invitation(nodeA, adminA, invitation[0])).containsEntry("status", "ACCEPTED")
            .containsEntry("acceptedUserId", users.get(0).getId());
        assertThat(adminA.realm(REALM).users().get(users.get(0).getId()).getUserSessions()).hasSize(1);
        accepted.put(invitation[0], email);
    }

    @Test
    @Order(2)
    void twentySimultaneousCompletionsOverBothNodesMakeOneAccount() throws Exception {
        String email = StateAssertions.newEmail("cluster-b");
        String[] invitation = invitePassword(email);
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        List<java.net.http.HttpRequest> requests = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            KeycloakServer node = i % 2 == 0 ? nodeA : nodeB;
            requests.add(acceptRequest(node.browserUrl(), invitation[1], csrfFrom(http, node.browserUrl(), invitation[1])));
        }

        List<Integer> statuses = fire(http, requests, null);

        assertThat(statuses).filteredOn(s -> s == 303).hasSize(1);
        // The others are refused: 410 "no longer valid" when they reach the claim, 409 "account exists" when they
        // start after the winner's account is committed.
        assertThat(statuses).filteredOn(s -> s != 303).isSubsetOf(410, 409);
        List<UserRepresentation> users = accounts(adminB, email);
        assertThat(users).hasSize(1);
        assertThat(invitation(nodeB, adminB, invitation[0])).containsEntry("status", "ACCEPTED")
            .containsEntry("acceptedUserId", users.get(0).getId());
        accepted.put(invitation[0], email);
    }

    @Test
    @Order(3)
    void killingANodeMidEnrollmentLeavesNoHalfMadeAccount() throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();
        Map<String, String> emails = new LinkedHashMap<>();
        Map<String, String> tokens = new LinkedHashMap<>();
        List<java.net.http.HttpRequest> requests = new ArrayList<>();
        for (int n = 0; n < 5; n++) {
            String email = StateAssertions.newEmail("cluster-c");
            String[] invitation = invitePassword(email);
            emails.put(invitation[0], email);
            tokens.put(invitation[0], invitation[1]);
            for (int i = 0; i < 4; i++) {
                requests.add(acceptRequest(nodeB.browserUrl(), invitation[1], csrfFrom(http, nodeB.browserUrl(), invitation[1])));
            }
        }

        fire(http, requests, () -> nodeB.kill()); // SIGKILL node B's JVM while its completions run
        assertThat(nodeB.isRunning()).isFalse();

        int consumed = 0;
        for (Map.Entry<String, String> entry : emails.entrySet()) {
            Map<String, Object> state = invitation(nodeA, adminA, entry.getKey());
            List<UserRepresentation> users = accounts(adminA, entry.getValue());
            if (state.get("status").equals("ACCEPTED")) {
                assertThat(users).as(entry.getValue()).hasSize(1);
                assertThat(state).containsEntry("acceptedUserId", users.get(0).getId());
                accepted.put(entry.getKey(), entry.getValue());
                consumed++;
            } else {
                assertThat(state).as(entry.getValue()).containsEntry("status", "PENDING");
                assertThat(state.get("acceptedUserId")).as(entry.getValue()).isNull();
                assertThat(users).as(entry.getValue()).isEmpty();
                // Nothing is stuck: the surviving node completes it.
                HttpResponse<Void> retry = http.send(acceptRequest(nodeA.browserUrl(), tokens.get(entry.getKey()),
                    csrfFrom(http, nodeA.browserUrl(), tokens.get(entry.getKey()))), HttpResponse.BodyHandlers.discarding());
                assertThat(retry.statusCode()).isEqualTo(303);
                assertThat(accounts(adminA, entry.getValue())).hasSize(1);
                accepted.put(entry.getKey(), entry.getValue());
            }
        }
        System.out.println("TwoNodeClusterIT: " + consumed + " of 5 invitations were consumed before node B died");
        // A pending invitation made while node B is down stays for the restart checks.
        String email = StateAssertions.newEmail("cluster-d");
        pending.add(invitePassword(email)[0]);
    }

    @Test
    @Order(4)
    void restartingNodeBAndThenBothLosesNothing() throws Exception {
        nodeB.startAgain();
        ClusterSupport.awaitClusterView(nodeB.logFile(), 2, Duration.ofMinutes(2));
        assertEverythingThere(nodeB, adminB);

        nodeA.restart();
        nodeB.restart();
        ClusterSupport.awaitClusterView(nodeB.logFile(), 2, Duration.ofMinutes(2));
        assertEverythingThere(nodeA, adminA);
        assertEverythingThere(nodeB, adminB);
    }

    /**
     * The email outbox on two nodes: mails queued through both go out, and when one node dies mid-sending the other
     * sends what it held once its lease has run out. No mail is lost, and at most what the dead node held goes twice.
     */
    @Test
    @Order(5)
    void mailsQueuedThroughBothNodesAllGoOutWhenOneDiesMidSending() {
        int perNode = 300;
        try (Mailbox mailbox = new Mailbox()) {
            org.keycloak.representations.idm.RealmRepresentation smtp = new org.keycloak.representations.idm.RealmRepresentation();
            smtp.setSmtpServer(mailbox.smtpSettings());
            adminA.realm(REALM).update(smtp);
            List<String> emails = new ArrayList<>();
            for (KeycloakServer node : List.of(nodeA, nodeB)) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (int i = 0; i < perNode; i++) {
                    String email = StateAssertions.newEmail("cluster-mail");
                    emails.add(email);
                    rows.add(Map.of("email", email, "loginType", "PASSWORD"));
                }
                InvitationApi.Answer bulk = api(node, node == nodeA ? adminA : adminB).bulkJson(REALM, rows, "?sendEmail=true");
                assertThat(bulk.json()).as(bulk.toString()).containsEntry("created", perNode);
            }
            mailbox.awaitReceived(60, Duration.ofSeconds(60));

            nodeB.kill();

            mailbox.awaitReceived(2 * perNode, Duration.ofMinutes(5));
            Eventually.until("every mail recorded as sent", Duration.ofSeconds(60),
                () -> api(nodeA, adminA).get(REALM, "?status=PENDING&email=cluster-mail&max=1000").jsonList(),
                list -> list.size() == 2 * perNode && list.stream().allMatch(i -> "SENT".equals(((Map<?, ?>) i.get("delivery")).get("status"))));
            for (String email : emails) {
                assertThat(mailbox.to(email)).as("mails to " + email).isNotEmpty();
            }
            assertThat(mailbox.received().size() - 2 * perNode).as("mails sent twice").isBetween(0, TestEnvironment.MAIL_SENDERS * 10);
        } finally {
            nodeB.startAgain();
        }
    }

    private void assertEverythingThere(KeycloakServer node, Keycloak admin) {
        assertThat(accepted).hasSizeGreaterThanOrEqualTo(7);
        accepted.forEach((id, email) -> {
            List<UserRepresentation> users = accounts(admin, email);
            assertThat(users).as(email).hasSize(1);
            assertThat(invitation(node, admin, id)).containsEntry("status", "ACCEPTED").containsEntry("acceptedUserId", users.get(0).getId());
        });
        pending.forEach(id -> assertThat(invitation(node, admin, id)).containsEntry("status", "PENDING"));
    }

    /** Sends all requests at once; {@code midway} runs once the first answers are in flight. Failed sends count as -1. */
    private static List<Integer> fire(HttpClient http, List<java.net.http.HttpRequest> requests, Runnable midway) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(requests.size());
        List<Future<Integer>> statuses = new ArrayList<>();
        for (java.net.http.HttpRequest request : requests) {
            statuses.add(pool.submit(() -> {
                start.await();
                try {
                    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (java.io.IOException crashed) {
                    return -1;
                }
            }));
        }
        start.countDown();
        if (midway != null) {
            Thread.sleep(150); // let the burst reach the server's transactions before the crash
            midway.run();
        }
        List<Integer> results = new ArrayList<>();
        for (Future<Integer> status : statuses) {
            results.add(status.get());
        }
        pool.shutdown();
        return results;
    }
}
