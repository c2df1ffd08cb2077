package io.github.flowisesso.scim;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a SCIM request says about a user, in Entra's dialect as Microsoft documents it for non-gallery apps: a full
 * resource (POST, PUT) or PatchOp operations, with or without {@code path}, {@code op} in any case, and booleans
 * that may arrive as the strings {@code "True"}/{@code "False"}. Attributes of the core and enterprise User schemas
 * that an invitation does not keep (title, phone numbers, addresses …) are accepted and ignored, so that Entra's
 * default attribute mappings work (a password is never kept); attributes of no schema are refused.
 */
final class ScimUserChange {

    static final String ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user";
    private static final Set<String> IGNORED = Set.of("schemas", "id", "meta", "displayname", "nickname", "profileurl",
        "title", "usertype", "preferredlanguage", "locale", "timezone", "phonenumbers", "ims", "photos", "addresses",
        "groups", "entitlements", "roles", "x509certificates", "password", ENTERPRISE);
    private static final Pattern EMAIL_PATH = Pattern.compile("emails\\[type eq \"([a-z]+)\"\\]\\.value");
    private static final Pattern IGNORED_PATH = Pattern.compile("(phonenumbers|addresses|ims|photos|entitlements|roles)\\[.*|"
        + Pattern.quote(ENTERPRISE) + ":.*|name\\.(formatted|middlename|honorificprefix|honorificsuffix)");

    String userName;
    String externalId;
    /** The work (or primary) address from {@code emails}; when absent, {@code userName} if it is an address. */
    String email;
    String givenName;
    String familyName;
    Boolean active;
    /** Which of the above the request set (a PATCH changes only those). */
    boolean userNameSet;
    boolean externalIdSet;
    boolean emailSet;
    boolean givenNameSet;
    boolean familyNameSet;

    /** A whole resource (POST, PUT). */
    static ScimUserChange ofResource(JsonNode body) {
        if (!body.isObject()) {
            throw ScimError.invalidSyntax("The body must be a SCIM User object");
        }
        ScimUserChange change = new ScimUserChange();
        change.applyObject(body);
        return change;
    }

    /** PatchOp operations, applied in order. */
    static ScimUserChange ofPatch(JsonNode body) {
        JsonNode operations = body.path("Operations");
        if (!operations.isArray() || operations.isEmpty()) {
            throw ScimError.invalidSyntax("A PatchOp needs a non-empty 'Operations' array");
        }
        if (operations.size() > 100) {
            throw ScimError.invalidSyntax("At most 100 operations per request");
        }
        ScimUserChange change = new ScimUserChange();
        for (JsonNode operation : operations) {
            String op = operation.path("op").asText("").toLowerCase(Locale.ROOT);
            JsonNode path = operation.get("path");
            JsonNode value = operation.get("value");
            switch (op) {
                case "add", "replace" -> {
                    if (path == null || path.isNull() || path.asText().isBlank()) {
                        if (value == null || !value.isObject()) {
                            throw ScimError.invalidSyntax("An operation without 'path' needs an object 'value'");
                        }
                        change.applyObject(value);
                    } else {
                        change.apply(path.asText(), value);
                    }
                }
                case "remove" -> {
                    if (path == null || path.asText().isBlank()) {
                        throw ScimError.invalidPath("'remove' needs a 'path'");
                    }
                    change.apply(path.asText(), null);
                }
                default -> throw ScimError.invalidSyntax("'op' must be add, replace or remove, not '" + op + "'");
            }
        }
        return change;
    }

    /** A resource or a path-less value: attributes given as {@code null} are unassigned, as if left out. */
    private void applyObject(JsonNode object) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!field.getValue().isNull()) {
                apply(field.getKey(), field.getValue());
            }
        }
    }

    /** One attribute by path; {@code value} null removes it. */
    private void apply(String rawPath, JsonNode value) {
        String path = rawPath.strip().toLowerCase(Locale.ROOT);
        if (path.startsWith("urn:ietf:params:scim:schemas:core:2.0:user:")) {
            path = path.substring("urn:ietf:params:scim:schemas:core:2.0:user:".length());
        }
        Matcher email = EMAIL_PATH.matcher(path);
        switch (path) {
            case "username" -> {
                userName = text(rawPath, value);
                userNameSet = true;
            }
            case "externalid" -> {
                externalId = text(rawPath, value, 64);
                externalIdSet = true;
            }
            case "active" -> {
                if (value == null) {
                    throw ScimError.invalidPath("'active' cannot be removed");
                }
                active = bool(value);
            }
            case "name" -> {
                if (value == null) {
                    givenName = null;
                    familyName = null;
                    givenNameSet = familyNameSet = true;
                } else if (value.isObject()) {
                    value.fields().forEachRemaining(f -> apply("name." + f.getKey(), f.getValue()));
                } else {
                    throw ScimError.invalidValue("'name' must be an object");
                }
            }
            case "name.givenname" -> {
                givenName = text(rawPath, value, 255);
                givenNameSet = true;
            }
            case "name.familyname" -> {
                familyName = text(rawPath, value, 255);
                familyNameSet = true;
            }
            case "emails" -> {
                if (value == null) {
                    throw ScimError.invalidPath("'emails' cannot be removed: the address is who is invited");
                }
                if (!value.isArray()) {
                    throw ScimError.invalidValue("'emails' must be an array");
                }
                String chosen = null;
                for (JsonNode entry : value) {
                    String address = entry.path("value").asText(null);
                    boolean preferred = entry.path("primary").asBoolean(false) || "work".equalsIgnoreCase(entry.path("type").asText(""));
                    if (address != null && (chosen == null || preferred)) {
                        chosen = address;
                    }
                }
                if (chosen != null) {
                    this.email = chosen;
                    emailSet = true;
                }
            }
            default -> {
                if (email.matches()) {
                    if (value == null) {
                        throw ScimError.invalidPath("The address cannot be removed: it is who is invited");
                    }
                    if (email.group(1).equals("work") || this.email == null) {
                        this.email = text(rawPath, value);
                        emailSet = true;
                    }
                } else if (!IGNORED.contains(path) && !IGNORED_PATH.matcher(path).matches()) {
                    throw ScimError.invalidPath("Unknown attribute '" + rawPath + "'");
                }
            }
        }
    }

    private static String text(String path, JsonNode value) {
        return text(path, value, 320);
    }

    /** A string of at most {@code max} characters (what the invitation's column holds). */
    private static String text(String path, JsonNode value, int max) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isValueNode()) {
            throw ScimError.invalidValue("'" + path + "' must be a string");
        }
        String text = value.asText().strip();
        if (text.length() > max) {
            throw ScimError.invalidValue("'" + path + "' is longer than " + max + " characters");
        }
        return text.isEmpty() ? null : text;
    }

    /** Entra sends {@code "False"} as often as {@code false}. */
    private static boolean bool(JsonNode value) {
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        String text = value.asText("").strip().toLowerCase(Locale.ROOT);
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ScimError.invalidValue("'active' must be true or false");
        };
    }
}
