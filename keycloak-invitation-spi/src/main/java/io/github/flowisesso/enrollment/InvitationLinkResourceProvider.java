package io.github.flowisesso.enrollment;

import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resource.RealmResourceProvider;

final class InvitationLinkResourceProvider implements RealmResourceProvider {

    private final KeycloakSession session;

    InvitationLinkResourceProvider(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public Object getResource() {
        return new InvitationLinkResource(session);
    }

    @Override
    public void close() {
    }
}
