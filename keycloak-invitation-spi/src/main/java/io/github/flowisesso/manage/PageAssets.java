package io.github.flowisesso.manage;

import jakarta.ws.rs.core.Response;
import org.keycloak.headers.SecurityHeadersProvider;
import org.keycloak.models.KeycloakSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/** The page's files in this jar, and the headers every one of them is served with. */
final class PageAssets {

    private static final String FOLDER = "/invitations-page/";
    /** Only these names are served: a path parameter never reaches the class path otherwise. */
    private static final Map<String, String> TYPES = Map.of(
        "app.js", "text/javascript; charset=utf-8",
        "app.css", "text/css; charset=utf-8");

    /**
     * No inline script or style, nothing from another origin; the token and API calls go to this server only. The
     * page is never framed, and its URL (which briefly holds an authorization code) is never sent as a referrer.
     */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
        + " font-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private PageAssets() {
    }

    static Optional<String> typeOf(String file) {
        return Optional.ofNullable(TYPES.get(file));
    }

    static String text(String file) {
        try (InputStream in = PageAssets.class.getResourceAsStream(FOLDER + file)) {
            if (in == null) {
                throw new IllegalStateException("missing page asset " + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Our headers instead of the realm's: Keycloak would replace the policy with its looser one (it allows inline
     * script for its own themes), so its header filter is told to leave this response alone, and every header it
     * would have set is set here.
     */
    static Response.ResponseBuilder secured(KeycloakSession session, Response.ResponseBuilder response) {
        session.getProvider(SecurityHeadersProvider.class).options().skipHeaders();
        return response
            .header("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
            .header("X-Robots-Tag", "none")
            .header("Content-Security-Policy", CSP)
            .header("X-Content-Type-Options", "nosniff")
            .header("Referrer-Policy", "no-referrer")
            .header("X-Frame-Options", "DENY")
            .header("Cache-Control", "no-store");
    }
}
