package io.github.flowisesso.rest;

import java.util.List;
import org.keycloak.Config;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/**
 * Deployment settings of the invitation admin API, read once at start from
 * {@code --spi-admin-realm-restapi-extension--invitations--<key>} (or the matching {@code KC_SPI_…} variable),
 * and the fixed limits of the API.
 */
final class InvitationApiConfig {

    static final String DEFAULT_EXPIRY_HOURS = "default-expiry-hours";
    static final String RETENTION_DAYS = "retention-days";
    static final String CLEANUP_INTERVAL_SECONDS = "cleanup-interval-seconds";

    static final int MIN_EXPIRY_HOURS = 1;
    static final int MAX_EXPIRY_HOURS = 720;
    static final int BULK_MAX_ROWS = 10_000;
    /** A bulk body: 10,000 rows of about 1,000 characters. Larger bodies are refused before they are parsed. */
    static final int BULK_MAX_BODY_CHARS = 10_000_000;
    /** Rows per transaction in a bulk call: short locks, bounded persistence context, few commits. */
    static final int BULK_BATCH_SIZE = 500;
    static final int LIST_DEFAULT_MAX = 100;
    static final int LIST_MAX = 1_000;
    /** Counts for a page's tabs stop here: "1,000+" is all a tab needs, and it costs the same at any table size. */
    static final int COUNT_LIMIT = 1_000;
    /** Groups an options answer lists at most; a form cannot offer more as a list anyway. */
    static final int OPTIONS_MAX_GROUPS = 1_000;

    private final int defaultExpiryHours;
    private final int retentionDays;
    private final int cleanupIntervalSeconds;

    InvitationApiConfig(int defaultExpiryHours, int retentionDays, int cleanupIntervalSeconds) {
        // Fail at start rather than on the first invitation.
        if (defaultExpiryHours < MIN_EXPIRY_HOURS || defaultExpiryHours > MAX_EXPIRY_HOURS) {
            throw new IllegalArgumentException(DEFAULT_EXPIRY_HOURS + " must be between " + MIN_EXPIRY_HOURS + " and "
                + MAX_EXPIRY_HOURS + ", not " + defaultExpiryHours);
        }
        if (retentionDays < 0) {
            throw new IllegalArgumentException(RETENTION_DAYS + " must be 0 (keep forever) or more, not " + retentionDays);
        }
        if (cleanupIntervalSeconds < 1) {
            throw new IllegalArgumentException(CLEANUP_INTERVAL_SECONDS + " must be at least 1, not " + cleanupIntervalSeconds);
        }
        this.defaultExpiryHours = defaultExpiryHours;
        this.retentionDays = retentionDays;
        this.cleanupIntervalSeconds = cleanupIntervalSeconds;
    }

    static InvitationApiConfig from(Config.Scope scope) {
        return new InvitationApiConfig(
            scope.getInt(DEFAULT_EXPIRY_HOURS, 24),
            scope.getInt(RETENTION_DAYS, 90),
            scope.getInt(CLEANUP_INTERVAL_SECONDS, 3600));
    }

    int defaultExpiryHours() {
        return defaultExpiryHours;
    }

    int retentionDays() {
        return retentionDays;
    }

    int cleanupIntervalSeconds() {
        return cleanupIntervalSeconds;
    }

    static List<ProviderConfigProperty> metadata() {
        return ProviderConfigurationBuilder.create()
            .property().name(DEFAULT_EXPIRY_HOURS).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(24)
            .helpText("Hours an invitation stays valid when the request names no expiresInHours (1 to 720).").add()
            .property().name(RETENTION_DAYS).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(90)
            .helpText("Days after its expiry that an invitation (accepted, revoked or expired) is deleted; 0 keeps all.").add()
            .property().name(CLEANUP_INTERVAL_SECONDS).type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(3600)
            .helpText("Seconds between two runs of the retention job on each node.").add()
            .build();
    }
}
