package io.github.flowisesso.broker;

import io.github.flowisesso.invitation.InvitationEntity;
import org.keycloak.models.UserModel;

/**
 * Either the invitation a brokered identity may enroll with, or the reason (an event detail) why not, with the
 * invitation concerned when there is one.
 */
record MatchResult(InvitationEntity invitation, String refusal, UserModel resumable) {

    static MatchResult matched(InvitationEntity invitation) {
        return new MatchResult(invitation, null, null);
    }

    static MatchResult refused(String reason) {
        return new MatchResult(null, reason, null);
    }

    static MatchResult refused(String reason, InvitationEntity invitation) {
        return new MatchResult(invitation, reason, null);
    }

    /** The account this same Entra identity was enrolled into, before Keycloak could link it. */
    static MatchResult resume(InvitationEntity invitation, UserModel user) {
        return new MatchResult(invitation, null, user);
    }

    boolean isResumption() {
        return resumable != null;
    }

    boolean isMatched() {
        return refusal == null;
    }

    String invitationId() {
        return invitation == null ? null : invitation.getId();
    }
}
