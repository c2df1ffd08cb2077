package io.github.flowisesso.invitation;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.keycloak.util.JsonSerialization;

/** Roles and groups of an invitation, stored as a JSON array in one column. */
public final class StringLists {

    private static final TypeReference<List<String>> LIST = new TypeReference<>() { };

    private StringLists() {
    }

    public static String toJson(List<String> values) {
        try {
            return values == null || values.isEmpty() ? null : JsonSerialization.writeValueAsString(values);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<String> fromJson(String json) {
        try {
            return json == null || json.isBlank() ? List.of() : JsonSerialization.readValue(json, LIST);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
