package io.github.flowisesso.enrollment;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/** Mounts the invitation link at {@code /realms/{realm}/invitations}: public, guarded by the token itself. */
public final class InvitationLinkResourceProviderFactory implements RealmResourceProviderFactory {

    public static final String ID = "invitations";

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new InvitationLinkResourceProvider(session);
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }
}
