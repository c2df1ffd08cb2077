package io.github.flowisesso.enrollment;

import io.github.flowisesso.invitation.InvitationTokens;
import java.net.URI;
import org.keycloak.models.KeycloakSession;
import org.keycloak.urls.UrlType;

/**
 * Binds the POST to the browser that loaded the invitation page: a random value in an HttpOnly, SameSite=Strict
 * cookie and in the form (double submit), plus no cross-site Origin.
 */
final class CsrfGuard {

    static final String COOKIE = "FLOWISE_INVITATION_CSRF";

    private CsrfGuard() {
    }

    /**
     * The value a new invitation page uses: this browser's current one when it has a well-formed one, so that every
     * open tab of the link keeps working (the cookie is HttpOnly and SameSite=Strict: no other site can read or send
     * it), else a new one.
     */
    static String forPage(String cookie) {
        return InvitationTokens.isWellFormed(cookie) ? cookie : InvitationTokens.newToken();
    }

    static boolean matches(String cookie, String form) {
        return InvitationTokens.sameValue(cookie, form);
    }

    /**
     * A POST from our own page carries our origin, or {@code Origin: null} because the page's referrer policy is
     * no-referrer; absent for old clients. A real foreign origin, or a browser's own cross-site verdict
     * ({@code Sec-Fetch-Site}), is refused. The cookie check runs in every case.
     */
    static boolean sameOrigin(KeycloakSession session, String origin, String fetchSite) {
        if (fetchSite != null && !fetchSite.equals("same-origin") && !fetchSite.equals("none")) {
            return false;
        }
        if (origin == null || origin.equals("null")) {
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
