package io.github.flowisesso.broker;

import io.github.flowisesso.invitation.InvitationEntity;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.authenticators.broker.AbstractIdpAuthenticator;
import org.keycloak.authentication.authenticators.broker.util.SerializedBrokeredIdentityContext;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserProvider;

/**
 * "Invitation required": first step of first-broker-login. Lets a brokered identity go on only with a matching
 * invitation, and never towards an existing account (no silent linking by email). It writes nothing: the
 * invitation is consumed by {@link InvitedUserCreator}, so a user who cancels later keeps a usable invitation.
 */
final class InvitationRequiredAuthenticator extends AbstractIdpAuthenticator {

    static final String INVITATION_ID_NOTE = "flowise.invitation.id";
    static final String INVITATION_EMAIL_NOTE = "flowise.invitation.email";
    static final String ACCOUNT_EXISTS = "account_exists";
    static final String RESUMED_USER_NOTE = "flowise.invitation.resumed-user";

    @Override
    protected void authenticateImpl(AuthenticationFlowContext context, SerializedBrokeredIdentityContext serializedCtx,
                                    BrokeredIdentityContext brokerContext) {
        MatchResult match = InvitationMatcher.match(context.getSession(), context.getRealm(), brokerContext);
        if (!match.isMatched()) {
            GateRefusal.refuse(context, brokerContext.getEmail(), match.refusal(), null, GateRefusal.MESSAGE_NOT_INVITED);
            return;
        }
        InvitationEntity invitation = match.invitation();
        if (match.isResumption()) {
            context.getAuthenticationSession().setAuthNote(RESUMED_USER_NOTE, match.resumable().getId());
            context.getEvent().clone().event(org.keycloak.events.EventType.IDENTITY_PROVIDER_FIRST_LOGIN)
                .user(match.resumable()).detail(GateRefusal.INVITATION_ID, invitation.getId())
                .detail(GateRefusal.REASON, "enrolment_resumed").success();
            context.success();
            return;
        }
        if (accountExists(context.getSession(), context.getRealm(), invitation.getEmail())) {
            GateRefusal.refuse(context, brokerContext.getEmail(), ACCOUNT_EXISTS, invitation.getId(), GateRefusal.MESSAGE_ACCOUNT_EXISTS);
            return;
        }
        context.getAuthenticationSession().setAuthNote(INVITATION_ID_NOTE, invitation.getId());
        context.getAuthenticationSession().setAuthNote(INVITATION_EMAIL_NOTE, invitation.getEmail());
        context.success();
    }

    private static boolean accountExists(KeycloakSession session, RealmModel realm, String email) {
        UserProvider users = session.users();
        UserModel byEmail = users.getUserByEmail(realm, email);
        return byEmail != null || users.getUserByUsername(realm, email) != null;
    }

    @Override
    protected void actionImpl(AuthenticationFlowContext context, SerializedBrokeredIdentityContext serializedCtx,
                              BrokeredIdentityContext brokerContext) {
        // No form of its own.
    }

    @Override
    public boolean requiresUser() {
        return false;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }
}
