package io.github.flowisesso.enrollment;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.keycloak.models.KeycloakSession;
import org.keycloak.urls.UrlType;

/**
 * Binds the POST to the browser that loaded the invitation page: a random value in an HttpOnly, SameSite=Strict
 * cookie and in the form (double submit), plus no cross-site Origin.
 */
final class CsrfGuard {

    static final String COOKIE = "FLOWISE_INVITATION_CSRF";

    private static final SecureRandom RANDOM = new SecureRandom();

    private CsrfGuard() {
    }

    static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static boolean matches(String cookie, String form) {
        return cookie != null && form != null && !cookie.isEmpty()
            && MessageDigest.isEqual(cookie.getBytes(StandardCharsets.US_ASCII), form.getBytes(StandardCharsets.US_ASCII));
    }

    /** Browsers send Origin on POST; absent (old clients) is tolerated, the cookie still has to match. */
    static boolean sameOrigin(KeycloakSession session, String origin) {
        if (origin == null) {
            return true;
        }
        URI base = session.getContext().getUri(UrlType.FRONTEND).getBaseUri();
        return origin.equals(originOf(base));
    }

    private static String originOf(URI uri) {
        int port = uri.getPort();
        boolean defaultPort = port == -1 || ("https".equals(uri.getScheme()) && port == 443) || ("http".equals(uri.getScheme()) && port == 80);
        return uri.getScheme() + "://" + uri.getHost() + (defaultPort ? "" : ":" + port);
    }
}
