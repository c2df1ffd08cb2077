package io.github.flowisesso.deploy;

import io.github.flowisesso.testsupport.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/** Reads the deployment files the way the tools that use them do, as far as the consistency checks need. */
final class DeploymentFiles {

    /** {@code ${VAR}}, {@code ${VAR:-x}}, {@code ${VAR-x}}, {@code ${VAR:?x}}, {@code ${VAR?x}} and {@code $VAR}; {@code $$} escapes. */
    private static final Pattern COMPOSE_VARIABLE = Pattern.compile("(?<!\\$)\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)}|([A-Za-z_][A-Za-z0-9_]*))");
    /** Keycloak's import placeholders: {@code ${VAR}} or {@code ${VAR:default}}. Lower-case ones are message keys. */
    private static final Pattern REALM_VARIABLE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?::([^}]*))?}");
    private static final Pattern ENV_FILE_LINE = Pattern.compile("^([A-Za-z_][A-Za-z0-9_]*)=(.*)$");

    private DeploymentFiles() {
    }

    static Path repoRoot() {
        String configured = System.getProperty("repo.root");
        Path root = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath().getParent();
        return root.toAbsolutePath().normalize();
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --- Dockerfile ---

    /** Instructions with line continuations joined, comments dropped. */
    static List<String> dockerInstructions(String dockerfile) {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : dockerfile.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
            } else {
                current.append(trimmed);
                if (!current.toString().isBlank()) {
                    instructions.add(current.toString().strip());
                }
                current.setLength(0);
            }
        }
        return instructions;
    }

    /**
     * Keycloak options a Dockerfile sets: {@code ENV KC_*}, {@code --option} arguments of {@code kc.sh} in RUN, and
     * the arguments of CMD / ENTRYPOINT (the image's entry point is kc.sh).
     */
    static Map<String, String> dockerfileOptions(String dockerfile) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String instruction : dockerInstructions(dockerfile)) {
            String keyword = instruction.split("\\s+", 2)[0].toUpperCase(java.util.Locale.ROOT);
            String rest = instruction.substring(keyword.length()).strip();
            switch (keyword) {
                case "ENV" -> environmentPairs(rest).forEach((name, value) -> {
                    String option = ServerConfig.optionOfEnvironmentVariable(name);
                    if (option != null) {
                        options.put(option, value);
                    }
                });
                case "RUN" -> {
                    int kc = rest.indexOf("kc.sh");
                    if (kc >= 0) {
                        addArguments(options, List.of(rest.substring(kc).split("\\s+")));
                    }
                }
                case "CMD", "ENTRYPOINT" -> addArguments(options, execForm(rest));
                default -> { }
            }
        }
        return options;
    }

    static List<String> execForm(String json) {
        List<String> arguments = new ArrayList<>();
        if (!json.startsWith("[")) {
            arguments.addAll(List.of(json.split("\\s+")));
            return arguments;
        }
        Matcher m = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        while (m.find()) {
            arguments.add(m.group(1));
        }
        return arguments;
    }

    /** The commands a stage runs, in order, to check what happens before {@code kc.sh build}. */
    static List<String> stageOf(String dockerfile, String containing) {
        List<String> stage = new ArrayList<>();
        for (String instruction : dockerInstructions(dockerfile)) {
            if (instruction.toUpperCase(java.util.Locale.ROOT).startsWith("FROM ")) {
                if (stage.stream().anyMatch(i -> i.contains(containing))) {
                    return stage;
                }
                stage.clear();
            }
            stage.add(instruction);
        }
        return stage.stream().anyMatch(i -> i.contains(containing)) ? stage : List.of();
    }

    private static Map<String, String> environmentPairs(String rest) {
        Map<String, String> pairs = new LinkedHashMap<>();
        if (!rest.contains("=")) {
            String[] parts = rest.split("\\s+", 2);
            pairs.put(parts[0], parts.length > 1 ? parts[1] : "");
            return pairs;
        }
        Matcher m = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S*)").matcher(rest);
        while (m.find()) {
            pairs.put(m.group(1), m.group(2).replaceAll("^\"|\"$", ""));
        }
        return pairs;
    }

    static void addArguments(Map<String, String> options, List<String> arguments) {
        for (String argument : arguments) {
            String option = ServerConfig.optionOfArgument(argument);
            if (option != null) {
                String value = ServerConfig.valueOfArgument(argument);
                options.put(option, value == null ? "true" : value);
            }
        }
    }

    // --- docker-compose.yml ---

    @SuppressWarnings("unchecked")
    static Map<String, Object> compose(String text) {
        return (Map<String, Object>) new Yaml().load(text);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> service(Map<String, Object> compose, String name) {
        Map<String, Object> services = (Map<String, Object>) compose.get("services");
        Map<String, Object> service = (Map<String, Object>) services.get(name);
        if (service == null) {
            throw new AssertionError("docker-compose.yml has no service " + name);
        }
        return service;
    }

    @SuppressWarnings("unchecked")
    static Set<String> serviceNames(Map<String, Object> compose) {
        return ((Map<String, Object>) compose.get("services")).keySet();
    }

    /** A service's environment in either of compose's two forms (map, or list of NAME=value). */
    @SuppressWarnings("unchecked")
    static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> environment = new LinkedHashMap<>();
        Object raw = service.get("environment");
        if (raw instanceof Map<?, ?> map) {
            map.forEach((k, v) -> environment.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
        } else if (raw instanceof List<?> list) {
            for (Object entry : list) {
                String[] pair = String.valueOf(entry).split("=", 2);
                environment.put(pair[0], pair.length > 1 ? pair[1] : null);
            }
        }
        return environment;
    }

    /** A service's command as arguments (list form, or a string split at blanks). */
    static List<String> command(Map<String, Object> service) {
        Object raw = service.get("command");
        if (raw == null) {
            return List.of();
        }
        if (raw instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return List.of(String.valueOf(raw).split("\\s+"));
    }

    /** {@code --name=value} flags of a command; repeated flags keep the last value. */
    static Map<String, String> flags(List<String> command) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (String argument : command) {
            if (argument.startsWith("--")) {
                String[] pair = argument.substring(2).split("=", 2);
                flags.put(pair[0], pair.length > 1 ? pair[1] : "true");
            }
        }
        return flags;
    }

    @SuppressWarnings("unchecked")
    static List<String> stringList(Map<String, Object> service, String key) {
        Object raw = service.get(key);
        if (raw == null) {
            return List.of();
        }
        if (raw instanceof Map<?, ?> map) {
            return map.keySet().stream().map(String::valueOf).toList();
        }
        return ((List<Object>) raw).stream().map(String::valueOf).toList();
    }

    /** Every variable compose interpolates, read from the parsed file (so comments do not count). */
    static Set<String> composeVariables(Map<String, Object> compose) {
        Set<String> variables = new TreeSet<>();
        walk(compose, text -> {
            Matcher m = COMPOSE_VARIABLE.matcher(text);
            while (m.find()) {
                variables.add(m.group(1) != null ? m.group(1) : m.group(3));
            }
        });
        return variables;
    }

    /** Variables whose compose interpolation carries a non-empty default ({@code ${VAR:-x}} or {@code ${VAR-x}}). */
    static Map<String, String> composeDefaults(Map<String, Object> compose) {
        Map<String, String> defaults = new LinkedHashMap<>();
        walk(compose, text -> {
            Matcher m = COMPOSE_VARIABLE.matcher(text);
            while (m.find()) {
                String modifier = m.group(2) == null ? "" : m.group(2);
                if (modifier.startsWith(":-") || modifier.startsWith("-")) {
                    defaults.put(m.group(1), modifier.substring(modifier.startsWith(":-") ? 2 : 1));
                }
            }
        });
        return defaults;
    }

    /** The value compose would substitute without any .env: a literal, or the {@code :-} / {@code -} default. */
    static String valueWithoutEnvironment(String composeValue) {
        Matcher m = COMPOSE_VARIABLE.matcher(composeValue);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String modifier = m.group(2) == null ? "" : m.group(2);
            String replacement = modifier.startsWith(":-") ? modifier.substring(2)
                : modifier.startsWith("-") ? modifier.substring(1) : null;
            m.appendReplacement(out, Matcher.quoteReplacement(replacement == null ? "{" + name(m) + "}" : replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** {@code ${FLOWISE_URL:?…}/oauth2/callback} → {@code {FLOWISE_URL}/oauth2/callback}, for comparing with the realm. */
    static String normalizeCompose(String composeValue) {
        Matcher m = COMPOSE_VARIABLE.matcher(composeValue);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement("{" + name(m) + "}"));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String name(Matcher m) {
        return m.group(1) != null ? m.group(1) : m.group(3);
    }

    @SuppressWarnings("unchecked")
    private static void walk(Object node, java.util.function.Consumer<String> visitor) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                visitor.accept(String.valueOf(k));
                walk(v, visitor);
            });
        } else if (node instanceof List<?> list) {
            list.forEach(item -> walk(item, visitor));
        } else if (node != null) {
            visitor.accept(String.valueOf(node));
        }
    }

    // --- realm and .env.example ---

    static Set<String> realmVariables(String realmJson) {
        Set<String> variables = new TreeSet<>();
        Matcher m = REALM_VARIABLE.matcher(realmJson);
        while (m.find()) {
            variables.add(m.group(1));
        }
        return variables;
    }

    /** {@code ${FLOWISE_URL:http://localhost:3000}/oauth2/callback} → {@code {FLOWISE_URL}/oauth2/callback}. */
    static String normalizeRealm(String realmValue) {
        return REALM_VARIABLE.matcher(realmValue).replaceAll(r -> Matcher.quoteReplacement("{" + r.group(1) + "}"));
    }

    static Map<String, String> envFile(String text) {
        Map<String, String> variables = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = ENV_FILE_LINE.matcher(line.strip());
            if (m.matches()) {
                variables.put(m.group(1), m.group(2));
            }
        }
        return variables;
    }

    static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> result = new LinkedHashSet<>(a);
        result.removeAll(b);
        return result;
    }

    /** The first value of each top-level directive of an Apache httpd configuration (comments and sections skipped). */
    static Map<String, String> apacheDirectives(String conf) {
        Map<String, String> directives = new LinkedHashMap<>();
        int depth = 0;
        for (String raw : conf.split("\\R")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("</")) {
                depth--;
                continue;
            }
            if (line.startsWith("<")) {
                depth++;
                continue;
            }
            if (depth == 0) {
                String[] parts = line.split("\\s+", 2);
                directives.putIfAbsent(parts[0], parts.length > 1 ? parts[1].replaceAll("^\"|\"$", "") : "");
            }
        }
        return directives;
    }
}
