package io.github.flowisesso.logintype;

import jakarta.ws.rs.core.Response;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.broker.util.PostBrokerLoginConstants;
import org.keycloak.authentication.authenticators.broker.util.SerializedBrokeredIdentityContext;
import org.keycloak.events.EventType;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * For a post broker login flow: refuses a linked user whose login type is PASSWORD (an admin changed it after
 * enrollment, or linked an identity by hand) with a themed page and an {@code IDENTITY_PROVIDER_POST_LOGIN_ERROR}
 * event. Runs before Keycloak creates the user session, so a refusal leaves no session behind. Users with login
 * type SSO or without a login type pass.
 */
final class SsoLoginTypeRequiredAuthenticator implements Authenticator {

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        UserModel user = context.getUser();
        if (!UserLoginType.isPassword(user)) {
            context.success();
            return;
        }
        String alias = brokeredIdentityProvider(context);
        LoginTypeRefusal.recordEvent(context, EventType.IDENTITY_PROVIDER_POST_LOGIN, user,
            LoginTypeRefusal.REASON_IDP_LOGIN, "PASSWORD", alias);
        Response page = context.form()
            .setError(LoginTypeRefusal.MESSAGE_USE_PASSWORD, providerName(context.getSession(), alias))
            .createErrorPage(Response.Status.FORBIDDEN);
        // Not a failed login for brute-force detection: nothing was guessed.
        context.forceChallenge(page);
    }

    private static String brokeredIdentityProvider(AuthenticationFlowContext context) {
        SerializedBrokeredIdentityContext brokered = SerializedBrokeredIdentityContext.readFromAuthenticationSession(
            context.getAuthenticationSession(), PostBrokerLoginConstants.PBL_BROKERED_IDENTITY_CONTEXT);
        return brokered == null ? null : brokered.getIdentityProviderId();
    }

    private static String providerName(KeycloakSession session, String alias) {
        IdentityProviderModel idp = alias == null ? null : session.identityProviders().getByAlias(alias);
        return idp == null ? (alias == null ? "single sign-on" : alias) : LoginTypeRefusal.displayName(idp);
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        // No form of its own.
    }

    @Override
    public boolean requiresUser() {
        return true;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public void close() {
    }
}
