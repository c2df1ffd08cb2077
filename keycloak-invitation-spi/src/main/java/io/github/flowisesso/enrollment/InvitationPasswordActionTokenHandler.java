package io.github.flowisesso.enrollment;

import io.github.flowisesso.invitation.FlowiseClient;
import io.github.flowisesso.invitation.InvitationTokens;
import jakarta.ws.rs.core.Cookie;
import org.keycloak.TokenVerifier;
import org.keycloak.authentication.actiontoken.AbstractActionTokenHandler;
import org.keycloak.authentication.actiontoken.ActionTokenContext;
import org.keycloak.authentication.actiontoken.TokenUtils;
import org.keycloak.events.Errors;
import org.keycloak.events.EventType;
import org.keycloak.models.UserModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.messages.Messages;
import org.keycloak.sessions.AuthenticationSessionModel;
import jakarta.ws.rs.core.Response;

/**
 * Runs Keycloak's update-password required action for the invitee and then finishes a normal login for the
 * {@code flowise} client, so the browser lands at the invitation's target with a Keycloak SSO session.
 * Unlike Keycloak's "execute actions" emails, no confirmation page: the invitee has just confirmed on ours.
 */
public final class InvitationPasswordActionTokenHandler extends AbstractActionTokenHandler<InvitationPasswordActionToken> {

    public InvitationPasswordActionTokenHandler() {
        super(InvitationPasswordActionToken.TOKEN_TYPE, InvitationPasswordActionToken.class, Messages.INVALID_CODE,
            EventType.EXECUTE_ACTIONS, Errors.NOT_ALLOWED);
    }

    @Override
    @SuppressWarnings("unchecked")
    public TokenVerifier.Predicate<? super InvitationPasswordActionToken>[] getVerifiers(
            ActionTokenContext<InvitationPasswordActionToken> tokenContext) {
        return TokenUtils.predicates(
            TokenUtils.checkThat(t -> FlowiseClient.verify(tokenContext.getSession(), tokenContext.getAuthenticationSession().getClient(),
                t.getRedirectUri()).isPresent(), Errors.INVALID_REDIRECT_URI, Messages.INVALID_REDIRECT_URI),
            TokenUtils.checkThat(t -> boundToThisBrowser(t, tokenContext), Errors.NOT_ALLOWED, Messages.INVALID_CODE),
            verifyEmail(tokenContext));
    }

    private static boolean boundToThisBrowser(InvitationPasswordActionToken token, ActionTokenContext<InvitationPasswordActionToken> context) {
        Cookie cookie = context.getRequest().getHttpHeaders().getCookies().get(InvitationPasswordActionToken.BINDING_COOKIE);
        return cookie != null && InvitationTokens.sameValue(InvitationTokens.hash(cookie.getValue()), token.getBindingHash());
    }

    @Override
    public AuthenticationSessionModel startFreshAuthenticationSession(InvitationPasswordActionToken token,
                                                                      ActionTokenContext<InvitationPasswordActionToken> tokenContext) {
        // Deliberately without END_AFTER_REQUIRED_ACTIONS: the invitee is to be signed in afterwards.
        return tokenContext.createAuthenticationSessionForClient(token.getIssuedFor());
    }

    @Override
    public Response handleToken(InvitationPasswordActionToken token, ActionTokenContext<InvitationPasswordActionToken> tokenContext) {
        AuthenticationSessionModel authSession = tokenContext.getAuthenticationSession();
        String redirectUri = FlowiseClient.verify(tokenContext.getSession(), authSession.getClient(), token.getRedirectUri())
            .orElseThrow(() -> new IllegalStateException("verified when the token was checked"));
        authSession.setRedirectUri(redirectUri);
        authSession.setClientNote(OIDCLoginProtocol.REDIRECT_URI_PARAM, redirectUri);
        // With Flowise's relying party named on the client, Keycloak ends at its login initiation without a code
        // (as its own execute-actions links do), and the relying party signs in from the new session.
        EnrollmentTarget.initiateLogin(tokenContext.getSession(), tokenContext.getRealm(), redirectUri, null, null)
            .ifPresent(initiate -> {
                authSession.setAuthNote(AuthenticationManager.SET_REDIRECT_URI_AFTER_REQUIRED_ACTIONS, "true");
                authSession.setRedirectUri(initiate.toString());
            });
        authSession.addRequiredAction(UserModel.RequiredAction.UPDATE_PASSWORD);
        String next = AuthenticationManager.nextRequiredAction(tokenContext.getSession(), authSession, tokenContext.getRequest(), tokenContext.getEvent());
        return AuthenticationManager.redirectToRequiredActions(tokenContext.getSession(), tokenContext.getRealm(), authSession,
            tokenContext.getUriInfo(), next);
    }

    @Override
    public boolean canUseTokenRepeatedly(InvitationPasswordActionToken token, ActionTokenContext<InvitationPasswordActionToken> tokenContext) {
        return false;
    }
}
