package io.github.flowisesso.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.keycloak.OAuth2Constants;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.KeycloakBuilder;

/** The admin REST API as a script calls it: java.net.http with the bootstrap admin client's bearer token. */
final class AdminApi implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final Keycloak admin;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    AdminApi(String baseUrl, String clientId, String secret) {
        this.baseUrl = baseUrl;
        this.admin = KeycloakBuilder.builder().serverUrl(baseUrl).realm("master")
            .grantType(OAuth2Constants.CLIENT_CREDENTIALS).clientId(clientId).clientSecret(secret).build();
    }

    /** The admin client (realm and flow setup). */
    Keycloak client() {
        return admin;
    }

    record Answer(int status, String body) {
    }

    /** {@code method} on {@code /admin/realms/{path}} with a JSON (or CSV) body. */
    Answer call(String method, String path, String contentType, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/admin/realms/" + path))
            .timeout(Duration.ofMinutes(10))
            .header("Authorization", "Bearer " + admin.tokenManager().getAccessTokenString())
            .header("Accept", "application/json")
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Answer post(String path, Object json) {
        return call("POST", path, "application/json", write(json));
    }

    Answer get(String path) {
        return call("GET", path, null, null);
    }

    static String write(Object value) {
        try {
            return value instanceof String s ? s : JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
