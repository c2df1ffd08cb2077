package io.github.flowisesso.bridge;

/** The bit of JSON the bridge writes: flat objects of strings, correctly escaped. */
final class Json {

    private Json() {
    }

    /** An object of string values: key, value, key, value… */
    static String rawObject(String... keysAndValues) {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.append(i == 0 ? "" : ",").append(string(keysAndValues[i])).append(':').append(string(keysAndValues[i + 1]));
        }
        return out.append('}').toString();
    }

    /** An object with one key whose value is already JSON. */
    static String object(String key, String jsonValue) {
        return "{" + string(key) + ":" + jsonValue + "}";
    }

    static String string(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                // Also safe inside an HTML <script>: no "</script>" or "<!--" can be formed.
                case '<' -> out.append("\\u003c");
                case '>' -> out.append("\\u003e");
                case '&' -> out.append("\\u0026");
                case '\u2028' -> out.append("\\u2028");
                case '\u2029' -> out.append("\\u2029");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
