package io.github.flowisesso.scim;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The filters a provisioning client needs (RFC 7644, 3.4.2.2), and Entra sends: {@code userName eq "…"},
 * {@code externalId eq "…"}, {@code id eq "…"}. Anything else is refused as {@code invalidFilter}, never widened to
 * "all users".
 */
record ScimFilter(String attribute, String value) {

    static final String USER_NAME = "username";
    static final String EXTERNAL_ID = "externalid";
    static final String ID = "id";
    static final int MAX_LENGTH = 1_024;

    // One pass, no backtracking over the value: a quoted string of non-quote, non-backslash characters or escapes.
    private static final Pattern EQ = Pattern.compile("\\s*([A-Za-z]+)\\s+(?i:eq)\\s+\"((?:[^\"\\\\]|\\\\.)*)\"\\s*");

    static ScimFilter parse(String filter) {
        if (filter == null || filter.isBlank()) {
            return null;
        }
        if (filter.length() > MAX_LENGTH) {
            throw ScimError.invalidFilter("The filter is longer than " + MAX_LENGTH + " characters");
        }
        Matcher matcher = EQ.matcher(filter);
        if (!matcher.matches()) {
            throw ScimError.invalidFilter("Only 'userName eq \"…\"', 'externalId eq \"…\"' and 'id eq \"…\"' are supported");
        }
        String attribute = matcher.group(1).toLowerCase(Locale.ROOT);
        if (!attribute.equals(USER_NAME) && !attribute.equals(EXTERNAL_ID) && !attribute.equals(ID)) {
            throw ScimError.invalidFilter("Filtering on '" + matcher.group(1) + "' is not supported");
        }
        return new ScimFilter(attribute, matcher.group(2).replaceAll("\\\\(.)", "$1"));
    }
}
