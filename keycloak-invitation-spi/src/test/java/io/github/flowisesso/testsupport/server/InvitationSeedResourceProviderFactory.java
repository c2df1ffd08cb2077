package io.github.flowisesso.testsupport.server;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory;

/** TEST ONLY: mounts {@code /admin/realms/{realm}/invitation-test-support}. */
public final class InvitationSeedResourceProviderFactory implements AdminRealmResourceProviderFactory {

    @Override
    public AdminRealmResourceProvider create(KeycloakSession session) {
        return new InvitationSeedResourceProvider();
    }

    @Override
    public String getId() {
        return "invitation-test-support";
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
