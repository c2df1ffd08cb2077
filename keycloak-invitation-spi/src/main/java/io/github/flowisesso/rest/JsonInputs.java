package io.github.flowisesso.rest;

import io.github.flowisesso.invitation.InputText;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.keycloak.util.JsonSerialization;

/**
 * Reads request bodies with Jackson ourselves, so that malformed JSON and wrong types get our 400 naming the field
 * instead of the framework's generic error. Unknown fields are refused: a typo must not silently drop a setting.
 */
final class JsonInputs {

    /** Trailing garbage and duplicate keys make a body ambiguous: refuse them rather than guess. */
    private static final ObjectReader READER = JsonSerialization.mapper.reader()
        .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private JsonInputs() {
    }

    static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            throw InvitationError.invalid(null, "The request body is empty; a JSON document is expected");
        }
        if (body.length() > InvitationApiConfig.BULK_MAX_BODY_CHARS) {
            throw InvitationError.invalid(null, "The request body has more than " + InvitationApiConfig.BULK_MAX_BODY_CHARS + " characters");
        }
        try {
            return READER.readTree(body);
        } catch (JsonProcessingException e) {
            throw InvitationError.invalid(null, "The request body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** Candidate Entra settings for "Test Configuration"; an empty body tests the saved ones. */
    static Map<String, String> ssoCandidate(String body) {
        if (body == null || body.isBlank()) {
            return Map.of();
        }
        JsonNode node = parse(body);
        if (!node.isObject()) {
            throw InvitationError.invalid(null, "A JSON object is expected");
        }
        List<String> fields = List.of("tenantId", "clientId", "clientSecret", "authorityHost");
        node.fieldNames().forEachRemaining(name -> {
            if (!fields.contains(name)) {
                throw InvitationError.invalid(name, "Unknown field " + name);
            }
        });
        Map<String, String> candidate = new java.util.HashMap<>();
        for (String field : fields) {
            String value = text(node, field);
            if (value != null) {
                candidate.put(field, value);
            }
        }
        return candidate;
    }

    static InvitationInput createRequest(String body) {
        return invitation(parse(body));
    }

    static InvitationInput invitation(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw InvitationError.invalid(null, "An invitation must be a JSON object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!InvitationInput.FIELDS.contains(name)) {
                throw InvitationError.invalid(name, "Unknown field '" + name + "'; allowed: " + InvitationInput.FIELDS);
            }
        }
        return new InvitationInput(
            text(node, InvitationInput.EMAIL),
            text(node, InvitationInput.LOGIN_TYPE),
            text(node, InvitationInput.IDENTITY_PROVIDER),
            texts(node, InvitationInput.ROLES),
            texts(node, InvitationInput.GROUPS),
            text(node, InvitationInput.FIRST_NAME),
            text(node, InvitationInput.LAST_NAME),
            text(node, InvitationInput.REDIRECT_URI),
            integer(node, InvitationInput.EXPIRES_IN_HOURS),
            bool(node, InvitationInput.SEND_EMAIL),
            text(node, InvitationInput.LOCALE));
    }

    /** The optional body of a resend: {@code sendEmail} and {@code expiresInHours} only. */
    static InvitationInput resendRequest(String body) {
        if (body == null || body.isBlank()) {
            return new InvitationInput(null, null, null, null, null, null, null, null, null, null, null);
        }
        JsonNode node = parse(body);
        if (!node.isObject()) {
            throw InvitationError.invalid(null, "The resend body must be a JSON object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals(InvitationInput.SEND_EMAIL) && !name.equals(InvitationInput.EXPIRES_IN_HOURS)) {
                throw InvitationError.invalid(name, "Unknown field '" + name + "'; allowed: sendEmail, expiresInHours");
            }
        }
        return new InvitationInput(null, null, null, null, null, null, null, null,
            integer(node, InvitationInput.EXPIRES_IN_HOURS), bool(node, InvitationInput.SEND_EMAIL), null);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw InvitationError.invalid(field, "'" + field + "' must be a string");
        }
        String text = InputText.trimSpaces(value.textValue());
        return text.isEmpty() ? null : text;
    }

    private static List<String> texts(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw InvitationError.invalid(field, "'" + field + "' must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual() || item.textValue().isBlank()) {
                throw InvitationError.invalid(field, "'" + field + "' must contain non-empty strings only");
            }
            out.add(InputText.trimSpaces(item.textValue()));
        }
        return out;
    }

    private static Integer integer(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw InvitationError.invalid(field, "'" + field + "' must be a whole number");
        }
        return value.intValue();
    }

    private static Boolean bool(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw InvitationError.invalid(field, "'" + field + "' must be true or false");
        }
        return value.booleanValue();
    }
}
