package io.github.flowisesso.scim;

import jakarta.ws.rs.Path;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/** Mounts the SCIM service provider at {@code /realms/{realm}/scim/v2}. */
public final class ScimResourceProviderFactory implements RealmResourceProviderFactory {

    static final String ID = "scim";

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new Provider(session);
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

    @Override
    public String getId() {
        return ID;
    }

    /** The provider a request gets: the JAX-RS root below {@code /realms/{realm}/scim}. */
    public static final class Provider implements RealmResourceProvider {

        private final KeycloakSession session;

        Provider(KeycloakSession session) {
            this.session = session;
        }

        @Override
        public Object getResource() {
            return this;
        }

        @Path("v2")
        public ScimUsers v2() {
            return new ScimUsers(session, session.getContext().getRealm());
        }

        @Override
        public void close() {
        }
    }
}
