package io.github.flowisesso.entra;

import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Entra authorities a provider may point at. The authority decides where Keycloak sends the client secret, so
 * it is an allowlist read at start-up (SPI option {@code allowed-authority-hosts}), not free text from the console.
 */
final class AuthorityHosts {

    /** Microsoft's public and national clouds. */
    static final String DEFAULT = "login.microsoftonline.com,login.microsoftonline.us,login.chinacloudapi.cn,"
        + "login.partner.microsoftonline.cn";

    private static volatile Set<String> allowed = parse(DEFAULT);

    private AuthorityHosts() {
    }

    static void configure(String hosts) {
        allowed = parse(hosts == null || hosts.isBlank() ? DEFAULT : hosts);
    }

    /** https on an allowed host, default port; plain http only for an allowed loopback host (tests, local runs). */
    static boolean isAllowed(String authority) {
        URI uri;
        try {
            uri = URI.create(authority);
        } catch (IllegalArgumentException e) {
            return false;
        }
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (!allowed.contains(host) || uri.getUserInfo() != null || (uri.getPath() != null && !uri.getPath().isEmpty())
                || uri.getQuery() != null || uri.getFragment() != null) {
            return false;
        }
        boolean loopback = host.equals("127.0.0.1") || host.equals("localhost");
        return "https".equals(uri.getScheme()) && (uri.getPort() == -1 || uri.getPort() == 443)
            || loopback && "http".equals(uri.getScheme());
    }

    /**
     * Endpoints read from discovery must live on the authority itself: same scheme, host and port as
     * {@code authority}, which may be the authority or any URL on it, such as the tenant's issuer.
     */
    static boolean sameOrigin(String authority, String endpoint) {
        if (endpoint == null) {
            return false;
        }
        try {
            URI a = URI.create(authority);
            URI e = URI.create(endpoint);
            return a.getScheme().equals(e.getScheme()) && a.getHost().equalsIgnoreCase(e.getHost()) && a.getPort() == e.getPort()
                && e.getUserInfo() == null;
        } catch (IllegalArgumentException | NullPointerException ex) {
            return false;
        }
    }

    static String describe() {
        return String.join(", ", allowed);
    }

    private static Set<String> parse(String hosts) {
        return Arrays.stream(hosts.split(",")).map(String::trim).filter(h -> !h.isEmpty())
            .map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }
}
