package io.github.flowisesso.broker;

import io.github.flowisesso.entra.EntraClaims;
import io.github.flowisesso.invitation.InvitationEntity;
import io.github.flowisesso.invitation.InvitationGrants;
import io.github.flowisesso.invitation.InvitationStore;
import java.util.Optional;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.authenticators.broker.IdpCreateUserIfUniqueAuthenticator;
import org.keycloak.authentication.authenticators.broker.util.SerializedBrokeredIdentityContext;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.common.util.Time;
import org.keycloak.events.EventType;
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
        EntraClaims.bind(user, brokerContext);
        store.recordAcceptedUser(invitationId, user.getId());
        context.getEvent().clone()
            .event(EventType.IDENTITY_PROVIDER_FIRST_LOGIN)
            .user(user)
            .detail(GateRefusal.INVITATION_ID, invitationId)
            .detail(GateRefusal.REASON, "invitation_accepted")
            .success();
    }
}
