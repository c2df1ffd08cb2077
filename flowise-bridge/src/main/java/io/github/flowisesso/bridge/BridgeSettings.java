package io.github.flowisesso.bridge;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.util.Map;

/** The bridge's settings, all from the environment (docker-compose passes them from .env; tests set them). */
record BridgeSettings(String host, int port, String issuer, URL jwks, String clientId, URI flowise, String publicScheme,
                      String accountName, String accountEmail, String accountPassword) {

    static final String LISTEN_HOST = "BRIDGE_HOST";
    static final String LISTEN_PORT = "BRIDGE_PORT";
    /** The realm's issuer as tokens carry it: {KC_HOSTNAME}/realms/flowise. */
    static final String ISSUER = "KEYCLOAK_ISSUER";
    /** Where the realm's keys are fetched; defaults to the issuer's certs endpoint (set it to reach Keycloak internally). */
    static final String JWKS_URL = "KEYCLOAK_JWKS_URL";
    static final String CLIENT_ID = "FLOWISE_CLIENT_ID";
    /** Flowise as the bridge reaches it (not through the door). */
    static final String FLOWISE_INTERNAL_URL = "FLOWISE_INTERNAL_URL";
    /** Flowise's public URL: its scheme decides whether Flowise is told the browser came over https. */
    static final String FLOWISE_URL = "FLOWISE_URL";
    static final String ACCOUNT_NAME = "FLOWISE_ACCOUNT_NAME";
    static final String ACCOUNT_EMAIL = "FLOWISE_ACCOUNT_EMAIL";
    /** The secret of Flowise's one account; no person needs to know it. */
    static final String ACCOUNT_PASSWORD = "FLOWISE_ACCOUNT_PASSWORD";

    static BridgeSettings from(Map<String, String> env) {
        String issuer = required(env, ISSUER);
        String jwks = env.getOrDefault(JWKS_URL, "");
        String password = required(env, ACCOUNT_PASSWORD);
        // Flowise's own rule (8-128 characters, lower, upper, digit, other): checked here so the bridge says so at start.
        if (password.length() < 8 || password.length() > 128 || !password.matches("(?s)(?=.*[a-z])(?=.*[A-Z])(?=.*\\d)(?=.*[^a-zA-Z0-9]).*")) {
            throw new IllegalArgumentException(ACCOUNT_PASSWORD + " must have 8-128 characters with a lower-case and an "
                + "upper-case letter, a digit and another character (Flowise's password rule)");
        }
        try {
            return new BridgeSettings(
                env.getOrDefault(LISTEN_HOST, "127.0.0.1"),
                Integer.parseInt(env.getOrDefault(LISTEN_PORT, "3100")),
                issuer,
                URI.create(jwks.isBlank() ? issuer + "/protocol/openid-connect/certs" : jwks).toURL(),
                env.getOrDefault(CLIENT_ID, "flowise"),
                URI.create(withSlash(required(env, FLOWISE_INTERNAL_URL))),
                URI.create(required(env, FLOWISE_URL)).getScheme(),
                env.getOrDefault(ACCOUNT_NAME, "Flowise SSO"),
                env.getOrDefault(ACCOUNT_EMAIL, "flowise-sso-bridge@example.com"),
                password);
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("Bad bridge setting: " + e.getMessage(), e);
        }
    }

    private static String required(Map<String, String> env, String key) {
        String value = env.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " is required");
        }
        return value.trim();
    }

    private static String withSlash(String url) {
        return url.endsWith("/") ? url : url + "/";
    }

    @Override
    public String toString() {
        // Never the password.
        return "BridgeSettings[" + host + ":" + port + ", issuer=" + issuer + ", jwks=" + jwks + ", client=" + clientId
            + ", flowise=" + flowise + ", account=" + accountEmail + "]";
    }
}
