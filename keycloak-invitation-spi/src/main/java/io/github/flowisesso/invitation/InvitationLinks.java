package io.github.flowisesso.invitation;

import java.net.URI;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.Urls;
import org.keycloak.urls.UrlType;

/**
 * Invitation links, on the realm's frontend URL as Keycloak's own action-token emails are: the configured hostname
 * or realm frontend URL, never a Host header an attacker could choose (when a hostname is configured).
 */
public record InvitationLinks(URI frontendBase) {

    public static InvitationLinks of(KeycloakSession session) {
        return new InvitationLinks(session.getContext().getUri(UrlType.FRONTEND).getBaseUri());
    }

    /** {@code {frontend}/realms/{realm}/invitations/accept?token=…}; the accept endpoint is a separate provider. */
    public String accept(String realmName, String token) {
        return Urls.realmBase(frontendBase).path("{realm}/invitations/accept").queryParam("token", token)
            .build(realmName).toString();
    }
}
