package io.github.flowisesso.testsupport;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An Entra-shaped tenant under the test's control: real discovery, JWKS, authorize and token endpoints, that can
 * hand Keycloak forged ID tokens (wrong audience or issuer, expired, {@code alg=none}, a signature by a key it
 * does not publish) and that checks client id and secret like Entra (AADSTS error codes).
 */
public final class RogueEntraTenant implements AutoCloseable {

    public enum Forgery { NONE, WRONG_AUDIENCE, WRONG_ISSUER, EXPIRED, ALG_NONE, BAD_SIGNATURE }

    private final HttpServer server;
    private final String tenantId = UUID.randomUUID().toString();
    private final String clientId = "rogue-app-" + UUID.randomUUID().toString().substring(0, 8);
    private final String clientSecret = UUID.randomUUID().toString();
    private final RSAKey published;
    private final RSAKey unpublished;
    private final Map<String, String> nonceByCode = new ConcurrentHashMap<>();
    private volatile Map<String, Object> nextClaims = Map.of();
    private volatile Forgery nextForgery = Forgery.NONE;

    public RogueEntraTenant() {
        try {
            published = new RSAKeyGenerator(2048).keyID("rogue-key").generate();
            unpublished = new RSAKeyGenerator(2048).keyID("rogue-key").generate();
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    public String authorityHost() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String tenantId() {
        return tenantId;
    }

    public String issuer() {
        return authorityHost() + "/" + tenantId + "/v2.0";
    }

    public String clientId() {
        return clientId;
    }

    public String clientSecret() {
        return clientSecret;
    }

    /** The claims and the forgery of the next ID token this tenant issues. */
    public void nextLogin(Map<String, Object> claims, Forgery forgery) {
        this.nextClaims = claims;
        this.nextForgery = forgery;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String prefix = "/" + tenantId + "/v2.0";
        if (!path.startsWith(prefix)) {
            send(exchange, 400, "{\"error\":\"invalid_tenant\",\"error_description\":\"AADSTS90002: Tenant not found.\"}");
            return;
        }
        switch (path.substring(prefix.length())) {
            case "/.well-known/openid-configuration" -> send(exchange, 200, "{\"issuer\":\"" + issuer() + "\","
                + "\"authorization_endpoint\":\"" + issuer() + "/authorize\",\"token_endpoint\":\"" + issuer() + "/token\","
                + "\"jwks_uri\":\"" + issuer() + "/keys\",\"response_types_supported\":[\"code\"],"
                + "\"subject_types_supported\":[\"pairwise\"],\"id_token_signing_alg_values_supported\":[\"RS256\"]}");
            case "/keys" -> send(exchange, 200, new JWKSet(published.toPublicJWK()).toString());
            case "/authorize" -> authorize(exchange);
            case "/token" -> token(exchange);
            default -> send(exchange, 404, "{}");
        }
    }

    private void authorize(HttpExchange exchange) throws IOException {
        Map<String, String> query = form(exchange.getRequestURI().getRawQuery());
        String code = UUID.randomUUID().toString();
        nonceByCode.put(code, query.getOrDefault("nonce", ""));
        String location = query.get("redirect_uri") + "?code=" + code + "&state=" + URLEncoder.encode(query.get("state"), StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Location", location);
        exchange.sendResponseHeaders(302, -1);
        exchange.close();
    }

    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> form = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String basic = exchange.getRequestHeaders().getFirst("Authorization");
        if (basic != null && basic.startsWith("Basic ")) {
            String[] pair = new String(Base64.getDecoder().decode(basic.substring(6)), StandardCharsets.UTF_8).split(":", 2);
            form.put("client_id", URLDecoder.decode(pair[0], StandardCharsets.UTF_8));
            form.put("client_secret", URLDecoder.decode(pair[1], StandardCharsets.UTF_8));
        }
        if (!clientId.equals(form.get("client_id"))) {
            send(exchange, 400, "{\"error\":\"unauthorized_client\",\"error_description\":\"AADSTS700016: Application with"
                + " identifier was not found in the directory.\"}");
            return;
        }
        if (!clientSecret.equals(form.get("client_secret"))) {
            send(exchange, 401, "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret provided.\"}");
            return;
        }
        if ("client_credentials".equals(form.get("grant_type"))) {
            send(exchange, 200, "{\"access_token\":\"app-token\",\"token_type\":\"Bearer\",\"expires_in\":3599}");
            return;
        }
        String nonce = nonceByCode.remove(form.getOrDefault("code", ""));
        if (nonce == null) {
            send(exchange, 400, "{\"error\":\"invalid_grant\"}");
            return;
        }
        send(exchange, 200, "{\"access_token\":\"user-token\",\"token_type\":\"Bearer\",\"expires_in\":3599,\"id_token\":\""
            + idToken(nonce) + "\"}");
    }

    private String idToken(String nonce) {
        Forgery forgery = nextForgery;
        long now = System.currentTimeMillis();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
            .issuer(forgery == Forgery.WRONG_ISSUER ? authorityHost() + "/" + UUID.randomUUID() + "/v2.0" : issuer())
            .audience(forgery == Forgery.WRONG_AUDIENCE ? "someone-elses-app" : clientId)
            .issueTime(new Date(now - (forgery == Forgery.EXPIRED ? 7_200_000 : 0)))
            .notBeforeTime(new Date(now - (forgery == Forgery.EXPIRED ? 7_200_000 : 0)))
            .expirationTime(new Date(now + (forgery == Forgery.EXPIRED ? -3_600_000 : 3_600_000)))
            .claim("nonce", nonce);
        nextClaims.forEach(claims::claim);
        if (nextClaims.get("oid") instanceof String oid) {
            claims.subject(oid);
        }
        JWTClaimsSet set = claims.build();
        try {
            if (forgery == Forgery.ALG_NONE) {
                String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
                String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(set.toString().getBytes(StandardCharsets.UTF_8));
                return header + "." + payload + ".";
            }
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rogue-key").build(), set);
            jwt.sign(new RSASSASigner(forgery == Forgery.BAD_SIGNATURE ? unpublished : published));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> form(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            out.put(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    /** Claims of a verified member of this tenant. */
    public Map<String, Object> member(String email) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("tid", tenantId);
        claims.put("oid", UUID.randomUUID().toString());
        claims.put("email", email);
        claims.put("xms_edov", true);
        claims.put("name", "Rogue Tester");
        return claims;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
