package io.github.flowisesso.bench;

import io.github.flowisesso.testsupport.Mailbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * 8. Invitation email through the outbox: what sendEmail=true adds to a bulk call (nothing, the mails go out after
 * it), and how fast the outbox sends to a local SMTP server (GreenMail in the benchmark JVM) against Keycloak's own
 * mail path at the same concurrency (execute-actions emails, one per admin request, as fast as two clients can ask).
 */
final class InvitationEmailBenchmark {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    /** The outbox's default senders per node: the baseline gets as many client threads. */
    private static final int SENDERS = 4;

    private InvitationEmailBenchmark() {
    }

    static void run(MainServer server, Report report, int rows, int calls, int baselineMails) throws Exception {
        report.section("8. Invitation email");
        try (Mailbox mailbox = new Mailbox()) {
            RealmRepresentation smtp = new RealmRepresentation();
            smtp.setSmtpServer(mailbox.smtpSettings());
            server.admin.client().realm(MainServer.REALM).update(smtp);

            Samples without = new Samples();
            Samples with = new Samples();
            Samples outboxRate = new Samples();
            int expected = 0;
            for (int call = 0; call < calls; call++) {
                // alternate the order, so that neither kind always runs on a warmer server
                boolean mailedFirst = call % 2 == 1;
                for (boolean mailed : mailedFirst ? List.of(true, false) : List.of(false, true)) {
                    long nanos = timeBulk(server, rows, mailed);
                    (mailed ? with : without).add(nanos);
                    if (mailed) {
                        expected += rows;
                        long start = System.nanoTime();
                        mailbox.awaitReceived(expected, Duration.ofMinutes(20));
                        double seconds = (System.nanoTime() - start) / 1e9;
                        outboxRate.add(rows / seconds);
                        Benchmarks.log(String.format("outbox: %,d mails in %.1f s after the call answered", rows, seconds));
                    }
                }
            }
            double baselineRate = keycloakOwnMailRate(server, mailbox, expected, baselineMails);
            double ratio = with.median() / without.median();
            report.paragraph(String.format("""
                Bulk: `POST …/invitations/bulk` with %,d new addresses, **sendEmail=true** against sendEmail=false, %d
                calls of each, alternating which goes first. Then the time from the answer of each sendEmail=true call
                until the local SMTP server (GreenMail, in the benchmark JVM on the same two cores) has received all
                %,d mails, sent by the outbox with its defaults (%d senders, one SMTP connection per mail, as Keycloak
                sends every mail). Baseline: Keycloak's own mail path, `PUT …/users/{id}/execute-actions-email`
                (one mail per admin request, rendered by the realm's theme and sent in the request) called by %d
                client threads, %,d mails.""", rows, calls, rows, SENDERS, SENDERS, baselineMails));
            report.table(List.of("what", "median", "min", "max"), List.of(
                List.of("bulk call, sendEmail=false", Report.ms(without.median()), Report.ms(without.quantile(0)), Report.ms(without.quantile(1))),
                List.of("bulk call, sendEmail=true", Report.ms(with.median()), Report.ms(with.quantile(0)), Report.ms(with.quantile(1))),
                List.of("outbox mails/s", Report.num(outboxRate.median(), 0), Report.num(outboxRate.quantile(0), 0),
                    Report.num(outboxRate.quantile(1), 0)),
                List.of("Keycloak execute-actions emails/s (baseline)", Report.num(baselineRate, 0), "", "")));
            report.goal("Bulk " + Report.num(rows, 0) + " rows: sendEmail=true ÷ sendEmail=false (medians)",
                Report.ratio(ratio), "≤ 1.25", ratio <= 1.25);
            double mailRatio = outboxRate.median() / baselineRate;
            report.goal("Outbox mails/s ÷ Keycloak's own per-request emails/s", Report.ratio(mailRatio), "≥ 0.8", mailRatio >= 0.8);
        }
    }

    private static long timeBulk(MainServer server, int rows, boolean sendEmail) {
        List<Map<String, Object>> body = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            body.add(Map.of("email", (sendEmail ? "mailed-" : "plain-") + SEQUENCE.incrementAndGet() + "@bench.example",
                "loginType", "PASSWORD"));
        }
        String json = AdminApi.write(body);
        long start = System.nanoTime();
        AdminApi.Answer answer = server.admin.call("POST", MainServer.REALM + "/invitations/bulk?sendEmail=" + sendEmail,
            "application/json", json);
        long nanos = System.nanoTime() - start;
        if (answer.status() != 200 || !answer.body().contains("\"failed\":0")) {
            throw new IllegalStateException("bulk answered " + answer.status() + ": "
                + answer.body().substring(0, Math.min(500, answer.body().length())));
        }
        return nanos;
    }

    /** Mails per second through Keycloak's execute-actions email, {@value #SENDERS} client threads. */
    private static double keycloakOwnMailRate(MainServer server, Mailbox mailbox, int before, int mails) throws Exception {
        String email = "baseline-" + SEQUENCE.incrementAndGet() + "@bench.example";
        UserRepresentation user = new UserRepresentation();
        user.setUsername(email);
        user.setEmail(email);
        user.setEnabled(true);
        try (var created = server.admin.client().realm(MainServer.REALM).users().create(user)) {
            if (created.getStatus() != 201) {
                throw new IllegalStateException("user creation answered " + created.getStatus());
            }
        }
        String id = server.admin.client().realm(MainServer.REALM).users().searchByEmail(email, true).get(0).getId();
        String path = MainServer.REALM + "/users/" + id + "/execute-actions-email";
        ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
        try {
            long start = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < mails; i++) {
                futures.add(pool.submit(() -> {
                    AdminApi.Answer answer = server.admin.call("PUT", path, "application/json", "[\"UPDATE_PASSWORD\"]");
                    if (answer.status() != 204) {
                        throw new IllegalStateException("execute-actions-email answered " + answer.status() + ": " + answer.body());
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
            mailbox.awaitReceived(before + mails, Duration.ofMinutes(10));
            double seconds = (System.nanoTime() - start) / 1e9;
            Benchmarks.log(String.format("baseline: %,d execute-actions emails in %.1f s", mails, seconds));
            return mails / seconds;
        } finally {
            pool.shutdownNow();
        }
    }
}
