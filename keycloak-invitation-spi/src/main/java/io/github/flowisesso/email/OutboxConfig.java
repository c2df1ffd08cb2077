package io.github.flowisesso.email;

import java.util.List;
import org.keycloak.Config;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/**
 * Deployment settings of the invitation email outbox, read with the admin API's
 * ({@code --spi-admin-realm-restapi-extension--invitations--<key>}).
 */
public record OutboxConfig(RetrySchedule retries, int pollSeconds, int leaseSeconds, int senders) {

    static final String RETRY_SECONDS = "mail-retry-seconds";
    static final String RETRY_MAX_SECONDS = "mail-retry-max-seconds";
    static final String MAX_ATTEMPTS = "mail-max-attempts";
    static final String POLL_SECONDS = "mail-poll-seconds";
    static final String LEASE_SECONDS = "mail-lease-seconds";
    static final String SENDERS = "mail-senders";

    public OutboxConfig {
        if (pollSeconds < 1 || leaseSeconds < 1 || senders < 1 || senders > 16) {
            throw new IllegalArgumentException(POLL_SECONDS + " and " + LEASE_SECONDS + " must be at least 1, and "
                + SENDERS + " between 1 and 16");
        }
    }

    public static OutboxConfig from(Config.Scope scope) {
        return new OutboxConfig(
            new RetrySchedule(scope.getInt(RETRY_SECONDS, 30), scope.getInt(RETRY_MAX_SECONDS, 3600), scope.getInt(MAX_ATTEMPTS, 10)),
            scope.getInt(POLL_SECONDS, 10), scope.getInt(LEASE_SECONDS, 300), scope.getInt(SENDERS, 4));
    }

    public static List<ProviderConfigProperty> metadata() {
        return ProviderConfigurationBuilder.create()
            .property().name(RETRY_SECONDS).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(30)
            .helpText("Seconds before a failed invitation email is tried again; the delay doubles with each failure.").add()
            .property().name(RETRY_MAX_SECONDS).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(3600)
            .helpText("Longest delay between two tries of one invitation email.").add()
            .property().name(MAX_ATTEMPTS).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(10)
            .helpText("Tries of one invitation email before it is marked FAILED (about 3 hours with the defaults).").add()
            .property().name(POLL_SECONDS).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(10)
            .helpText("Seconds between two looks of each node for due emails (new ones go out at once anyway).").add()
            .property().name(LEASE_SECONDS).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(300)
            .helpText("Seconds a node holds an email it is sending; after a crash another node sends it once this has passed.").add()
            .property().name(SENDERS).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(4)
            .helpText("Emails each node sends at the same time (1 to 16): sending waits mostly on the mail server.").add()
            .build();
    }
}
