package io.github.flowisesso.invitation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Every random value the extension hands out (invitation links, the anti-CSRF value, the browser binding of the
 * password hand-over, PKCE verifiers, state and nonce): 256 random bits in base64url; only their SHA-256 is stored,
 * and values are compared in constant time.
 */
public final class InvitationTokens {

    private static final SecureRandom RANDOM = new SecureRandom();

    private InvitationTokens() {
    }

    public static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The shape {@link #newToken} makes: 43 base64url characters. Anything else is refused before any lookup. */
    public static boolean isWellFormed(String token) {
        return token != null && WELL_FORMED.matcher(token).matches();
    }

    private static final java.util.regex.Pattern WELL_FORMED = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{43}");

    /** What the database keeps of a token: its SHA-256 in lower-case hex. */
    public static String hash(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    /** The PKCE S256 challenge of a verifier (RFC 7636): SHA-256 in unpadded base64url. */
    public static String pkceChallenge(String verifier) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(verifier));
    }

    /** Equal values, in time that does not depend on where they differ; false when either is missing or empty. */
    public static boolean sameValue(String a, String b) {
        return a != null && b != null && !a.isEmpty()
            && MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
