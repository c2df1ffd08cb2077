package io.github.flowisesso.rest;

import io.github.flowisesso.invitation.InvitationStore;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.timer.ScheduledTask;

/** Retention: deletes invitations whose expiry lies more than the retention period back, whatever their state. */
final class ExpiredInvitationsCleanup implements ScheduledTask {

    private static final Logger LOG = Logger.getLogger(ExpiredInvitationsCleanup.class);

    private final int retentionDays;

    ExpiredInvitationsCleanup(int retentionDays) {
        this.retentionDays = retentionDays;
    }

    @Override
    public void run(KeycloakSession session) {
        long cutoff = Time.currentTimeMillis() - TimeUnit.DAYS.toMillis(retentionDays);
        int deleted = InvitationStore.of(session).deleteExpiredBefore(cutoff);
        if (deleted > 0) {
            LOG.infof("Deleted %d invitations that expired more than %d days ago", deleted, retentionDays);
        }
    }

    @Override
    public String getTaskName() {
        return "flowise-invitation-retention";
    }
}
