package io.github.flowisesso.invitation;

import java.net.IDN;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;

/**
 * The one canonical form of an email address, used for storage, uniqueness and matching.
 * Deliberately no provider-specific folding: {@code a+x@} is not {@code a@}, dots in Gmail addresses count.
 */
public final class EmailAddresses {

    private static final int MAX_LENGTH = 320;

    private EmailAddresses() {
    }

    /** The canonical form, or empty when the input is not exactly one plain address. */
    public static Optional<String> canonical(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String trimmed = InputText.trimSpaces(raw);
        if (trimmed.isEmpty() || trimmed.length() > MAX_LENGTH || trimmed.codePoints().anyMatch(EmailAddresses::forbidden)) {
            return Optional.empty();
        }
        String nfc = Normalizer.normalize(trimmed, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
        int at = nfc.indexOf('@');
        if (at <= 0 || at != nfc.lastIndexOf('@') || at == nfc.length() - 1) {
            return Optional.empty();
        }
        String local = nfc.substring(0, at);
        String domain = nfc.substring(at + 1);
        if (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        return asciiDomain(domain).map(ascii -> local + "@" + ascii);
    }

    /**
     * IDNA to ASCII, refusing domains that IDNA would silently rewrite (fullwidth letters, compatibility forms):
     * such a domain looks like another one and must not match it. A domain given in ASCII (punycode included) is
     * already in the canonical form; its {@code xn--} labels must decode and encode back to themselves.
     */
    private static Optional<String> asciiDomain(String domain) {
        if (domain.isEmpty() || !domain.contains(".") || domain.startsWith(".") || domain.contains("..")) {
            return Optional.empty();
        }
        try {
            String ascii = IDN.toASCII(domain, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
            String unicode = IDN.toUnicode(ascii, IDN.USE_STD3_ASCII_RULES);
            boolean givenInAscii = domain.chars().allMatch(c -> c < 0x80);
            if (givenInAscii ? !IDN.toASCII(unicode, IDN.USE_STD3_ASCII_RULES).equals(ascii) : !unicode.equals(domain)) {
                return Optional.empty();
            }
            return Optional.of(ascii);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Whitespace, control, bidi and zero-width characters, and anything that makes a display name or a list. */
    private static boolean forbidden(int cp) {
        return Character.isISOControl(cp)
            || Character.isWhitespace(cp)
            || Character.isSpaceChar(cp)
            || Character.getType(cp) == Character.FORMAT // bidi marks, zero-width joiners, BOM
            || cp == '<' || cp == '>' || cp == ',' || cp == ';' || cp == '"' || cp == '(' || cp == ')'
            || cp == '[' || cp == ']' || cp == ':' || cp == '\\';
    }
}
