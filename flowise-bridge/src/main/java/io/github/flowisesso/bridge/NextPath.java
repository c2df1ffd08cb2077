package io.github.flowisesso.bridge;

import java.net.URI;

/**
 * Where the bridge may send a browser after signing it in: a path on Flowise's own origin, never another host. The
 * door validates nothing here, so this is the one check: a relative path starting with a single slash, without a
 * scheme, authority, backslash or control character; the door's and bridge's own paths are not targets.
 */
final class NextPath {

    static final String HOME = "/";

    private NextPath() {
    }

    static String of(String wanted) {
        if (wanted == null || wanted.isEmpty() || wanted.length() > 2048 || !wanted.startsWith("/") || wanted.startsWith("//")) {
            return HOME;
        }
        for (char c : wanted.toCharArray()) {
            if (c < 0x20 || c == 0x7f || c == '\\') {
                return HOME;
            }
        }
        try {
            URI uri = new URI(wanted);
            if (uri.getScheme() != null || uri.getRawAuthority() != null) {
                return HOME;
            }
            String path = uri.getPath() == null ? "" : uri.getPath();
            if (path.startsWith("/sso/") || path.startsWith("/oauth2/") || path.equals("/signin") || path.equals("/login")) {
                return HOME;
            }
        } catch (Exception malformed) {
            return HOME;
        }
        return wanted;
    }
}
