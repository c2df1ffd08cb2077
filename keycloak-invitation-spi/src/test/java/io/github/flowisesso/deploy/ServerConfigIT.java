package io.github.flowisesso.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flowisesso.testsupport.Browser;
import io.github.flowisesso.testsupport.EntraUser;
import io.github.flowisesso.testsupport.KeycloakExtension;
import io.github.flowisesso.testsupport.StateAssertions;
import io.github.flowisesso.testsupport.TestEnvironment;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What server/keycloak.conf promises operators, checked on the server the tests run (the image uses the same file):
 * health and metrics on the management port only, refusals counted in the user-event metric, and the realm's SMTP
 * settings filled from environment placeholders.
 */
@ExtendWith(KeycloakExtension.class)
class ServerConfigIT {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void healthAndMetricsAreServedOnTheManagementPortOnly(TestEnvironment env) throws Exception {
        String management = env.keycloak().managementUrl();
        assertThat(get(management + "/health/ready").statusCode()).isEqualTo(200);
        assertThat(get(management + "/health/live").statusCode()).isEqualTo(200);
        HttpResponse<String> metrics = get(management + "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_memory_used_bytes");

        assertThat(get(env.keycloak().baseUrl() + "/health/ready").statusCode()).isEqualTo(404);
        assertThat(get(env.keycloak().baseUrl() + "/metrics").statusCode()).isEqualTo(404);
    }

    @Test
    void aRefusedSignInIsCountedWithItsErrorInTheUserEventMetric(TestEnvironment env) throws Exception {
        String uninvited = "nobody-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        try (Browser browser = env.browser()) {
            assertThat(browser.signIn(EntraUser.of(env, uninvited)).getWebResponse().getStatusCode()).isEqualTo(403);
        }
        StateAssertions.assertNoAccount(env, uninvited);

        String metrics = get(env.keycloak().managementUrl() + "/metrics").body();
        assertThat(metrics.lines().filter(l -> l.startsWith("keycloak_user_events_total{")))
            .anySatisfy(line -> assertThat(line)
                .contains("error=\"invitation_required\"")
                .contains("event=\"identity_provider_first_login\"")
                .contains("realm=\"" + TestEnvironment.REALM + "\"")
                .contains("idp=\"" + TestEnvironment.IDP_ALIAS + "\""));
    }

    @Test
    void theRealmsSmtpSettingsComeFromPlaceholders(TestEnvironment env) {
        // The import replaced ${SMTP_*:default}; a test that points the realm at its own mail server may have
        // replaced the settings since, but never with a placeholder.
        Map<String, String> smtp = env.realm().toRepresentation().getSmtpServer();
        assertThat(smtp).isNotEmpty().containsKeys("host", "port", "from");
        assertThat(smtp.values()).noneMatch(value -> value != null && value.contains("${"));
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
