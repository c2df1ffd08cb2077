package io.github.flowisesso.invitation;

/**
 * Stored states of an invitation. {@code EXPIRED} is never stored: it is derived from the expiry
 * so that no job has to run for an invitation to stop working on time.
 */
public enum InvitationStatus {
    PENDING,
    ACCEPTED,
    REVOKED,
    EXPIRED;

    public static InvitationStatus effective(InvitationStatus stored, long expiresAt, long now) {
        return stored == PENDING && expiresAt <= now ? EXPIRED : stored;
    }
}
