package io.github.flowisesso.enrollment;

import io.github.flowisesso.invitation.InvitationEntity;
import io.github.flowisesso.invitation.FlowiseClient;
import jakarta.ws.rs.core.UriBuilder;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.Urls;
import org.keycloak.urls.UrlType;

/**
 * Where an invitee lands after enrolling: the invitation's target, or Flowise's URL; always a registered redirect.
 *
 * <p>When the {@code flowise} client names its relying party's login initiation endpoint (client attribute
 * {@value #INITIATE_LOGIN_URI_ATTRIBUTE}, OpenID Connect "Initiating Login from a Third Party"), the journey ends
 * there instead, with {@code iss} and {@code target_link_uri}: the relying party (Flowise's door) starts its own
 * authorization request, Keycloak answers it from the session just made, and the door redeems the code itself. Without
 * it, an authorization code would land at the target that nobody redeems.
 */
final class EnrollmentTarget {

    /** The relying party's login initiation endpoint; must itself be one of the client's redirect URIs. */
    static final String INITIATE_LOGIN_URI_ATTRIBUTE = "initiate.login.uri";

    private EnrollmentTarget() {
    }

    static ClientModel flowise(RealmModel realm) {
        return FlowiseClient.of(realm).orElse(null);
    }

    static Optional<String> of(KeycloakSession session, RealmModel realm, InvitationEntity invitation) {
        ClientModel client = flowise(realm);
        if (client == null) {
            return Optional.empty();
        }
        String wanted = invitation.getRedirectUri() != null ? invitation.getRedirectUri() : FlowiseClient.defaultTarget(realm);
        return FlowiseClient.verify(session, client, wanted);
    }

    /**
     * The relying party's login initiation for this (verified) target, when the client names one that is itself a
     * registered redirect URI. {@code loginHint} and {@code idpHint} (may be null) ride along for the relying party's
     * authorization request.
     */
    static Optional<URI> initiateLogin(KeycloakSession session, RealmModel realm, String target, String loginHint, String idpHint) {
        ClientModel client = flowise(realm);
        String initiate = client == null ? null : client.getAttribute(INITIATE_LOGIN_URI_ATTRIBUTE);
        if (initiate == null || initiate.isBlank() || FlowiseClient.verify(session, client, initiate).isEmpty()) {
            return Optional.empty();
        }
        URI frontend = session.getContext().getUri(UrlType.FRONTEND).getBaseUri();
        UriBuilder uri = UriBuilder.fromUri(initiate)
            .queryParam("iss", Urls.realmIssuer(frontend, realm.getName()))
            .queryParam("target_link_uri", target);
        if (loginHint != null) {
            uri.queryParam("login_hint", loginHint);
        }
        if (idpHint != null) {
            // Extra parameters for the relying party's authorization request, as one query string.
            uri.queryParam("auth_request_params", "kc_idp_hint=" + URLEncoder.encode(idpHint, StandardCharsets.UTF_8));
        }
        return Optional.of(uri.build());
    }
}
