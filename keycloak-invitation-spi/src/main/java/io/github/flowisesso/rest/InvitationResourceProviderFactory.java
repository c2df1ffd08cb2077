package io.github.flowisesso.rest;

import io.github.flowisesso.email.MailOutbox;
import io.github.flowisesso.email.OutboxConfig;
import io.github.flowisesso.invitation.InvitationStore;
import org.keycloak.models.RealmModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory;
import org.keycloak.services.scheduled.ScheduledTaskRunner;
import org.keycloak.timer.TimerProvider;

/**
 * Mounts the invitation admin API at {@code /admin/realms/{realm}/invitations} and schedules the retention job.
 * Options: {@code --spi-admin-realm-restapi-extension--invitations--<key>}, see {@link InvitationApiConfig}.
 */
public final class InvitationResourceProviderFactory implements AdminRealmResourceProviderFactory {

    static final String ID = "invitations";

    private InvitationApiConfig config;
    private OutboxConfig outboxConfig;
    private MailOutbox outbox;

    @Override
    public AdminRealmResourceProvider create(KeycloakSession session) {
        return new InvitationResourceProvider(config, outbox);
    }

    @Override
    public void init(Config.Scope scope) {
        config = InvitationApiConfig.from(scope);
        outboxConfig = OutboxConfig.from(scope);
    }

    /**
     * Starts this node's email outbox workers and schedules the retention job once the database is migrated (the table may not exist before). Every node runs
     * it; that is safe because the delete is idempotent.
     */
    @Override
    public void postInit(KeycloakSessionFactory factory) {
        outbox = new MailOutbox(factory, outboxConfig);
        factory.register(event -> {
            if (event instanceof PostMigrationEvent) {
                outbox.start();
            } else if (event instanceof RealmModel.RealmRemovedEvent removed) {
                // In the removing transaction: the realm and its invitations go together, or neither.
                InvitationStore.of(removed.getKeycloakSession()).deleteRealm(removed.getRealm().getId());
            }
        });
        if (config.retentionDays() == 0) {
            return;
        }
        factory.register(event -> {
            if (event instanceof PostMigrationEvent) {
                KeycloakModelUtils.runJobInTransaction(factory, session -> {
                    TimerProvider timer = session.getProvider(TimerProvider.class);
                    ExpiredInvitationsCleanup task = new ExpiredInvitationsCleanup(config.retentionDays());
                    timer.schedule(new ScheduledTaskRunner(factory, task),
                        TimeUnit.SECONDS.toMillis(config.cleanupIntervalSeconds()), task.getTaskName());
                });
            }
        });
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        List<ProviderConfigProperty> all = new ArrayList<>(InvitationApiConfig.metadata());
        all.addAll(OutboxConfig.metadata());
        return all;
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public void close() {
        if (outbox != null) {
            outbox.stop();
        }
    }
}
