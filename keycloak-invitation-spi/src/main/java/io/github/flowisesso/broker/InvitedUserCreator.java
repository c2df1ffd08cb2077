package io.github.flowisesso.broker;

import io.github.flowisesso.entra.EntraClaims;
import io.github.flowisesso.entra.EntraIdentity;
import io.github.flowisesso.invitation.Enrollment;
import io.github.flowisesso.invitation.InvitationEntity;
import io.github.flowisesso.invitation.InvitationGrants;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.authenticators.broker.AbstractIdpAuthenticator;
import org.keycloak.authentication.authenticators.broker.util.SerializedBrokeredIdentityContext;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import static org.keycloak.broker.provider.AbstractIdentityProvider.BROKER_REGISTERED_NEW_USER;

/**
 * "Create invited user": lets a brokered identity in only with a matching invitation, consumes it and creates the
 * account, in one transaction; never links an existing account by email.
 *
 * <p>The common case costs one statement beyond Keycloak's own user creation: once the token checks pass and no
 * account uses the address (Keycloak's own two lookups, as in "create user if unique"), the open invitation for the
 * address is claimed and read in one conditional update (PostgreSQL, H2). Everything else (no invitation, expired,
 * other login type, an account to resume, other databases, a claim lost to a simultaneous completion) takes the
 * read-only decision of {@link InvitationMatcher#admit}, which names the reason, and then claims by id. Of two
 * simultaneous completions only one claims; the other writes nothing. The account is created as Keycloak's own
 * "create user if unique" does it (local storage, default roles and required actions, the brokered attributes); a
 * duplicate created meanwhile by someone else is refused by the database's unique username and email, and the whole
 * transaction, the claim included, rolls back.
 */
final class InvitedUserCreator extends AbstractIdpAuthenticator {

    static final String NO_LONGER_VALID = "invitation_no_longer_valid";

    @Override
    protected void authenticateImpl(AuthenticationFlowContext context, SerializedBrokeredIdentityContext serializedCtx,
                                    BrokeredIdentityContext brokerContext) {
        KeycloakSession session = context.getSession();
        RealmModel realm = context.getRealm();
        InvitationMatcher.TokenCheck token = InvitationMatcher.checkToken(brokerContext);
        Optional<String> email = Optional.ofNullable(token.email());
        boolean noAccount = email.isPresent() && !Enrollment.accountExists(session, realm, email.get());
        if (noAccount) {
            Optional<Enrollment.Enrolled> enrolled = Enrollment.claimOpenAndCreate(session, realm, email.get(),
                brokerContext.getIdpConfig().getAlias(), EntraIdentity.of(EntraClaims.of(brokerContext))
                    .map(EntraIdentity::objectId).orElse(null));
            if (enrolled.isPresent()) {
                enrolled(context, serializedCtx, enrolled.get().invitation(), enrolled.get().user());
                return;
            }
        }

        // The address was just found free of accounts: no need for admit to look again.
        MatchResult match = noAccount ? InvitationMatcher.match(session, realm, brokerContext, token)
            : InvitationMatcher.admit(session, realm, brokerContext, token);
        if (!match.isMatched()) {
            GateRefusal.refuse(context, EntraClaims.tokenEmail(brokerContext), match);
            return;
        }
        if (match.isResumption()) {
            // This identity's own account, created before its browser stopped: Keycloak links it after the flow.
            context.getEvent().clone().event(EventType.IDENTITY_PROVIDER_FIRST_LOGIN)
                .user(match.resumable()).detail(GateRefusal.INVITATION_ID, match.invitationId())
                .detail(GateRefusal.REASON, "enrollment_resumed").success();
            context.setUser(match.resumable());
            context.success();
            return;
        }
        InvitationEntity invitation = match.invitation();
        // The invited, canonical address is the username: stable and unique, unlike Entra's preferred_username.
        Optional<UserModel> created = Enrollment.claimAndCreate(session, realm, invitation.getId(), invitation.getEmail());
        if (created.isEmpty()) {
            GateRefusal.refuse(context, EntraClaims.tokenEmail(brokerContext), NO_LONGER_VALID, invitation.getId(), GateRefusal.MESSAGE_NO_LONGER_VALID);
            return;
        }
        enrolled(context, serializedCtx, invitation, created.get());
    }

    private static void enrolled(AuthenticationFlowContext context, SerializedBrokeredIdentityContext serializedCtx,
                                 InvitationEntity invitation, UserModel user) {
        for (Map.Entry<String, List<String>> attribute : BrokeredAttributes.valid(context.getSession(), user,
                serializedCtx.getAttributes()).entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
            user.setAttribute(attribute.getKey(), attribute.getValue());
        }
        InvitationGrants.apply(context.getSession(), context.getRealm(), user, invitation);
        // Keycloak records IDENTITY_PROVIDER_FIRST_LOGIN itself when this flow succeeds; the invitation rides on
        // that event rather than on a second event of the same type (one insert less per enrollment).
        context.getEvent()
            .user(user)
            .detail(GateRefusal.INVITATION_ID, invitation.getId())
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
