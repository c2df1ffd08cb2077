package io.github.flowisesso.rest;

import io.github.flowisesso.invitation.InvitationStore;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.timer.ScheduledTask;

/** Retention: deletes invitations whose expiry lies more than the retention period back, whatever their state. */
final class ExpiredInvitationsCleanup implements ScheduledTask {

    private static final Logger LOG = Logger.getLogger(ExpiredInvitationsCleanup.class);

    private final int retentionDays;

    ExpiredInvitationsCleanup(int retentionDays) {
        this.retentionDays = retentionDays;
    }

    /** Rows per transaction; a run stops after {@link #MAX_BATCHES} batches and goes on at the next run. */
    static final int BATCH = 1_000;
    static final int MAX_BATCHES = 1_000;

    @Override
    public void run(KeycloakSession session) {
        long cutoff = Time.currentTimeMillis() - TimeUnit.DAYS.toMillis(retentionDays);
        int deleted = 0;
        for (int batch = 0; batch < MAX_BATCHES; batch++) {
            int n = KeycloakModelUtils.runJobInTransactionWithResult(session.getKeycloakSessionFactory(), s -> {
                InvitationStore store = InvitationStore.of(s);
                return store.delete(store.expiredBefore(cutoff, BATCH));
            });
            deleted += n;
            if (n < BATCH) {
                break;
            }
        }
        if (deleted > 0) {
            LOG.infof("Deleted %d invitations that expired more than %d days ago", deleted, retentionDays);
        }
    }

    @Override
    public String getTaskName() {
        return "flowise-invitation-retention";
    }
}
