package io.github.flowisesso.testsupport;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The project's one Keycloak configuration, {@code server/keycloak.conf}, and the rule for what an environment
 * (container, compose file, test harness) may set besides it. The harness enforces the rule when it starts a
 * server; {@code DeploymentConfigTest} enforces it on the Dockerfile, docker-compose.yml and the harness' commands.
 */
public final class ServerConfig {

    public static final String LOCATION = "server/keycloak.conf";

    /**
     * Options that belong to one environment and may therefore be set outside keycloak.conf (command line or
     * {@code KC_*} variables): where the server listens, which database it uses and how it logs in there, its public
     * URL, the first admin, and which proxy headers the environment's proxy sends. Everything else lives in
     * keycloak.conf only. An environment value for an option that keycloak.conf also sets is an override on purpose
     * (e.g. {@code db=dev-file} for the H2 tests); a compose default for it must still equal keycloak.conf.
     */
    public static final Set<String> PER_ENVIRONMENT = Set.of(
        "db", "db-url", "db-username", "db-password",
        "hostname", "hostname-admin", "hostname-strict", "hostname-backchannel-dynamic",
        "http-host", "http-port", "http-management-port",
        "proxy-headers",
        // Cache: keycloak.conf runs one node (cache=local); a cluster environment (several nodes behind a load
        // balancer, or the two-node cluster test) switches on Keycloak's distributed cache (ispn, JGroups discovery
        // through the database with the default jdbc-ping stack) and says where this node's transport listens.
        "cache", "cache-embedded-network-bind-address", "cache-embedded-network-bind-port",
        "cache-embedded-network-external-address", "cache-embedded-network-external-port",
        "bootstrap-admin-username", "bootstrap-admin-password",
        "bootstrap-admin-client-id", "bootstrap-admin-client-secret",
        // Deployment knobs of the extension with safe defaults in code: the tests shorten the retention job's
        // interval, pick a non-default expiry to see both read, and run the email outbox at test pace; tests and
        // the local Entra stand-in need a loopback authority, which production never allows.
        "spi-admin-realm-restapi-extension--invitations--default-expiry-hours",
        "spi-admin-realm-restapi-extension--invitations--cleanup-interval-seconds",
        "spi-admin-realm-restapi-extension--invitations--mail-retry-seconds",
        "spi-admin-realm-restapi-extension--invitations--mail-retry-max-seconds",
        "spi-admin-realm-restapi-extension--invitations--mail-poll-seconds",
        "spi-admin-realm-restapi-extension--invitations--mail-lease-seconds",
        "spi-admin-realm-restapi-extension--invitations--mail-senders",
        "spi-identity-provider--entra-id--allowed-authority-hosts");

    private static final Pattern CLI_OPTION = Pattern.compile("--([a-z0-9][a-z0-9-]*)(?:=(.*))?");

    private final Path file;
    private final Map<String, String> options;

    private ServerConfig(Path file, Map<String, String> options) {
        this.file = file;
        this.options = Collections.unmodifiableMap(options);
    }

    /** Reads keycloak.conf as Keycloak does (Java properties syntax). */
    public static ServerConfig load(Path repoRoot) {
        Path file = repoRoot.resolve(LOCATION);
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        Map<String, String> options = new TreeMap<>();
        properties.stringPropertyNames().forEach(name -> options.put(name, properties.getProperty(name).trim()));
        return new ServerConfig(file, options);
    }

    public Path file() {
        return file;
    }

    public Map<String, String> options() {
        return options;
    }

    public String get(String option) {
        return options.get(option);
    }

    /** {@code KC_HTTP_MANAGEMENT_PORT} → {@code http-management-port}; null for variables that are no option. */
    public static String optionOfEnvironmentVariable(String variable) {
        if (!variable.startsWith("KC_")) {
            return null;
        }
        return variable.substring(3).toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** {@code --http-port=8080} → {@code http-port}; null for arguments that are no {@code --option}. */
    public static String optionOfArgument(String argument) {
        Matcher m = CLI_OPTION.matcher(argument);
        return m.matches() ? m.group(1) : null;
    }

    public static String valueOfArgument(String argument) {
        Matcher m = CLI_OPTION.matcher(argument);
        return m.matches() ? m.group(2) : null;
    }

    /**
     * Why these options, set by {@code source} outside keycloak.conf, break the rule; empty when they do not.
     * {@code import-realm}, {@code optimized} and {@code verbose} are command flags, not options.
     */
    public List<String> violations(String source, Map<String, String> setOutside) {
        return setOutside.entrySet().stream()
            .filter(e -> !Set.of("import-realm", "optimized", "verbose").contains(e.getKey()))
            .filter(e -> !PER_ENVIRONMENT.contains(e.getKey()))
            .map(e -> source + " sets " + e.getKey() + "=" + e.getValue() + (!options.containsKey(e.getKey())
                ? ", which is no per-environment option: put it into " + LOCATION
                : options.get(e.getKey()).equals(e.getValue())
                    ? ", repeating " + LOCATION + " (set it only there)"
                    : ", but " + LOCATION + " says " + e.getKey() + "=" + options.get(e.getKey())))
            .toList();
    }

    /** Fails fast when the harness itself would start Keycloak with options outside the rule. */
    void requireOnlyPerEnvironment(String source, List<String> arguments) {
        Map<String, String> set = new TreeMap<>();
        for (String argument : arguments) {
            String option = optionOfArgument(argument);
            if (option != null) {
                set.put(option, String.valueOf(valueOfArgument(argument)));
            }
        }
        List<String> violations = violations(source, set);
        if (!violations.isEmpty()) {
            throw new IllegalStateException(String.join("\n", violations));
        }
    }

    void requireOnlyPerEnvironmentVariables(String source, Map<String, String> environment) {
        Map<String, String> set = new TreeMap<>();
        environment.forEach((name, value) -> {
            String option = optionOfEnvironmentVariable(name);
            if (option != null) {
                set.put(option, name.contains("PASSWORD") || name.contains("SECRET") ? "***" : value);
            }
        });
        List<String> violations = violations(source, set);
        if (!violations.isEmpty()) {
            throw new IllegalStateException(String.join("\n", violations));
        }
    }
}
