package io.github.flowisesso.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;

/**
 * Signs in through Keycloak's identity brokering without a browser: java.net.http, a minimal cookie jar, redirects
 * followed by hand. Flowise's authorization request (code flow, PKCE S256, {@code kc_idp_hint}) → Keycloak → the
 * Entra stand-in (non-interactive: the next token it issues carries the claims queued here) → Keycloak's broker
 * endpoint → first (or post) broker login flow → the code at Flowise's redirect URI → the token request. Nothing
 * but HTTP happens on the client side, so the time measured is the servers' time.
 */
final class BrokerLogins {

    enum Outcome { TOKENS, REFUSED }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    // HTTP/1.1 as browsers speak it over plain http (java.net.http would otherwise upgrade to h2c).
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(5)).build();
    private final String keycloak;
    private final String realm;
    private final String clientId;
    private final String clientSecret;
    private final String redirectUri;
    private final MockOAuth2Server idp;
    private final String issuerId;
    private final String audience;

    BrokerLogins(String keycloak, String realm, String clientId, String clientSecret, String redirectUri,
                 MockOAuth2Server idp, String issuerId, String audience) {
        this.keycloak = keycloak;
        this.realm = realm;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.redirectUri = redirectUri;
        this.idp = idp;
        this.issuerId = issuerId;
        this.audience = audience;
    }

    /**
     * A non-interactive stand-in (tokens carry the claims queued with {@code enqueueCallback}) on Netty, which sends
     * with TCP_NODELAY: the default MockWebServer writes a response in pieces with Nagle's algorithm on, and the
     * receiver's delayed ACK then stalled a random share of Keycloak's token requests by ~40 ms, which made the
     * sign-in times bimodal (measured per hop: the broker endpoint at ~12 ms or ~50 ms).
     */
    static no.nav.security.mock.oauth2.MockOAuth2Server standIn() {
        no.nav.security.mock.oauth2.OAuth2Config defaults = new no.nav.security.mock.oauth2.OAuth2Config();
        return new no.nav.security.mock.oauth2.MockOAuth2Server(new no.nav.security.mock.oauth2.OAuth2Config(false, null, null,
            false, defaults.getTokenProvider(), java.util.Set.of(), new no.nav.security.mock.oauth2.http.NettyWrapper()));
    }

    /** Claims as an Entra tenant issues them for one person (verified email via xms_edov and email_verified). */
    static Map<String, Object> entraClaims(String tenantId, String oid, String email) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("tid", tenantId);
        claims.put("oid", oid);
        claims.put("email", email);
        claims.put("preferred_username", email);
        claims.put("email_verified", true);
        claims.put("xms_edov", true);
        claims.put("name", "Ada Lovelace");
        claims.put("given_name", "Ada");
        claims.put("family_name", "Lovelace");
        return claims;
    }

    static String newSubject() {
        return UUID.randomUUID().toString();
    }

    /**
     * One complete sign-in through the identity provider {@code alias}; returns its duration in nanoseconds.
     * Fails loudly when the outcome is not the expected one.
     */
    long signIn(String alias, String subject, Map<String, Object> claims, Outcome expected) {
        idp.enqueueCallback(new DefaultOAuth2TokenCallback(issuerId, subject, "JWT", List.of(audience), claims, 3600));
        Map<String, Map<String, String>> jar = new HashMap<>();
        String verifier = random();
        String url = keycloak + "/realms/" + realm + "/protocol/openid-connect/auth?client_id=" + enc(clientId)
            + "&response_type=code&scope=openid&redirect_uri=" + enc(redirectUri) + "&state=" + random()
            + "&nonce=" + random() + "&code_challenge=" + challenge(verifier) + "&code_challenge_method=S256"
            + "&kc_idp_hint=" + enc(alias);
        long start = System.nanoTime();
        String code = null;
        for (int hop = 0; hop < 20 && code == null; hop++) {
            long hopStart = System.nanoTime();
            HttpResponse<String> response = get(url, jar);
            hop(alias, url, System.nanoTime() - hopStart);
            int status = response.statusCode();
            if (status == 302 || status == 303 || status == 307) {
                String next = URI.create(url).resolve(response.headers().firstValue("Location").orElseThrow()).toString();
                if (next.startsWith(redirectUri + "?")) {
                    code = parameter(next, "code");
                    if (code == null) {
                        throw new IllegalStateException("Flowise got no code: " + next);
                    }
                } else {
                    url = next;
                }
                continue;
            }
            if (expected == Outcome.REFUSED && status == 403) {
                return System.nanoTime() - start;
            }
            throw new IllegalStateException("sign-in via " + alias + " stopped at " + url + " with " + status + ":\n"
                + response.body().substring(0, Math.min(2000, response.body().length())));
        }
        if (expected == Outcome.REFUSED) {
            throw new IllegalStateException("sign-in via " + alias + " was expected to be refused but got a code");
        }
        long tokenStart = System.nanoTime();
        String refreshToken = redeem(code, verifier);
        long end = System.nanoTime();
        hop(alias, "token", end - tokenStart);
        // Untimed: end the session again, so that no account piles up hundreds of sessions over a run (Keycloak
        // reads a user's sessions at sign-in, which would slow every variant down and dilute the ratios).
        logout(refreshToken);
        return end - start;
    }

    /** Diagnosis ({@code -Dbench.hops=true}): time per request of a sign-in, by identity provider and path. */
    static final java.util.Map<String, Samples> HOPS = new java.util.concurrent.ConcurrentSkipListMap<>();
    private static final boolean RECORD_HOPS = Boolean.getBoolean("bench.hops");

    private static void hop(String alias, String url, long nanos) {
        if (RECORD_HOPS) {
            String path = url.equals("token") ? url : URI.create(url).getPath().replace("/" + alias + "/", "/{alias}/");
            HOPS.computeIfAbsent(alias + " " + path, k -> new Samples()).add(nanos);
        }
    }

    static void printHops() {
        HOPS.forEach((k, v) -> System.out.printf("%-90s n=%d p10=%.2f p25=%.2f median=%.2f p75=%.2f p90=%.2f ms%n", k, v.n(),
            v.quantile(0.1) / 1e6, v.quantile(0.25) / 1e6, v.median() / 1e6, v.quantile(0.75) / 1e6, v.quantile(0.9) / 1e6));
    }

    private void logout(String refreshToken) {
        String form = "client_id=" + enc(clientId) + "&client_secret=" + enc(clientSecret) + "&refresh_token=" + enc(refreshToken);
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(keycloak + "/realms/" + realm
                + "/protocol/openid-connect/logout"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form)).timeout(Duration.ofSeconds(30)).build());
        if (response.statusCode() != 204) {
            throw new IllegalStateException("logout answered " + response.statusCode() + ": " + response.body());
        }
    }

    private String redeem(String code, String verifier) {
        String form = "grant_type=authorization_code&code=" + enc(code) + "&redirect_uri=" + enc(redirectUri)
            + "&client_id=" + enc(clientId) + "&client_secret=" + enc(clientSecret) + "&code_verifier=" + enc(verifier);
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(keycloak + "/realms/" + realm
                + "/protocol/openid-connect/token"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form)).timeout(Duration.ofSeconds(30)).build());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("token endpoint answered " + response.statusCode() + ": " + response.body());
        }
        try {
            var tokens = JSON.readTree(response.body());
            if (!tokens.hasNonNull("id_token") || !tokens.hasNonNull("refresh_token")) {
                throw new IllegalStateException("no id_token or refresh_token: " + response.body());
            }
            return tokens.get("refresh_token").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A GET with the cookies of this sign-in for that host and port; keeps what the response sets. */
    private HttpResponse<String> get(String url, Map<String, Map<String, String>> jar) {
        URI uri = URI.create(url);
        Map<String, String> cookies = jar.computeIfAbsent(uri.getAuthority(), k -> new LinkedHashMap<>());
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(Duration.ofSeconds(30));
        if (!cookies.isEmpty()) {
            StringBuilder header = new StringBuilder();
            cookies.forEach((name, value) -> header.append(header.length() == 0 ? "" : "; ").append(name).append('=').append(value));
            request.header("Cookie", header.toString());
        }
        HttpResponse<String> response = send(request.build());
        for (String setCookie : response.headers().allValues("Set-Cookie")) {
            String pair = setCookie.split(";", 2)[0];
            int eq = pair.indexOf('=');
            String name = pair.substring(0, eq).trim();
            String value = pair.substring(eq + 1).trim();
            String lower = setCookie.toLowerCase(java.util.Locale.ROOT);
            if (value.isEmpty() || lower.contains("max-age=0") || lower.contains("expires=thu, 01 jan 1970")) {
                cookies.remove(name);
            } else {
                cookies.put(name, value);
            }
        }
        return response;
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String parameter(String url, String name) {
        String query = URI.create(url).getRawQuery();
        for (String pair : query.split("&")) {
            if (pair.startsWith(name + "=")) {
                return URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
