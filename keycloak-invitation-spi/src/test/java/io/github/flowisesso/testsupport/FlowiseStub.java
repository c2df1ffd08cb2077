package io.github.flowisesso.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands where Flowise's door would, for the tests of Keycloak's half, and speaks only the door's first words: at
 * its redirect URI it takes a third-party-initiated login ({@code iss}, {@code target_link_uri}, {@code login_hint},
 * {@code auth_request_params}) and starts an authorization request of the {@code flowise} client as the door does;
 * a code arriving there it only shows. It claims no sign-in: whether the door then signs the person into Flowise is
 * what FlowiseDoorIT proves with the real door and real Flowise.
 */
public final class FlowiseStub implements AutoCloseable {

    private final HttpServer server;
    private final String verifier = UUID.randomUUID() + "-" + UUID.randomUUID();
    private final List<Map<String, String>> initiations = new CopyOnWriteArrayList<>();

    public FlowiseStub() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI());
        if (exchange.getRequestURI().getPath().equals("/oauth2/callback") && query.containsKey("iss")
                && query.containsKey("target_link_uri") && !query.containsKey("code")) {
            initiations.add(query);
            StringBuilder auth = new StringBuilder(query.get("iss")).append("/protocol/openid-connect/auth")
                .append("?client_id=flowise&response_type=code&scope=openid")
                .append("&redirect_uri=").append(enc(callbackUrl()))
                .append("&state=").append(UUID.randomUUID()).append("&nonce=").append(UUID.randomUUID())
                .append("&code_challenge=").append(challenge()).append("&code_challenge_method=S256");
            if (query.containsKey("login_hint")) {
                auth.append("&login_hint=").append(enc(query.get("login_hint")));
            }
            if (query.containsKey("auth_request_params")) {
                auth.append('&').append(query.get("auth_request_params"));
            }
            exchange.getResponseHeaders().add("Location", auth.toString());
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
            return;
        }
        String message = query.containsKey("code")
            ? "Keycloak sent the door an authorization code. This stand-in is not the door: run with real Flowise to go on."
            : "This page stands where Flowise's door would be.";
        byte[] body = ("<!doctype html><html><head><title>Flowise (stand-in)</title></head><body><h1>Flowise (stand-in)</h1><p>"
            + message + "</p></body></html>").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String callbackUrl() {
        return url() + "/oauth2/callback";
    }

    /** The login initiations Keycloak sent here, oldest first, as their query parameters. */
    public List<Map<String, String>> initiations() {
        return List.copyOf(initiations);
    }

    /** The PKCE verifier of the authorization requests this stand-in starts (to redeem their codes). */
    public String verifier() {
        return verifier;
    }

    private String challenge() {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> out = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
