package io.github.flowisesso.flowise;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * Flowise reached directly, behind the door, as the bridge reaches it: for test fixtures (a chatflow, an API key) and
 * for looking at Flowise's own state. Never what a browser can do.
 */
final class FlowiseDirect {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http;
    private final String base;

    private FlowiseDirect(String base) {
        this.base = base;
        this.http = HttpClient.newBuilder().cookieHandler(new CookieManager()).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** Signed in as Flowise's one account (the bridge's). */
    static FlowiseDirect signedIn(FlowiseStack stack) {
        FlowiseDirect flowise = new FlowiseDirect(stack.flowiseInternalUrl());
        HttpResponse<String> login = flowise.send("POST", "/api/v1/auth/login",
            Map.of("email", FlowiseStack.ACCOUNT_EMAIL, "password", stack.accountPassword()));
        if (login.statusCode() != 200) {
            throw new AssertionError("the bridge's account cannot sign into Flowise: " + login.statusCode() + " " + login.body());
        }
        return flowise;
    }

    /** Anyone, without a session. */
    static FlowiseDirect anonymous(FlowiseStack stack) {
        return new FlowiseDirect(stack.flowiseInternalUrl());
    }

    HttpResponse<String> send(String method, String path, Object body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("x-request-from", "internal")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    JsonNode json(String method, String path, Object body) {
        HttpResponse<String> response = send(method, path, body);
        if (response.statusCode() / 100 != 2) {
            throw new AssertionError(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
