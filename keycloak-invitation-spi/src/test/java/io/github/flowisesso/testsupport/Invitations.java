package io.github.flowisesso.testsupport;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.keycloak.admin.client.Keycloak;

/** Seeds and reads invitations through the test-support endpoint (the product's own storage code). */
public final class Invitations {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private final String baseUrl;
    private final Keycloak admin;
    private final HttpClient http = HttpClient.newHttpClient();

    public Invitations(String baseUrl, Keycloak admin) {
        this.baseUrl = baseUrl;
        this.admin = admin;
    }

    public record Seeded(String id, String token) {
    }

    /** A fluent description of one invitation to seed; defaults: PENDING SSO invitation for the Entra IdP, 1 h. */
    public static final class Spec {
        final Map<String, Object> body = new LinkedHashMap<>();
        String realm = TestEnvironment.REALM;

        Spec(String email) {
            body.put("email", email);
            body.put("loginType", "SSO");
            body.put("identityProvider", TestEnvironment.IDP_ALIAS);
        }

        public Spec loginType(String loginType) { body.put("loginType", loginType); return this; }
        public Spec identityProvider(String alias) { body.put("identityProvider", alias); return this; }
        public Spec status(String status) { body.put("status", status); return this; }
        public Spec expiresInSeconds(long seconds) { body.put("expiresInSeconds", seconds); return this; }
        public Spec roles(String... roles) { body.put("roles", List.of(roles)); return this; }
        public Spec groups(String... groups) { body.put("groups", List.of(groups)); return this; }
        public Spec handedOverWithoutEmail() { body.put("emailed", false); return this; }
        /** Holds its address as the admin API's invitations do (seeded rows otherwise look like rows from before). */
        public Spec holdingItsAddress() { body.put("holdsAddress", true); return this; }
        public Spec forEntraObject(String oid) { body.put("entraObjectId", oid); return this; }
        public Spec redirectUri(String uri) { body.put("redirectUri", uri); return this; }
        public Spec names(String first, String last) { body.put("firstName", first); body.put("lastName", last); return this; }
        public Spec inRealm(String realmName) { realm = realmName; return this; }
    }

    public static Spec invite(String email) {
        return new Spec(email);
    }

    public Seeded seed(Spec spec) {
        Map<String, Object> out = send(HttpRequest.newBuilder(uri(spec.realm, ""))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(write(spec.body))));
        return new Seeded((String) out.get("id"), (String) out.get("token"));
    }

    /**
     * Whether the SQL and the Java form of the SSO claim condition admit this row for this provider and Entra object
     * ({@code oid} null: an identity without one), test-support.
     */
    public Map<String, Object> ssoClaim(String id, String identityProvider, String oid) {
        return send(HttpRequest.newBuilder(uri(TestEnvironment.REALM, "/" + id + "/sso-claim?idp="
            + java.net.URLEncoder.encode(identityProvider, java.nio.charset.StandardCharsets.UTF_8)
            + (oid == null ? "" : "&oid=" + java.net.URLEncoder.encode(oid, java.nio.charset.StandardCharsets.UTF_8)))).GET());
    }

    public Map<String, Object> get(String id) {
        return get(TestEnvironment.REALM, id);
    }

    public Map<String, Object> get(String realm, String id) {
        return send(HttpRequest.newBuilder(uri(realm, "/" + id)).GET());
    }

    /** The stored row, or empty once it is gone (e.g. deleted by the retention job). */
    public java.util.Optional<Map<String, Object>> find(String realm, String id) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(realm, "/" + id))
                .header("Authorization", "Bearer " + admin.tokenManager().getAccessTokenString())
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 404) {
                return java.util.Optional.empty();
            }
            if (response.statusCode() != 200) {
                throw new IllegalStateException("test-support answered " + response.statusCode() + ": " + response.body());
            }
            return java.util.Optional.of(JSON.readValue(response.body(), MAP));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private URI uri(String realm, String path) {
        return URI.create(baseUrl + "/admin/realms/" + realm + "/invitation-test-support" + path);
    }

    private Map<String, Object> send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request
                .header("Authorization", "Bearer " + admin.tokenManager().getAccessTokenString())
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException("test-support answered " + response.statusCode() + ": " + response.body());
            }
            return JSON.readValue(response.body(), MAP);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SHA-256 hex of a token, computed here rather than by the product: what the database must hold for it. */
    public static String sha256(String token) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
