package io.github.flowisesso.testsupport;

import java.util.Map;

/** Keycloak's own {@code oidc} provider type pointed at a mock-oauth2-server issuer: a provider that is not entra-id. */
public final class GenericOidc {

    private GenericOidc() {
    }

    /** Endpoints and the checks an admin would switch on (signature, PKCE S256); add client id and secret. */
    public static Map<String, String> config(String issuer) {
        return Map.of(
            "issuer", issuer,
            "authorizationUrl", issuer + "/authorize",
            "tokenUrl", issuer + "/token",
            "jwksUrl", issuer + "/jwks",
            "useJwksUrl", "true",
            "validateSignature", "true",
            "pkceEnabled", "true",
            "pkceMethod", "S256",
            "syncMode", "IMPORT");
    }
}
