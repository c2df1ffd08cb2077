package io.github.flowisesso.entra;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.http.client.config.RequestConfig;
import org.keycloak.http.simple.SimpleHttp;
import org.keycloak.http.simple.SimpleHttpResponse;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.urls.UrlType;

/**
 * Flowise's "Test Configuration", for an Entra ID provider: reads the tenant's discovery document and keys and
 * tries the client credentials, with bounded timeouts, without saving anything. Never returns the secret.
 */
public final class EntraConfigurationCheck {

    public record Check(String name, String status, String message) {
        static Check ok(String name, String message) {
            return new Check(name, "ok", message);
        }

        static Check failed(String name, String message) {
            return new Check(name, "failed", message);
        }
    }

    public record Result(String identityProvider, String tenantId, String issuer, String redirectUri, boolean ok, List<Check> checks) {
    }

    private static final int TIMEOUT_MILLIS = 5_000;

    private final KeycloakSession session;
    private final SimpleHttp http;

    public EntraConfigurationCheck(KeycloakSession session) {
        this.session = session;
        RequestConfig bounded = RequestConfig.custom().setConnectTimeout(TIMEOUT_MILLIS).setSocketTimeout(TIMEOUT_MILLIS)
            .setConnectionRequestTimeout(TIMEOUT_MILLIS).build();
        this.http = SimpleHttp.create(session).withRequestConfig(bounded);
    }

    /** {@code candidate} values (tenantId, clientId, clientSecret, authorityHost) override the saved ones. */
    public Result run(RealmModel realm, IdentityProviderModel saved, Map<String, String> candidate) {
        IdentityProviderModel model = new IdentityProviderModel(saved);
        boolean destinationChanged = false;
        for (String key : new String[] {EntraIdConfigKeys.TENANT_ID, EntraIdConfigKeys.AUTHORITY_HOST, "clientId"}) {
            String value = candidate.get(key);
            destinationChanged |= value != null && !value.isBlank() && !value.trim().equals(saved.getConfig().get(key));
        }
        if (destinationChanged && (candidate.get("clientSecret") == null || candidate.get("clientSecret").isBlank())) {
            // The saved secret only ever goes where it was saved for: changed settings must bring their own.
            model.getConfig().remove("clientSecret");
        }
        candidate.forEach((key, value) -> {
            if (value != null && !value.isBlank()) {
                model.getConfig().put(key, value.trim());
            }
        });
        EntraIdConfig config = new EntraIdConfig(model);
        String redirectUri = session.getContext().getUri(UrlType.FRONTEND).getBaseUriBuilder()
            .path("realms").path(realm.getName()).path("broker").path(saved.getAlias()).path("endpoint").build().toString();

        List<Check> checks = new ArrayList<>();
        String issuer = null;
        try {
            config.validate(realm);
            issuer = config.tenantIssuer();
        } catch (IllegalArgumentException e) {
            checks.add(Check.failed("settings", e.getMessage()));
        }
        if (issuer != null) {
            JsonNode discovery = discovery(issuer, checks);
            if (discovery != null) {
                keys(discovery.path("jwks_uri").asText(null), checks);
                credentials(discovery.path("token_endpoint").asText(null), config, checks);
            }
        }
        checks.add(Check.ok("redirect_uri", "Register this redirect URI (type Web) in the app registration's"
            + " Authentication page: " + redirectUri));
        boolean ok = checks.stream().allMatch(c -> c.status().equals("ok"));
        return new Result(saved.getAlias(), config.getTenantId(), issuer, redirectUri, ok, checks);
    }

    private JsonNode discovery(String issuer, List<Check> checks) {
        String url = issuer + "/.well-known/openid-configuration";
        try (SimpleHttpResponse response = http.doGet(url).asResponse()) {
            if (response.getStatus() != 200) {
                checks.add(Check.failed("discovery", "The tenant's discovery document answered HTTP " + response.getStatus()
                    + ". Check the Tenant ID (Directory (tenant) ID on the app registration's Overview page)."));
                return null;
            }
            JsonNode doc = response.asJson();
            if (!issuer.equals(doc.path("issuer").asText())) {
                checks.add(Check.failed("discovery", "The discovery document names issuer " + doc.path("issuer").asText()
                    + " instead of " + issuer + ". Check the Tenant ID and the authority host."));
                return null;
            }
            for (String endpoint : new String[] {"token_endpoint", "jwks_uri"}) {
                if (!AuthorityHosts.sameOrigin(issuer, doc.path(endpoint).asText(null))) {
                    checks.add(Check.failed("discovery", "The discovery document's " + endpoint + " is not on the authority of "
                        + issuer + "; Keycloak will not send the secret there."));
                    return null;
                }
            }
            checks.add(Check.ok("discovery", "Discovery document found; issuer is " + issuer + "."));
            return doc;
        } catch (IOException | RuntimeException e) {
            checks.add(Check.failed("discovery", "Could not reach " + url + " (" + reason(e) + "). Check the authority host"
                + " and that Keycloak can reach it (proxy, firewall)."));
            return null;
        }
    }

    private void keys(String jwksUri, List<Check> checks) {
        if (jwksUri == null) {
            checks.add(Check.failed("jwks", "The discovery document has no jwks_uri."));
            return;
        }
        try (SimpleHttpResponse response = http.doGet(jwksUri).asResponse()) {
            JsonNode keys = response.getStatus() == 200 ? response.asJson().path("keys") : null;
            long usable = 0;
            if (keys != null && keys.isArray()) {
                for (JsonNode key : keys) {
                    boolean signing = !key.has("use") || "sig".equals(key.path("use").asText());
                    boolean known = "RSA".equals(key.path("kty").asText()) || "EC".equals(key.path("kty").asText());
                    usable += signing && known ? 1 : 0;
                }
            }
            checks.add(usable > 0
                ? Check.ok("jwks", usable + " signing key(s) published; Keycloak checks every ID token's signature with them.")
                : Check.failed("jwks", "No usable signing keys at " + jwksUri + " (HTTP " + response.getStatus() + ")."));
        } catch (IOException | RuntimeException e) {
            checks.add(Check.failed("jwks", "Could not read the signing keys at " + jwksUri + " (" + reason(e) + ")."));
        }
    }

    private void credentials(String tokenEndpoint, EntraIdConfig config, List<Check> checks) {
        if (tokenEndpoint == null) {
            checks.add(Check.failed("client_credentials", "The discovery document has no token_endpoint."));
            return;
        }
        String clientId = config.getClientId();
        String secret = config.getClientSecret();
        if (secret == null || secret.isBlank()) {
            checks.add(Check.failed("client_credentials", "No client secret to test with: paste the secret's Value (not its"
                + " Secret ID); changed tenant, authority or client ID need the secret again."));
            return;
        }
        // A client-credentials grant for the app itself proves id and secret without any user or admin consent.
        try (SimpleHttpResponse response = http.doPost(tokenEndpoint)
                .param("grant_type", "client_credentials")
                .param("client_id", clientId)
                .param("client_secret", secret)
                .param("scope", clientId + "/.default")
                .asResponse()) {
            if (response.getStatus() == 200) {
                checks.add(Check.ok("client_credentials", "Client ID and client secret were accepted by the tenant."));
                return;
            }
            JsonNode error = parse(response);
            String code = error.path("error").asText("HTTP " + response.getStatus());
            String description = error.path("error_description").asText("");
            checks.add(Check.failed("client_credentials", advice(code, description) + " (tenant answered: " + code
                + (description.isEmpty() ? "" : ": " + firstLine(description)) + ")"));
        } catch (IOException | RuntimeException e) {
            checks.add(Check.failed("client_credentials", "Could not reach the token endpoint " + tokenEndpoint + " (" + reason(e) + ")."));
        }
    }

    private static String advice(String code, String description) {
        if (description.contains("AADSTS7000215") || description.contains("AADSTS7000222")) {
            return "The client secret is wrong or expired: create a new one and paste its Value, not its Secret ID.";
        }
        if (description.contains("AADSTS700016") || "unauthorized_client".equals(code)) {
            return "This Client ID is not registered in the tenant: copy the Application (client) ID from the Overview page.";
        }
        if ("invalid_client".equals(code)) {
            return "The tenant refused the client ID or secret: check both, and that the secret has not expired.";
        }
        return "The tenant refused the client credentials.";
    }

    private static JsonNode parse(SimpleHttpResponse response) {
        try {
            return response.asJson();
        } catch (IOException | RuntimeException e) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        String line = end < 0 ? text : text.substring(0, end);
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }

    private static String reason(Exception e) {
        String name = e.getClass().getSimpleName();
        return name.contains("Timeout") ? "timed out after " + TIMEOUT_MILLIS / 1000 + " s" : name;
    }
}
