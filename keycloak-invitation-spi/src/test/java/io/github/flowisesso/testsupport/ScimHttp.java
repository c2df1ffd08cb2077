package io.github.flowisesso.testsupport;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * Raw SCIM requests, byte for byte as a client sends them: for Entra's documented request sequences replayed
 * verbatim (its quirks included), and for what a well-behaved client never sends (bad tokens, bad filters, huge
 * bodies). The well-behaved client is the UnboundID SCIM 2 SDK.
 */
public final class ScimHttp {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String baseUrl;
    private final String token;

    public ScimHttp(String baseUrl, String token) {
        this.baseUrl = baseUrl;
        this.token = token;
    }

    public static String baseUrl(TestEnvironment env, String realm) {
        return env.keycloak().baseUrl() + "/realms/" + realm + "/scim/v2";
    }

    public ScimHttp withToken(String other) {
        return new ScimHttp(baseUrl, other);
    }

    /** An answer: status, content type and body. */
    public record Answer(int status, String contentType, String body) {

        public Map<String, Object> json() {
            try {
                return JSON.readValue(body, new TypeReference<>() { });
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    public Answer send(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
            .header("Accept", "application/scim+json")
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/scim+json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
