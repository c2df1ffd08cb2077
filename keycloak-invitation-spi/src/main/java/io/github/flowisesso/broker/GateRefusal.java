package io.github.flowisesso.broker;

import io.github.flowisesso.invitation.EventDetails;
import io.github.flowisesso.invitation.Labels;
import jakarta.ws.rs.core.Response;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.events.Details;
import org.keycloak.events.EventType;
import org.keycloak.models.RealmModel;

/** Ends first-broker-login with a themed page in plain words and an audit event carrying the reason. */
final class GateRefusal {

    static final String EVENT_ERROR = "invitation_required";
    static final String REASON = EventDetails.REASON;
    static final String INVITATION_ID = EventDetails.INVITATION_ID;

    static final String MESSAGE_NOT_INVITED = "invitationNotInvited";
    static final String MESSAGE_ACCOUNT_EXISTS = EventDetails.MESSAGE_ACCOUNT_EXISTS;
    static final String MESSAGE_NO_LONGER_VALID = EventDetails.MESSAGE_NO_LONGER_VALID;

    private GateRefusal() {
    }

    /** A refused {@link MatchResult}: "account exists" in its own words, every other reason as "not invited". */
    static void refuse(AuthenticationFlowContext context, String email, MatchResult refused) {
        String message = InvitationMatcher.ACCOUNT_EXISTS.equals(refused.refusal()) ? MESSAGE_ACCOUNT_EXISTS : MESSAGE_NOT_INVITED;
        refuse(context, email, refused.refusal(), refused.invitationId(), message);
    }

    static void refuse(AuthenticationFlowContext context, String email, String reason, String invitationId, String message) {
        RealmModel realm = context.getRealm();
        // A clone: the flow's own builder is sent again by Keycloak after a challenge, which would log us twice.
        context.getEvent().clone()
            .event(EventType.IDENTITY_PROVIDER_FIRST_LOGIN)
            .detail(Details.EMAIL, email)
            .detail(REASON, reason)
            .detail(INVITATION_ID, invitationId)
            .removeDetail(Details.AUTH_METHOD)
            .error(EVENT_ERROR);
        Response page = context.form().setError(message, Labels.realm(realm)).createErrorPage(Response.Status.FORBIDDEN);
        context.failureChallenge(AuthenticationFlowError.ACCESS_DENIED, page);
    }
}
