package io.github.flowisesso.testsupport;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** A plain HTTP client of {@code /admin/realms/{realm}/invitations}, as any API consumer would call it. */
public final class InvitationApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final Supplier<String> token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public InvitationApi(String baseUrl, Supplier<String> token) {
        this.baseUrl = baseUrl;
        this.token = token;
    }

    /** The same API called with another bearer token, or with none ({@code null}). */
    public InvitationApi as(String bearerToken) {
        return new InvitationApi(baseUrl, () -> bearerToken);
    }

    /** The same API called with a token fetched afresh for every call (tokens outlive no long test run). */
    public InvitationApi withTokens(Supplier<String> tokens) {
        return new InvitationApi(baseUrl, tokens);
    }

    public record Answer(int status, String body, java.net.http.HttpHeaders headers) {

        public Map<String, Object> json() {
            try {
                return JSON.readValue(body, new TypeReference<>() { });
            } catch (IOException e) {
                throw new AssertionError("expected a JSON object, got " + status + ": " + body, e);
            }
        }

        public List<Map<String, Object>> jsonList() {
            try {
                return JSON.readValue(body, new TypeReference<>() { });
            } catch (IOException e) {
                throw new AssertionError("expected a JSON array, got " + status + ": " + body, e);
            }
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    public Answer create(String realm, Object body) {
        return send("POST", realm, "", "application/json", body instanceof String s ? s : write(body), Map.of());
    }

    public Answer get(String realm, String path) {
        return send("GET", realm, path, null, null, Map.of());
    }

    public Answer delete(String realm, String id) {
        return send("DELETE", realm, "/" + id, null, null, Map.of());
    }

    public Answer resend(String realm, String id, Object body) {
        return send("POST", realm, "/" + id + "/resend", body == null ? null : "application/json",
            body == null ? null : body instanceof String s ? s : write(body), Map.of());
    }

    public Answer bulkJson(String realm, Object rows, String query) {
        return send("POST", realm, "/bulk" + query, "application/json", rows instanceof String s ? s : write(rows), Map.of());
    }

    public Answer bulkCsv(String realm, String csv, String query) {
        return send("POST", realm, "/bulk" + query, "text/csv; charset=utf-8", csv, Map.of());
    }

    /** The number of invitations a filter matches, e.g. {@code count(realm, "email=" + email)}. */
    public long count(String realm, String query) {
        Answer answer = get(realm, "/count" + (query.isEmpty() ? "" : "?" + query));
        if (answer.status() != 200) {
            throw new AssertionError("count answered " + answer);
        }
        return Long.parseLong(answer.body().strip());
    }

    public static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    public Answer send(String method, String realm, String path, String contentType, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/admin/realms/" + realm + "/invitations" + path))
            .timeout(Duration.ofMinutes(5))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        String bearer = token.get();
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        request.header("Accept", "application/json");
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body(), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A user's access token from the realm's {@code admin-cli} client (password grant), as a script would get it. */
    public static String passwordGrant(String baseUrl, String realm, String username, String password) {
        String form = "grant_type=password&client_id=admin-cli&username=" + q(username) + "&password=" + q(password);
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(baseUrl + "/realms/" + realm + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("password grant for " + username + " answered " + response.statusCode() + ": " + response.body());
            }
            Map<String, Object> tokens = JSON.readValue(response.body(), new TypeReference<>() { });
            return (String) tokens.get("access_token");
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
}
