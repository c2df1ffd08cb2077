package io.github.flowisesso.deploy;

import static io.github.flowisesso.deploy.DeploymentFiles.command;
import static io.github.flowisesso.deploy.DeploymentFiles.environment;
import static io.github.flowisesso.deploy.DeploymentFiles.flags;
import static io.github.flowisesso.deploy.DeploymentFiles.minus;
import static io.github.flowisesso.deploy.DeploymentFiles.read;
import static io.github.flowisesso.deploy.DeploymentFiles.service;
import static io.github.flowisesso.deploy.DeploymentFiles.stringList;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.flowisesso.testsupport.KeycloakServer;
import io.github.flowisesso.testsupport.KeycloakServer.Database;
import io.github.flowisesso.testsupport.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The tested server and the deployed server are the same server: one keycloak.conf, and the Dockerfile,
 * docker-compose.yml and the test harness add only per-environment values to it. Plus the bookkeeping that keeps
 * docker-compose.yml, the realm and .env.example in step, and the compose wiring that the token contract relies on.
 */
class DeploymentConfigTest {

    static final Path ROOT = DeploymentFiles.repoRoot();
    static final ServerConfig CONF = ServerConfig.load(ROOT);
    static final String DOCKERFILE = read(ROOT.resolve("Dockerfile"));
    static final Map<String, Object> COMPOSE = DeploymentFiles.compose(read(ROOT.resolve("docker-compose.yml")));
    static final Map<String, String> ENV_EXAMPLE = DeploymentFiles.envFile(read(ROOT.resolve(".env.example")));

    @Nested
    class KeycloakConf {

        @Test
        void holdsWhatEveryEnvironmentReliesOn() {
            assertThat(CONF.options())
                .containsEntry("db", "postgres")
                .containsEntry("health-enabled", "true")
                .containsEntry("metrics-enabled", "true")
                .containsEntry("http-enabled", "true")
                .containsEntry("cache", "local")
                .containsKeys("proxy-headers", "log", "features");
        }

        @Test
        void holdsNoValueThatBelongsToOneEnvironment() {
            Set<String> perEnvironmentInConf = new TreeSet<>(CONF.options().keySet());
            perEnvironmentInConf.retainAll(ServerConfig.PER_ENVIRONMENT);
            assertThat(perEnvironmentInConf).as("defaults an environment may override; no URLs, ports or secrets")
                .containsExactlyInAnyOrder("db", "proxy-headers", "cache"); // cache=local: one node; a cluster sets ispn
        }
    }

    @Nested
    class TheDockerfile {

        @Test
        void copiesKeycloakConfIntoTheBuildStageBeforeKcShBuild() {
            List<String> stage = DeploymentFiles.stageOf(DOCKERFILE, "kc.sh build");
            assertThat(stage).as("a stage runs kc.sh build").isNotEmpty();
            int copy = indexOf(stage, "COPY " + ServerConfig.LOCATION + " /opt/keycloak/conf/keycloak.conf");
            int build = indexOf(stage, "kc.sh build");
            assertThat(copy).as("COPY %s /opt/keycloak/conf/keycloak.conf in the build stage", ServerConfig.LOCATION).isNotNegative();
            assertThat(copy).isLessThan(build);
        }

        @Test
        void setsNoKeycloakOptionOfItsOwn() {
            assertThat(CONF.violations("Dockerfile", DeploymentFiles.dockerfileOptions(DOCKERFILE))).isEmpty();
        }

        @Test
        void startsTheBuiltServerWithTheRealmImport() {
            String cmd = DeploymentFiles.dockerInstructions(DOCKERFILE).stream().filter(i -> i.startsWith("CMD")).reduce((a, b) -> b).orElseThrow();
            assertThat(DeploymentFiles.execForm(cmd.substring(3).strip())).containsExactly("start", "--optimized", "--import-realm");
        }

        @Test
        void bakesInNoSecret() {
            assertThat(DOCKERFILE).doesNotContain("PASSWORD").doesNotContain("SECRET");
        }
    }

    @Nested
    class TheComposeFile {

        final Map<String, Object> keycloak = service(COMPOSE, "keycloak");

        @Test
        void buildsKeycloakFromTheRepositorysDockerfile() {
            assertThat(String.valueOf(keycloak.get("build"))).isIn(".", "{context=.}", "{context=., dockerfile=Dockerfile}");
            assertThat(keycloak).doesNotContainKey("command").doesNotContainKey("entrypoint");
        }

        @Test
        void givesKeycloakOnlyPerEnvironmentOptions() {
            Map<String, String> options = new LinkedHashMap<>();
            environment(keycloak).forEach((name, value) -> {
                String option = ServerConfig.optionOfEnvironmentVariable(name);
                if (option != null) {
                    options.put(option, value);
                }
            });
            assertThat(CONF.violations("docker-compose.yml (keycloak)", options)).isEmpty();
        }

        @Test
        void overridesNothingKeycloakConfSetsUnlessTheEnvFileSaysSo() {
            List<String> contradictions = new ArrayList<>();
            environment(keycloak).forEach((name, value) -> {
                String option = ServerConfig.optionOfEnvironmentVariable(name);
                if (option != null && CONF.options().containsKey(option)) {
                    String unset = DeploymentFiles.valueWithoutEnvironment(value);
                    if (!unset.equals(CONF.get(option))) {
                        contradictions.add(name + " defaults to '" + unset + "', keycloak.conf says " + option + "=" + CONF.get(option));
                    }
                    String fromEnvExample = ENV_EXAMPLE.get(name);
                    if (fromEnvExample != null && !fromEnvExample.equals(CONF.get(option))) {
                        contradictions.add(".env.example sets " + name + "=" + fromEnvExample + ", keycloak.conf says " + option + "=" + CONF.get(option));
                    }
                }
            });
            assertThat(contradictions).isEmpty();
        }

        @Test
        void checksKeycloakHealthOnTheManagementPort() {
            String port = CONF.options().getOrDefault("http-management-port", "9000");
            assertThat(String.valueOf(((Map<?, ?>) keycloak.get("healthcheck")).get("test")))
                .contains("/dev/tcp/127.0.0.1/" + port).contains("/health/ready");
            assertThat(service(COMPOSE, "postgres")).containsKey("healthcheck");
            assertThat(String.valueOf(keycloak.get("depends_on"))).contains("postgres").contains("service_healthy");
        }

        @Test
        void bakesInNoSecretDefault() {
            Map<String, String> secretDefaults = new LinkedHashMap<>(DeploymentFiles.composeDefaults(COMPOSE));
            secretDefaults.entrySet().removeIf(e -> !(e.getKey().contains("PASSWORD") || e.getKey().contains("SECRET")) || e.getValue().isEmpty());
            assertThat(secretDefaults).as("secrets come from .env only").isEmpty();
        }

        @Test
        void letsOnlyTheProxyReachFlowise() {
            Map<String, Object> flowise = service(COMPOSE, "flowise");
            assertThat(flowise).as("Flowise publishes no port").doesNotContainKey("ports");
            List<String> flowiseNetworks = stringList(flowise, "networks");
            assertThat(flowiseNetworks).isNotEmpty();
            for (String other : DeploymentFiles.serviceNames(COMPOSE)) {
                if (!List.of("flowise", "door", "bridge").contains(other)) {
                    List<String> networks = stringList(service(COMPOSE, other), "networks");
                    assertThat(networks).as(other + " must share no network with flowise (and name its networks)")
                        .isNotEmpty().doesNotContainAnyElementsOf(flowiseNetworks);
                }
            }
            assertThat(environment(service(COMPOSE, "door"))).containsEntry("FLOWISE_UPSTREAM", "http://flowise:3000");
            assertThat(environment(service(COMPOSE, "bridge"))).containsEntry("FLOWISE_INTERNAL_URL", "http://flowise:3000");
        }

        @Test
        void runsMailpitOnlyInTheDevProfile() {
            assertThat(stringList(service(COMPOSE, "mailpit"), "profiles")).containsExactly("dev");
            for (String other : DeploymentFiles.serviceNames(COMPOSE)) {
                if (!other.equals("mailpit")) {
                    assertThat(service(COMPOSE, other)).as(other).doesNotContainKey("profiles");
                    assertThat(String.valueOf(service(COMPOSE, other).get("depends_on"))).as(other).doesNotContain("mailpit");
                }
            }
        }
    }

    /** The door is Flowise's relying party: it must ask for exactly what the shipped `flowise` client allows. */
    @Nested
    class TheDoorAndTheShippedClient {

        final Map<String, String> door = DeploymentFiles.apacheDirectives(read(ROOT.resolve("door/flowise-door.conf")));
        final Map<String, String> doorEnvironment = environment(service(COMPOSE, "door"));
        final JsonNode realm = realm();
        final JsonNode client = flowiseClient(realm);
        final JsonNode attributes = client.get("attributes");

        @Test
        void isAConfidentialPkceClientOfTheRealm() {
            assertThat(door).containsEntry("OIDCClientID", client.get("clientId").asText())
                .containsEntry("OIDCClientSecret", "${FLOWISE_CLIENT_SECRET}")
                .containsEntry("OIDCProviderTokenEndpointAuth", "client_secret_basic")
                .containsEntry("OIDCResponseType", "code");
            assertThat(client.get("publicClient").asBoolean()).isFalse();
            assertThat(door.get("OIDCPKCEMethod")).isEqualTo(attributes.get("pkce.code.challenge.method").asText()).isEqualTo("S256");
            assertThat(doorEnvironment.get("FLOWISE_CLIENT_SECRET")).startsWith("${FLOWISE_CLIENT_SECRET");
            assertThat(client.get("secret").asText()).startsWith("${FLOWISE_CLIENT_SECRET");
            assertThat(doorEnvironment.get("DOOR_CRYPTO_PASSPHRASE")).startsWith("${DOOR_CRYPTO_PASSPHRASE:?");
        }

        @Test
        void redirectsToAUriTheClientRegistersWhichIsAlsoItsLoginInitiation() {
            List<String> registered = new ArrayList<>();
            client.get("redirectUris").forEach(uri -> registered.add(DeploymentFiles.normalizeRealm(uri.asText())));
            String redirect = door.get("OIDCRedirectURI").replace("${FLOWISE_URL}", "{FLOWISE_URL}");
            assertThat(redirect).isEqualTo("{FLOWISE_URL}/oauth2/callback");
            assertThat(registered).contains(redirect);
            assertThat(DeploymentFiles.normalizeRealm(attributes.get("initiate.login.uri").asText())).isEqualTo(redirect);
        }

        @Test
        void signsOutToAPageKeycloakAllowsAndRechecksSessionsWithinTheTokenLifespan() {
            String signedOut = door.get("OIDCDefaultLoggedOutURL").replace("${FLOWISE_URL}", "{FLOWISE_URL}");
            List<String> allowed = new ArrayList<>();
            for (String uri : attributes.get("post.logout.redirect.uris").asText().split("##")) {
                allowed.add(DeploymentFiles.normalizeRealm(uri));
            }
            assertThat(allowed).contains(signedOut);
            int lifespan = Integer.parseInt(attributes.get("access.token.lifespan").asText());
            String[] refresh = door.get("OIDCRefreshAccessTokenBeforeExpiry").split("\\s+");
            assertThat(refresh[1]).isEqualTo("logout_on_error");
            assertThat(lifespan).as("a disabled user is out within a minute").isLessThanOrEqualTo(60);
            assertThat(Integer.parseInt(refresh[0])).isPositive().isLessThan(lifespan);
        }

        @Test
        void readsThePublicIssuerThroughKeycloaksBackchannel() {
            assertThat(doorEnvironment.get("DOOR_OIDC_METADATA_URL"))
                .isEqualTo("http://keycloak:8080/realms/" + realm.get("realm").asText() + "/.well-known/openid-configuration");
            assertThat(environment(service(COMPOSE, "keycloak"))).containsEntry("KC_HOSTNAME_BACKCHANNEL_DYNAMIC", "true");
            assertThat(environment(service(COMPOSE, "bridge")).get("KEYCLOAK_ISSUER")).startsWith("${KC_HOSTNAME").endsWith("/realms/flowise");
        }

        @Test
        void everySettingTheDoorReadsIsGivenByTheImageOrCompose() {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{([A-Z_]+)}").matcher(read(ROOT.resolve("door/flowise-door.conf")));
            Set<String> used = new TreeSet<>();
            while (m.find()) {
                used.add(m.group(1));
            }
            String dockerfile = read(ROOT.resolve("door/Dockerfile"));
            Set<String> missing = new TreeSet<>();
            for (String name : used) {
                if (!doorEnvironment.containsKey(name) && !dockerfile.contains(name + "=")) {
                    missing.add(name);
                }
            }
            assertThat(missing).isEmpty();
        }
    }

    @Nested
    class TheTestHarness {

        final Database h2 = new Database("h2", null, null, null);
        final Database postgres = new Database("postgres", "jdbc:postgresql://127.0.0.1:5432/keycloak", "postgres", "secret");

        @Test
        void buildsWithKeycloakConfAndAtMostTheDatabaseKind() {
            assertThat(KeycloakServer.buildOptions(CONF, postgres)).isEmpty();
            assertThat(KeycloakServer.buildOptions(CONF, h2)).containsExactly("--db=dev-file");
            for (Database db : List.of(h2, postgres)) {
                assertThat(CONF.violations("KeycloakServer build", options(KeycloakServer.buildOptions(CONF, db)))).isEmpty();
            }
        }

        @Test
        void startsWithOnlyPerRunValues() {
            for (Database db : List.of(h2, postgres)) {
                List<String> start = KeycloakServer.startOptions(CONF, db, 8080, 9000);
                assertThat(start).contains("--optimized", "--import-realm");
                assertThat(CONF.violations("KeycloakServer start", options(start))).isEmpty();
                assertThat(start).containsAll(KeycloakServer.buildOptions(CONF, db));
            }
        }

        @Test
        void theRuleCatchesDrift() {
            assertThat(CONF.violations("probe", Map.of("health-enabled", "false"))).singleElement().asString()
                .contains("keycloak.conf says health-enabled=true");
            assertThat(CONF.violations("probe", Map.of("spi-x-y", "z"))).singleElement().asString()
                .contains("no per-environment option");
            assertThat(CONF.violations("Dockerfile", DeploymentFiles.dockerfileOptions(
                "FROM x\nENV KC_METRICS_ENABLED=false \\\n    KC_DB=postgres\nRUN /opt/keycloak/bin/kc.sh build --health-enabled=false\nCMD [\"start\", \"--optimized\", \"--log-level=debug\"]\n")))
                .hasSize(3);
        }

        private Map<String, String> options(List<String> arguments) {
            Map<String, String> options = new LinkedHashMap<>();
            DeploymentFiles.addArguments(options, arguments);
            return options;
        }
    }

    /** Every `${VAR}` of docker-compose.yml and the realm is explained in .env.example, and nothing else is. */
    @Nested
    class Variables {

        final Set<String> compose = DeploymentFiles.composeVariables(COMPOSE);
        final Set<String> realm = realmFiles().stream().flatMap(f -> DeploymentFiles.realmVariables(read(f)).stream())
            .collect(java.util.stream.Collectors.toCollection(TreeSet::new));

        @Test
        void everyVariableUsedIsInEnvExample() {
            assertThat(minus(compose, ENV_EXAMPLE.keySet())).as("used by docker-compose.yml, missing in .env.example").isEmpty();
            assertThat(minus(realm, ENV_EXAMPLE.keySet())).as("used by realm-config, missing in .env.example").isEmpty();
        }

        @Test
        void envExampleHasNoStaleVariable() {
            Set<String> used = new TreeSet<>(compose);
            used.addAll(realm);
            assertThat(minus(ENV_EXAMPLE.keySet(), used)).as("in .env.example, used nowhere").isEmpty();
        }

        @Test
        void everyVariableInEnvExampleIsExplained() {
            String text = read(ROOT.resolve(".env.example"));
            List<String> unexplained = new ArrayList<>();
            String previous = "";
            for (String line : text.split("\n")) {
                if (line.matches("^[A-Za-z_][A-Za-z0-9_]*=.*") && !(previous.startsWith("#") || previous.matches("^[A-Za-z_][A-Za-z0-9_]*=.*"))) {
                    unexplained.add(line);
                }
                previous = line.strip();
            }
            assertThat(unexplained).as("each variable (or group of variables) follows a comment").isEmpty();
        }

        @Test
        void keycloakReceivesEveryRealmPlaceholderAndNoOtherVariable() {
            Set<String> passed = new TreeSet<>(environment(service(COMPOSE, "keycloak")).keySet());
            passed.removeIf(name -> name.startsWith("KC_"));
            assertThat(minus(realm, passed)).as("realm placeholders the keycloak container does not get (import would use the default)").isEmpty();
            assertThat(minus(passed, realm)).as("variables passed to keycloak that no realm file uses").isEmpty();
        }

        @Test
        void theRealmPlaceholdersAreWhatKeycloakReplaces() {
            // Keycloak's import replaces ${VAR} and ${VAR:default}; compose's ${VAR:-x} syntax would stay literal.
            for (Path file : realmFiles()) {
                assertThat(read(file)).as(file.toString()).doesNotContainPattern("\\$\\{[A-Z_]+:-");
            }
        }
    }

    static List<Path> realmFiles() {
        try (Stream<Path> files = Files.list(ROOT.resolve("realm-config"))) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode realm() {
        try {
            return new ObjectMapper().readTree(ROOT.resolve("realm-config/flowise-realm.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode flowiseClient(JsonNode realm) {
        for (JsonNode client : realm.get("clients")) {
            if (client.get("clientId").asText().equals("flowise")) {
                return client;
            }
        }
        throw new AssertionError("the realm has no client flowise");
    }

    private static int indexOf(List<String> stage, String fragment) {
        for (int i = 0; i < stage.size(); i++) {
            if (stage.get(i).contains(fragment)) {
                return i;
            }
        }
        return -1;
    }
}
