package io.github.flowisesso.enrollment;

import io.github.flowisesso.invitation.InvitationTokens;
import io.github.flowisesso.invitation.InvitationEntity;
import io.github.flowisesso.invitation.FlowiseClient;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.urls.UrlType;

/**
 * SSO invitee: a standard authorization request for the {@code flowise} client, straight to the invitation's
 * identity provider with the invited address as {@code login_hint}. The first-broker-login gate does the rest
 * (match, consume, create), exactly as when the invitee signs in from Flowise without clicking the link. The
 * invitation stays PENDING until then, so a cancelled or failed IdP login leaves it usable.
 */
final class SsoEnrollment {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final InvitationPages pages;

    SsoEnrollment(KeycloakSession session, InvitationPages pages) {
        this.session = session;
        this.realm = session.getContext().getRealm();
        this.pages = pages;
    }

    Response start(InvitationEntity invitation) {
        String target = EnrollmentTarget.of(session, realm, invitation).orElse(null);
        if (target == null) {
            return pages.noLongerValid(LinkRefusal.REDIRECT_NOT_ALLOWED, invitation.getId());
        }
        // Flowise's relying party starts the authorization itself and redeems the code: one pass.
        var initiate = EnrollmentTarget.initiateLogin(session, realm, target, invitation.getEmail(), invitation.getIdentityProvider());
        if (initiate.isPresent()) {
            return InvitationPages.noStore(Response.seeOther(initiate.get()));
        }
        // No relying party named on the client: the code lands at the target unused; PKCE is still sent because the
        // client requires it.
        String verifier = InvitationTokens.newToken();
        UriBuilder auth = UriBuilder.fromUri(session.getContext().getUri(UrlType.FRONTEND).getBaseUri())
            .path("realms").path(realm.getName()).path("protocol/openid-connect/auth")
            .queryParam("client_id", FlowiseClient.CLIENT_ID)
            .queryParam("redirect_uri", target)
            .queryParam("response_type", "code")
            .queryParam("scope", "openid")
            .queryParam("state", InvitationTokens.newToken())
            .queryParam("nonce", InvitationTokens.newToken())
            .queryParam("code_challenge", InvitationTokens.pkceChallenge(verifier))
            .queryParam("code_challenge_method", "S256")
            .queryParam("kc_idp_hint", invitation.getIdentityProvider())
            .queryParam("login_hint", invitation.getEmail());
        return InvitationPages.noStore(Response.seeOther(auth.build()));
    }
}
