package io.github.flowisesso.broker;

import io.github.flowisesso.invitation.InvitationEntity;

/** Either the invitation a brokered identity may enroll with, or the reason (an event detail) why none. */
record MatchResult(InvitationEntity invitation, String refusal) {

    static MatchResult matched(InvitationEntity invitation) {
        return new MatchResult(invitation, null);
    }

    static MatchResult refused(String reason) {
        return new MatchResult(null, reason);
    }

    boolean isMatched() {
        return invitation != null;
    }
}
