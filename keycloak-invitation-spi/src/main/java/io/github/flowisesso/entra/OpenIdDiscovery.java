package io.github.flowisesso.entra;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.keycloak.broker.provider.IdentityBrokerException;
import org.keycloak.common.util.Time;
import org.keycloak.http.simple.SimpleHttp;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.representations.OIDCConfigurationRepresentation;

/**
 * Reads endpoints from the tenant's discovery document, which Entra ID and test stand-ins both serve at
 * {@code {issuer}/.well-known/openid-configuration}. Cached per issuer for a few minutes: it is public, rarely
 * changing configuration, not invitation state, so a node-local cache is safe.
 */
final class OpenIdDiscovery {

    record Endpoints(String authorization, String token, String jwks, String endSession) {
    }

    private record Cached(Endpoints endpoints, long fetchedAt) {
    }

    private static final long TTL_MILLIS = 10 * 60 * 1000L;
    private static final Map<String, Cached> CACHE = new ConcurrentHashMap<>();

    private OpenIdDiscovery() {
    }

    static Endpoints endpoints(KeycloakSession session, String issuer) {
        long now = Time.currentTimeMillis();
        Cached cached = CACHE.get(issuer);
        if (cached != null && now - cached.fetchedAt() < TTL_MILLIS) {
            return cached.endpoints();
        }
        Endpoints endpoints = fetch(session, issuer);
        CACHE.put(issuer, new Cached(endpoints, now));
        return endpoints;
    }

    static OIDCConfigurationRepresentation document(KeycloakSession session, String issuer) throws IOException {
        return SimpleHttp.create(session).doGet(issuer + "/.well-known/openid-configuration")
            .asJson(OIDCConfigurationRepresentation.class);
    }

    private static Endpoints fetch(KeycloakSession session, String issuer) {
        OIDCConfigurationRepresentation doc;
        try {
            doc = document(session, issuer);
        } catch (IOException | RuntimeException e) {
            throw new IdentityBrokerException("Could not read the discovery document of " + issuer, e);
        }
        if (doc == null || !issuer.equals(doc.getIssuer())) {
            // A document for another issuer means a wrong tenant or authority: never follow its endpoints.
            throw new IdentityBrokerException("Discovery document of " + issuer + " names another issuer");
        }
        Endpoints endpoints = new Endpoints(doc.getAuthorizationEndpoint(), doc.getTokenEndpoint(), doc.getJwksUri(), doc.getLogoutEndpoint());
        if (!AuthorityHosts.sameOrigin(issuer, endpoints.authorization()) || !AuthorityHosts.sameOrigin(issuer, endpoints.token())
                || !AuthorityHosts.sameOrigin(issuer, endpoints.jwks())) {
            // The secret goes to the token endpoint: never to a host other than the allowed authority.
            throw new IdentityBrokerException("Discovery document of " + issuer + " points outside its authority");
        }
        return endpoints;
    }
}
