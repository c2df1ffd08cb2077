package io.github.flowisesso.entra;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flowisesso.testsupport.InvitationApi;
import io.github.flowisesso.testsupport.KeycloakExtension;
import io.github.flowisesso.testsupport.RogueEntraTenant;
import io.github.flowisesso.testsupport.TestEnvironment;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.keycloak.representations.idm.IdentityProviderRepresentation;

/** Flowise's "Test Configuration" button, for Keycloak: right and wrong tenant, client id, secret, host. */
@ExtendWith(KeycloakExtension.class)
class SsoConfigurationCheckIT {

    @Nested
    class GivenTheSavedSettings {

        @Test
        void theStandInTenantPassesEveryCheck(TestEnvironment env) {
            Map<String, Object> result = test(env, TestEnvironment.IDP_ALIAS, Map.of());

            assertThat(result).containsEntry("ok", true).containsEntry("issuer", env.entra().issuer());
            assertThat(statuses(result)).containsEntry("discovery", "ok").containsEntry("jwks", "ok")
                .containsEntry("client_credentials", "ok").containsEntry("redirect_uri", "ok");
            assertThat(message(result, "redirect_uri")).endsWith("/realms/flowise/broker/entra/endpoint");
        }

        @Test
        void aTenantThatChecksCredentialsAcceptsTheRightOnes(TestEnvironment env) {
            env.rogueTenant();
            Map<String, Object> result = test(env, TestEnvironment.ROGUE_ALIAS, Map.of());

            assertThat(result).containsEntry("ok", true);
            assertThat(result.toString()).doesNotContain(env.rogueTenant().clientSecret());
        }
    }

    @Nested
    class GivenCandidateSettings {

        @Test
        void aWrongTenantFailsAtDiscoveryWithAPointerToTheTenantId(TestEnvironment env) {
            Map<String, Object> result = test(env, TestEnvironment.ROGUE_ALIAS, Map.of("tenantId", UUID.randomUUID().toString()));

            assertThat(result).containsEntry("ok", false);
            assertThat(statuses(result)).containsEntry("discovery", "failed").doesNotContainKey("client_credentials");
            assertThat(message(result, "discovery")).contains("Tenant ID");
        }

        @Test
        void aWrongClientIdIsNamed(TestEnvironment env) {
            Map<String, Object> result = test(env, TestEnvironment.ROGUE_ALIAS,
                Map.of("clientId", "not-our-app", "clientSecret", env.rogueTenant().clientSecret()));

            assertThat(statuses(result)).containsEntry("discovery", "ok").containsEntry("client_credentials", "failed");
            assertThat(message(result, "client_credentials")).contains("Application (client) ID");
        }

        @Test
        void aWrongSecretIsNamedAndNeverEchoed(TestEnvironment env) {
            String wrong = "wrong-" + UUID.randomUUID();
            Map<String, Object> result = test(env, TestEnvironment.ROGUE_ALIAS, Map.of("clientSecret", wrong));

            assertThat(statuses(result)).containsEntry("client_credentials", "failed");
            assertThat(message(result, "client_credentials")).contains("Value, not its Secret ID");
            assertThat(result.toString()).doesNotContain(wrong).doesNotContain(env.rogueTenant().clientSecret());
        }

        @Test
        void changedSettingsNeverReuseTheSavedSecret(TestEnvironment env) {
            Map<String, Object> result = test(env, TestEnvironment.ROGUE_ALIAS, Map.of("clientId", "another-app"));

            assertThat(statuses(result)).containsEntry("client_credentials", "failed");
            assertThat(message(result, "client_credentials")).contains("need the secret again");
        }

        @Test
        void anAuthorityOutsideTheAllowlistIsRefusedBeforeAnyCall(TestEnvironment env) {
            Map<String, Object> result = test(env, TestEnvironment.ROGUE_ALIAS, Map.of("authorityHost", "https://evil.example",
                "clientSecret", "whatever"));

            assertThat(statuses(result)).containsEntry("settings", "failed").doesNotContainKey("discovery");
        }

        @Test
        void aMultiTenantAuthorityIsRefusedBeforeAnyCall(TestEnvironment env) {
            Map<String, Object> result = test(env, TestEnvironment.ROGUE_ALIAS, Map.of("tenantId", "common"));

            assertThat(statuses(result)).containsEntry("settings", "failed").doesNotContainKey("discovery");
        }

        @Test
        void anUnreachableHostFailsWithinTheTimeout(TestEnvironment env) throws IOException {
            // A listener that accepts and never answers: the check must give up on its own.
            try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                List<Socket> held = new ArrayList<>();
                Thread acceptor = new Thread(() -> {
                    try {
                        while (!silent.isClosed()) {
                            held.add(silent.accept());
                        }
                    } catch (IOException closed) {
                        // test over
                    }
                });
                acceptor.setDaemon(true);
                acceptor.start();
                Instant started = Instant.now();

                Map<String, Object> result = test(env, TestEnvironment.ROGUE_ALIAS,
                    Map.of("authorityHost", "http://127.0.0.1:" + silent.getLocalPort()));

                assertThat(Duration.between(started, Instant.now())).isLessThan(Duration.ofSeconds(20));
                assertThat(statuses(result)).containsEntry("discovery", "failed");
                assertThat(message(result, "discovery")).contains("timed out");
            }
        }

        @Test
        void nothingIsSaved(TestEnvironment env) {
            env.rogueTenant();
            IdentityProviderRepresentation before = env.realm().identityProviders().get(TestEnvironment.ROGUE_ALIAS).toRepresentation();

            test(env, TestEnvironment.ROGUE_ALIAS, Map.of("tenantId", UUID.randomUUID().toString(), "clientId", "x"));

            IdentityProviderRepresentation after = env.realm().identityProviders().get(TestEnvironment.ROGUE_ALIAS).toRepresentation();
            assertThat(after.getConfig()).isEqualTo(before.getConfig());
        }
    }

    @Nested
    class GivenABadCall {

        @Test
        void anUnknownProviderIsNotFound(TestEnvironment env) {
            assertThat(call(env, "no-such-idp", "{}").status()).isEqualTo(404);
        }

        @Test
        void anUnknownFieldIsNamed(TestEnvironment env) {
            InvitationApi.Answer answer = call(env, TestEnvironment.IDP_ALIAS, "{\"tenant\":\"x\"}");
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.json()).containsEntry("field", "tenant");
        }
    }

    // --- helpers ---

    static InvitationApi.Answer call(TestEnvironment env, String alias, String body) {
        return env.invitationApi().send("POST", TestEnvironment.REALM, "/sso/" + alias + "/test", "application/json", body, Map.of());
    }

    static Map<String, Object> test(TestEnvironment env, String alias, Map<String, String> candidate) {
        env.rogueTenant();
        InvitationApi.Answer answer;
        try {
            answer = call(env, alias, new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(candidate));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer.json();
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> statuses(Map<String, Object> result) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (Map<String, Object> check : (List<Map<String, Object>>) result.get("checks")) {
            out.put((String) check.get("name"), (String) check.get("status"));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static String message(Map<String, Object> result, String name) {
        return ((List<Map<String, Object>>) result.get("checks")).stream()
            .filter(c -> name.equals(c.get("name"))).map(c -> (String) c.get("message")).findFirst().orElseThrow();
    }
}
