package io.github.flowisesso.broker;

import io.github.flowisesso.invitation.Enrolment;
import io.github.flowisesso.invitation.InvitationGrants;
import io.github.flowisesso.invitation.InvitationStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.authenticators.broker.AbstractIdpAuthenticator;
import org.keycloak.authentication.authenticators.broker.util.SerializedBrokeredIdentityContext;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import static org.keycloak.broker.provider.AbstractIdentityProvider.BROKER_REGISTERED_NEW_USER;

/**
 * Consumes the invitation the gate found and creates the account, in one transaction. The claim (a conditional
 * update that also records the account's id, chosen beforehand) comes first, so of two simultaneous completions
 * only one creates a user; the other writes nothing. The account is created as Keycloak's own "create user if
 * unique" does it (local storage, default roles and required actions, the brokered attributes), without its
 * duplicate check, which the gate made in the same request; a duplicate created meanwhile by someone else is
 * refused by the database's unique username and email, and the whole transaction, the claim included, rolls back.
 */
final class InvitedUserCreator extends AbstractIdpAuthenticator {

    static final String NO_LONGER_VALID = "invitation_no_longer_valid";

    @Override
    protected void authenticateImpl(AuthenticationFlowContext context, SerializedBrokeredIdentityContext serializedCtx,
                                    BrokeredIdentityContext brokerContext) {
        KeycloakSession session = context.getSession();
        RealmModel realm = context.getRealm();
        String resumed = context.getAuthenticationSession().getAuthNote(InvitationRequiredAuthenticator.RESUMED_USER_NOTE);
        if (resumed != null) {
            // The gate found this identity's own, unlinked account: Keycloak links it after the flow.
            context.setUser(session.users().getUserById(realm, resumed));
            context.success();
            return;
        }
        String invitationId = context.getAuthenticationSession().getAuthNote(InvitationRequiredAuthenticator.INVITATION_ID_NOTE);
        String username = context.getAuthenticationSession().getAuthNote(InvitationRequiredAuthenticator.INVITATION_EMAIL_NOTE);
        if (invitationId == null || username == null) {
            // Fail closed when a flow puts this step without the gate before it.
            GateRefusal.refuse(context, brokerContext.getEmail(), InvitationMatcher.NOT_INVITED, null, GateRefusal.MESSAGE_NOT_INVITED);
            return;
        }
        // The invited, canonical address is the username: stable and unique, unlike Entra's preferred_username.
        Optional<UserModel> created = Enrolment.claimAndCreate(session, realm, invitationId, username);
        if (created.isEmpty()) {
            GateRefusal.refuse(context, brokerContext.getEmail(), NO_LONGER_VALID, invitationId, GateRefusal.MESSAGE_NO_LONGER_VALID);
            return;
        }
        UserModel user = created.get();
        for (Map.Entry<String, List<String>> attribute : serializedCtx.getAttributes().entrySet().stream()
                .sorted(Map.Entry.comparingByKey()).toList()) {
            if (!UserModel.USERNAME.equalsIgnoreCase(attribute.getKey())) {
                user.setAttribute(attribute.getKey(), attribute.getValue());
            }
        }
        InvitationStore.of(session).find(realm.getId(), invitationId).ifPresent(i -> InvitationGrants.apply(session, realm, user, i));
        // Keycloak records IDENTITY_PROVIDER_FIRST_LOGIN itself when this flow succeeds; the invitation rides on
        // that event rather than on a second event of the same type (one insert less per enrolment).
        context.getEvent()
            .user(user)
            .detail(GateRefusal.INVITATION_ID, invitationId)
            .detail(GateRefusal.REASON, "invitation_accepted");
        context.setUser(user);
        context.getAuthenticationSession().setAuthNote(BROKER_REGISTERED_NEW_USER, "true");
        context.success();
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
