package io.github.flowisesso.bridge;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.logging.Logger;

/**
 * The Flowise session bridge. The door (door/flowise-door.conf) sends it only sign-in and sign-out paths, on a
 * session it has from Keycloak, with that session's access token in a header it scrubs from clients:
 * <ul>
 *   <li>{@code GET /sso/signin?next=/path}: believes the token only if it is Keycloak's (see {@link KeycloakTokenCheck}),
 *       signs into Flowise's one account through Flowise's own login API and hands Flowise's cookies to the browser;</li>
 *   <li>{@code POST /api/v1/auth/resolve}: Flowise's UI asks where to sign in; the answer is the bridge, never
 *       Flowise's own sign-in or setup page;</li>
 *   <li>{@code POST /api/v1/account/logout}: Flowise's Logout ends Flowise's session, then the UI goes to the door's
 *       sign-out, which ends the door's and Keycloak's sessions.</li>
 * </ul>
 * Everything else goes from the door to Flowise directly.
 */
public final class Bridge {

    private static final Logger LOG = Logger.getLogger(Bridge.class.getName());
    /** The header the door puts the access token in (mod_auth_openidc's name for it). */
    static final String TOKEN_HEADER = "OIDC_access_token";
    /** Where Flowise's UI goes after Logout: the door ends its own and Keycloak's session there. */
    static final String DOOR_SIGN_OUT = "/sso/signout";
    private static final String[] FLOWISE_COOKIES = {"token", "refreshToken", "connect.sid"};
    /**
     * Set by Logout for a minute. Flowise's UI, having logged out, also navigates to its /login page on its own, which
     * asks where to sign in: while this is set, the answer is the sign-out too, so nobody is silently signed back in.
     */
    static final String SIGNED_OUT_COOKIE = "flowise_sso_signed_out";

    private final KeycloakTokenCheck tokens;
    private final FlowiseAccount flowise;
    private final HttpServer server;

    private Bridge(BridgeSettings settings) throws IOException {
        tokens = new KeycloakTokenCheck(settings.issuer(), settings.jwks(), settings.clientId());
        flowise = new FlowiseAccount(settings.flowise(), settings.publicScheme(), settings.accountName(),
            settings.accountEmail(), settings.accountPassword());
        server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 64);
        server.createContext("/sso/signin", exchange -> handle(exchange, "GET", this::signIn));
        server.createContext("/sso/health", exchange -> handle(exchange, "GET", e -> send(e, 200, "text/plain", "ok")));
        server.createContext("/api/v1/auth/resolve", exchange -> handle(exchange, "POST", this::resolve));
        server.createContext("/api/v1/account/logout", exchange -> handle(exchange, "POST", this::signOut));
        server.setExecutor(Executors.newFixedThreadPool(16));
    }

    public static void main(String[] args) throws Exception {
        BridgeSettings settings = BridgeSettings.from(System.getenv());
        Bridge bridge = new Bridge(settings);
        bridge.flowise.claim();
        bridge.server.start();
        LOG.info("Flowise bridge listening on " + settings.host() + ":" + settings.port() + " (" + settings + ")");
    }

    private interface Handler {
        void handle(HttpExchange exchange) throws IOException, InterruptedException;
    }

    private static void handle(HttpExchange exchange, String method, Handler handler) throws IOException {
        try (exchange) {
            if (!method.equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", method);
                send(exchange, 405, "text/plain", "method not allowed");
                return;
            }
            handler.handle(exchange);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            LOG.warning("bridge: " + exchange.getRequestURI().getPath() + " failed: " + e);
            send(exchange, 502, "text/html; charset=utf-8", Pages.message("Flowise is not reachable right now",
                "Try again in a minute. If it keeps happening, tell your administrator."));
        }
    }

    private void signIn(HttpExchange exchange) throws IOException, InterruptedException {
        Optional<KeycloakTokenCheck.Identity> identity = tokens.believe(exchange.getRequestHeaders().getFirst(TOKEN_HEADER));
        if (identity.isEmpty()) {
            LOG.warning("bridge: sign-in refused, no believable Keycloak token from the door");
            send(exchange, 403, "text/html; charset=utf-8", Pages.message("Your sign-in could not be verified",
                "Close this tab and open Flowise again."));
            return;
        }
        Optional<FlowiseAccount.SignIn> signIn = flowise.signIn();
        if (signIn.isEmpty()) {
            LOG.warning("bridge: Flowise refused the bridge's account");
            send(exchange, 502, "text/html; charset=utf-8", Pages.message("Flowise refused the sign-in",
                "Tell your administrator: the bridge cannot sign into Flowise's account."));
            return;
        }
        KeycloakTokenCheck.Identity who = identity.get();
        LOG.info("bridge: signed in " + who.subject());
        signIn.get().setCookies().forEach(cookie -> exchange.getResponseHeaders().add("Set-Cookie", cookie));
        exchange.getResponseHeaders().add("Set-Cookie", SIGNED_OUT_COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
        String name = who.name() != null ? who.name() : who.email();
        send(exchange, 200, "text/html; charset=utf-8", SignInPage.html(signIn.get().userJson(), name,
            NextPath.of(query(exchange.getRequestURI(), "next"))));
    }

    private void resolve(HttpExchange exchange) throws IOException {
        String cookies = exchange.getRequestHeaders().getFirst("Cookie");
        boolean signingOut = cookies != null && java.util.Arrays.stream(cookies.split(";"))
            .anyMatch(c -> c.trim().equals(SIGNED_OUT_COOKIE + "=1"));
        send(exchange, 200, "application/json", Json.rawObject("redirectUrl", signingOut ? DOOR_SIGN_OUT : "/sso/signin"));
    }

    private void signOut(HttpExchange exchange) throws IOException, InterruptedException {
        flowise.signOut(exchange.getRequestHeaders().getFirst("Cookie"));
        for (String cookie : FLOWISE_COOKIES) {
            exchange.getResponseHeaders().add("Set-Cookie", cookie + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
        }
        exchange.getResponseHeaders().add("Set-Cookie", SIGNED_OUT_COOKIE + "=1; Path=/; Max-Age=60; HttpOnly; SameSite=Lax");
        send(exchange, 200, "application/json", Json.rawObject("message", "logged_out", "redirectTo", DOOR_SIGN_OUT));
    }

    private static String query(URI uri, String name) {
        String raw = uri.getRawQuery();
        if (raw == null) {
            return null;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
