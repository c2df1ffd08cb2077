package io.github.flowisesso.rest;

import io.github.flowisesso.email.MailOutbox;
import io.github.flowisesso.invitation.InvitationLinks;
import io.github.flowisesso.invitation.InvitationStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Creates many invitations, each row succeeding or failing on its own, in transactions of
 * {@link InvitationApiConfig#BULK_BATCH_SIZE} rows: one transaction per row would be slow, one for all would hold
 * locks and memory for the whole call. Rows are handled in order, so a later row for the same email as an earlier
 * one is refused like any duplicate.
 */
final class BulkInvitations {

    private static final Logger LOG = Logger.getLogger(BulkInvitations.class);

    /** Per-row answers in input order, and the totals. */
    record Outcome(List<Map<String, Object>> results, int created, int failed) {
    }

    private final KeycloakSession session;
    private final String realmId;
    private final InvitationApiConfig config;
    private final Inviter inviter;
    private final InvitationLinks links;
    private final MailOutbox outbox;
    private final AdminPermissionEvaluator auth;

    BulkInvitations(KeycloakSession session, RealmModel realm, InvitationApiConfig config, Inviter inviter, InvitationLinks links,
                    MailOutbox outbox, AdminPermissionEvaluator auth) {
        this.auth = auth;
        this.session = session;
        this.realmId = realm.getId();
        this.config = config;
        this.inviter = inviter;
        this.links = links;
        this.outbox = outbox;
    }

    Outcome run(List<BulkRow> rows, boolean sendEmailByDefault) {
        List<Map<String, Object>> results = new ArrayList<>(rows.size());
        for (int from = 0; from < rows.size(); from += InvitationApiConfig.BULK_BATCH_SIZE) {
            List<BulkRow> batch = rows.subList(from, Math.min(rows.size(), from + InvitationApiConfig.BULK_BATCH_SIZE));
            try {
                List<Map<String, Object>> answers;
                try {
                    answers = runBatch(batch, sendEmailByDefault);
                } catch (RuntimeException e) {
                    if (!InvitationStore.AddressTaken.isCauseOf(e)) {
                        throw e;
                    }
                    // Another request stored an open invitation for one of these addresses meanwhile. Once more: the
                    // fresh lookup of the batch's addresses now refuses that row alone with invitation_exists.
                    LOG.debugf("Bulk invitations: rows %d to %d met a simultaneous invitation, retrying the batch",
                        batch.get(0).row(), batch.get(batch.size() - 1).row());
                    answers = runBatch(batch, sendEmailByDefault);
                }
                results.addAll(answers);
            } catch (RuntimeException e) {
                // The whole batch was rolled back: none of its rows may be reported as created.
                LOG.errorf(e, "Bulk invitations: rows %d to %d failed and were rolled back", batch.get(0).row(),
                    batch.get(batch.size() - 1).row());
                InvitationError error = InvitationError.batchFailed("The database refused the batch of rows "
                    + batch.get(0).row() + " to " + batch.get(batch.size() - 1).row() + "; none of them was stored");
                batch.forEach(row -> results.add(failure(row.row(), error)));
            }
        }
        int created = (int) results.stream().filter(r -> r.containsKey("created")).count();
        if (created >= STATISTICS_REFRESH_ROWS) {
            refreshStatistics();
        }
        return new Outcome(results, created, results.size() - created);
    }

    /** One batch in its own transaction; its rows' answers, once it has committed. */
    private List<Map<String, Object>> runBatch(List<BulkRow> batch, boolean sendEmailByDefault) {
        List<Map<String, Object>> written = new ArrayList<>(batch.size());
        KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), session.getContext(), batchSession -> {
            // The rows are written when the batch commits: no flush (and no dirty check of every row so far)
            // before each of the row's own lookups, which made a batch quadratic in its size.
            InvitationStore.of(batchSession).writeAtCommit();
            RealmModel realm = batchSession.realms().getRealm(realmId);
            InvitationRules rules = new InvitationRules(batchSession, realm, config, auth);
            InvitationIssuer issuer = new InvitationIssuer(batchSession, realm, inviter, links, outbox);
            // Validate first, then ask the database once for the pending invitations of the whole batch
            // instead of once per row.
            List<Object> validated = new ArrayList<>(batch.size());
            List<String> emails = new ArrayList<>(batch.size());
            for (BulkRow row : batch) {
                validated.add(validate(row, rules));
                if (validated.get(validated.size() - 1) instanceof ValidInvitation valid) {
                    emails.add(valid.email());
                }
            }
            issuer.preloadPending(emails);
            for (int i = 0; i < batch.size(); i++) {
                written.add(handle(batch.get(i), validated.get(i), issuer, sendEmailByDefault));
            }
        });
        return written;
    }

    /** Rows after which a bulk call refreshes the table's planner statistics. */
    static final int STATISTICS_REFRESH_ROWS = 1_000;

    /**
     * A large import changes the table faster than autovacuum re-analyses it, and PostgreSQL keeps using the plans
     * it cached while the table was small (sequential scans). The gate's lookups would pay for that until the next
     * autovacuum run; refreshing the statistics now makes every node replan at once. Failure is harmless.
     */
    private void refreshStatistics() {
        try {
            KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), session.getContext(),
                s -> InvitationStore.of(s).refreshStatistics());
        } catch (RuntimeException e) {
            LOG.debugf(e, "Bulk invitations: statistics not refreshed");
        }
    }

    /** A row's {@link ValidInvitation}, or the {@link InvitationError} that refuses it. */
    private static Object validate(BulkRow row, InvitationRules rules) {
        if (row.error() != null) {
            return row.error();
        }
        try {
            return rules.validate(row.input());
        } catch (InvitationError e) {
            return e;
        }
    }

    private static Map<String, Object> handle(BulkRow row, Object validated, InvitationIssuer issuer, boolean sendEmailByDefault) {
        if (validated instanceof InvitationError error) {
            return failure(row.row(), error);
        }
        try {
            boolean sendEmail = row.input().sendEmail() != null ? row.input().sendEmail() : sendEmailByDefault;
            InvitationIssuer.Issued issued = issuer.create((ValidInvitation) validated, sendEmail);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("row", row.row());
            answer.put("created", issued.invitation().getId());
            if (issued.link() != null) {
                answer.put("link", issued.link());
            }
            return answer;
        } catch (InvitationError e) {
            return failure(row.row(), e);
        }
    }

    private static Map<String, Object> failure(int row, InvitationError error) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("row", row);
        answer.putAll(error.body());
        return answer;
    }
}
