package io.github.flowisesso.broker;

import io.github.flowisesso.invitation.InvitationEntity;
import io.github.flowisesso.invitation.InvitationGrants;
import io.github.flowisesso.invitation.InvitationStore;
import java.util.Optional;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.authenticators.broker.IdpCreateUserIfUniqueAuthenticator;
import org.keycloak.authentication.authenticators.broker.util.ExistingUserInfo;
import org.keycloak.authentication.authenticators.broker.util.SerializedBrokeredIdentityContext;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import static org.keycloak.broker.provider.AbstractIdentityProvider.BROKER_REGISTERED_NEW_USER;

/**
 * Consumes the invitation the gate found and creates the account, in one transaction. The claim (a conditional
 * update) comes first, so of two simultaneous completions only one creates a user; the other writes nothing.
 * Keycloak's own "create user if unique" does the user creation, so IdP mappers and attributes behave as usual.
 */
final class InvitedUserCreator extends IdpCreateUserIfUniqueAuthenticator {

    static final String NO_LONGER_VALID = "invitation_no_longer_valid";

    @Override
    protected void authenticateImpl(AuthenticationFlowContext context, SerializedBrokeredIdentityContext serializedCtx,
                                    BrokeredIdentityContext brokerContext) {
        String resumed = context.getAuthenticationSession().getAuthNote(InvitationRequiredAuthenticator.RESUMED_USER_NOTE);
        if (resumed != null) {
            // The gate found this identity's own, unlinked account: Keycloak links it after the flow.
            context.setUser(context.getSession().users().getUserById(context.getRealm(), resumed));
            context.success();
            return;
        }
        String invitationId = context.getAuthenticationSession().getAuthNote(InvitationRequiredAuthenticator.INVITATION_ID_NOTE);
        if (invitationId == null) {
            // Fail closed when a flow puts this step without the gate before it.
            GateRefusal.refuse(context, brokerContext.getEmail(), InvitationMatcher.NOT_INVITED, null, GateRefusal.MESSAGE_NOT_INVITED);
            return;
        }
        InvitationStore store = InvitationStore.of(context.getSession());
        if (!store.claim(invitationId, Time.currentTimeMillis())) {
            GateRefusal.refuse(context, brokerContext.getEmail(), NO_LONGER_VALID, invitationId, GateRefusal.MESSAGE_NO_LONGER_VALID);
            return;
        }
        super.authenticateImpl(context, serializedCtx, brokerContext);
        if (!"true".equals(context.getAuthenticationSession().getAuthNote(BROKER_REGISTERED_NEW_USER))) {
            // Keycloak did not create a new account (a conflicting one appeared after the gate's check, or it chose
            // an existing one): never consume the invitation for that, keep it PENDING.
            context.getSession().getTransactionManager().setRollbackOnly();
            GateRefusal.refuse(context, brokerContext.getEmail(), InvitationRequiredAuthenticator.ACCOUNT_EXISTS, invitationId,
                GateRefusal.MESSAGE_ACCOUNT_EXISTS);
        }
    }

    /**
     * Keycloak asks whether an account with this username or email exists before creating one. When the gate asked
     * exactly that for exactly this address earlier in the same request, asking again costs two queries for the
     * same answer (the benchmark's first-login profile). An account created by someone else in between still cannot
     * slip through: the database's unique username and email constraints refuse the insert, and the whole
     * transaction, the claim included, rolls back.
     */
    @Override
    protected ExistingUserInfo checkExistingUser(AuthenticationFlowContext context, String username,
                                                 SerializedBrokeredIdentityContext serializedCtx, BrokeredIdentityContext brokerContext) {
        if (username != null && username.equals(context.getSession().getAttribute(InvitationRequiredAuthenticator.NO_ACCOUNT_FOR))) {
            return null;
        }
        return super.checkExistingUser(context, username, serializedCtx, brokerContext);
    }

    @Override
    protected String getUsername(AuthenticationFlowContext context, SerializedBrokeredIdentityContext serializedCtx,
                                 BrokeredIdentityContext brokerContext) {
        // The invited, canonical address: stable and unique, unlike Entra's mutable preferred_username.
        return context.getAuthenticationSession().getAuthNote(InvitationRequiredAuthenticator.INVITATION_EMAIL_NOTE);
    }

    @Override
    protected void userRegisteredSuccess(AuthenticationFlowContext context, UserModel user,
                                         SerializedBrokeredIdentityContext serializedCtx, BrokeredIdentityContext brokerContext) {
        KeycloakSession session = context.getSession();
        RealmModel realm = context.getRealm();
        String invitationId = context.getAuthenticationSession().getAuthNote(InvitationRequiredAuthenticator.INVITATION_ID_NOTE);
        InvitationStore store = InvitationStore.of(session);
        Optional<InvitationEntity> invitation = store.find(realm.getId(), invitationId);
        invitation.ifPresent(i -> InvitationGrants.apply(session, realm, user, i));
        store.recordAcceptedUser(invitationId, user.getId());
        // Keycloak records IDENTITY_PROVIDER_FIRST_LOGIN itself when this flow succeeds; the invitation rides on
        // that event rather than on a second event of the same type (one insert less per enrolment).
        context.getEvent()
            .user(user)
            .detail(GateRefusal.INVITATION_ID, invitationId)
            .detail(GateRefusal.REASON, "invitation_accepted");
    }
}
