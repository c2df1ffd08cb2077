package io.github.flowisesso.testsupport;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** The claims an Entra ID tenant puts into an ID token for one person. */
public final class EntraUser {

    private final String oid;
    private final Map<String, Object> claims = new LinkedHashMap<>();

    private EntraUser(String tenantId, String email) {
        this.oid = UUID.randomUUID().toString();
        claims.put("tid", tenantId);
        claims.put("oid", oid);
        if (email != null) {
            claims.put("email", email);
            claims.put("preferred_username", email);
        }
        claims.put("name", "Ada Lovelace");
        claims.put("given_name", "Ada");
        claims.put("family_name", "Lovelace");
        claims.put("xms_edov", true);
    }

    /** A member of the test tenant whose email Entra reports as verified. */
    public static EntraUser of(TestEnvironment env, String email) {
        return new EntraUser(env.entra().tenantId(), email);
    }

    /** A member of that tenant whose email Entra reports as verified. */
    public static EntraUser of(String tenantId, String email) {
        return new EntraUser(tenantId, email);
    }

    public EntraUser claim(String name, Object value) {
        claims.put(name, value);
        return this;
    }

    public EntraUser without(String claim) {
        claims.remove(claim);
        return this;
    }

    /** Entra's {@code sub}; Keycloak links the account to it. */
    public String subject() {
        return oid;
    }

    public Map<String, Object> claims() {
        return claims;
    }
}
