package io.github.flowisesso.logintype;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * The login-type check for an identity provider that enforces it itself (the {@code entra-id} type): a returning,
 * linked user whose login type is PASSWORD is refused at the provider's callback, before Keycloak looks for a post
 * broker login flow or creates a session. Doing it there instead of in a post broker login flow saves two redirects
 * per sign-in, and no provider of that type can be added without it.
 */
public final class BrokeredLoginTypeCheck {

    private BrokeredLoginTypeCheck() {
    }

    /**
     * The one exception to "a PASSWORD user never authenticates through Entra" is Keycloak's own account linking
     * (account console, application-initiated action, client-initiated linking). Keycloak tells it by a note its
     * broker sets while it links ({@code LINKING_IDENTITY_PROVIDER}: root session id, client id, provider alias) and
     * removes before it updates the user; so the provider remembers, when the callback starts, whom this callback
     * links. A re-authentication of a signed-in user ({@code prompt=login}, {@code max_age}, step-up) has a signed-in
     * user too, but no such note: it is a sign-in, and refused.
     */
    public static void rememberLinking(BrokeredIdentityContext identity) {
        AuthenticationSessionModel authSession = identity.getAuthenticationSession();
        String linking = authSession == null ? null : authSession.getAuthNote(LINKING_NOTE);
        UserModel signedIn = authSession == null ? null : authSession.getAuthenticatedUser();
        if (linking != null && linking.endsWith(identity.getIdpConfig().getAlias()) && signedIn != null) {
            identity.getContextData().put(LINKING_USER, signedIn.getId());
        }
    }

    /** Keycloak's IdentityBrokerService.LINKING_IDENTITY_PROVIDER. */
    static final String LINKING_NOTE = "LINKING_IDENTITY_PROVIDER";
    private static final String LINKING_USER = "flowise.linking-user";

    /**
     * @throws WebApplicationException carrying the themed 403 page; Keycloak's broker endpoint answers with it
     */
    public static void refuseIfPassword(KeycloakSession session, RealmModel realm, UserModel user, BrokeredIdentityContext identity) {
        if (!UserLoginType.isPassword(user)) {
            return;
        }
        AuthenticationSessionModel authSession = identity.getAuthenticationSession();
        if (user.getId().equals(identity.getContextData().get(LINKING_USER))) {
            // Account linking by a user who is signed in already (account console, application-initiated action):
            // no sign-in happens through the provider now. The login type holds at the next sign-in through it.
            return;
        }
        String alias = identity.getIdpConfig().getAlias();
        EventBuilder event = new EventBuilder(realm, session, session.getContext().getConnection())
            .event(EventType.IDENTITY_PROVIDER_LOGIN)
            .detail(Details.IDENTITY_PROVIDER, alias)
            .detail(Details.IDENTITY_PROVIDER_USERNAME, identity.getUsername());
        if (authSession != null) {
            event.client(authSession.getClient()).detail(Details.REDIRECT_URI, authSession.getRedirectUri());
        }
        LoginTypeRefusal.recordEvent(event, user, LoginTypeRefusal.REASON_IDP_LOGIN, "PASSWORD", alias);
        Response page = session.getProvider(LoginFormsProvider.class)
            .setAuthenticationSession(authSession)
            .setError(LoginTypeRefusal.MESSAGE_USE_PASSWORD, LoginTypeRefusal.displayName(identity.getIdpConfig()))
            .createErrorPage(Response.Status.FORBIDDEN);
        throw new WebApplicationException(page);
    }
}
