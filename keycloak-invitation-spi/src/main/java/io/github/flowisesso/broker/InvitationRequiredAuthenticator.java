package io.github.flowisesso.broker;

import io.github.flowisesso.entra.EntraClaims;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.authenticators.broker.AbstractIdpAuthenticator;
import org.keycloak.authentication.authenticators.broker.util.SerializedBrokeredIdentityContext;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * "Invitation required": an optional early check for first-broker-login flows that show a form (such as Keycloak's
 * review profile) before {@link InvitedUserCreator}: identities without a matching invitation, or whose address
 * already has an account, are refused before they see it. It writes nothing; the creator decides again on its own
 * and is safe without it, which is why the shipped flow runs the creator alone.
 */
final class InvitationRequiredAuthenticator extends AbstractIdpAuthenticator {

    @Override
    protected void authenticateImpl(AuthenticationFlowContext context, SerializedBrokeredIdentityContext serializedCtx,
                                    BrokeredIdentityContext brokerContext) {
        MatchResult match = InvitationMatcher.admit(context.getSession(), context.getRealm(), brokerContext);
        if (!match.isMatched()) {
            GateRefusal.refuse(context, EntraClaims.tokenEmail(brokerContext), match);
            return;
        }
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
