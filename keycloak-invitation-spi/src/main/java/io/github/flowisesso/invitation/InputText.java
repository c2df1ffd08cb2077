package io.github.flowisesso.invitation;

/**
 * What trimming means for every text field of the product (emails, CSV cells, JSON strings): spaces (U+0020) at the
 * edges go, nothing else. A trailing NUL, CR, LF or tab is not whitespace to forgive: it is what the field's own
 * rule refuses, and trimming it away first would let it through.
 */
public final class InputText {

    private InputText() {
    }

    public static String trimSpaces(String value) {
        if (value == null) {
            return null;
        }
        int start = 0;
        int end = value.length();
        while (start < end && value.charAt(start) == ' ') {
            start++;
        }
        while (end > start && value.charAt(end - 1) == ' ') {
            end--;
        }
        return value.substring(start, end);
    }
}
