package io.github.flowisesso.entra;

import java.util.regex.Pattern;
import org.keycloak.broker.oidc.OIDCIdentityProviderConfig;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * Entra ID settings derived from the tenant: the admin stores tenant, client id and secret; issuer and endpoints
 * follow from them and cannot be weakened (signature validation, PKCE and the tenant issuer are not options).
 */
final class EntraIdConfig extends OIDCIdentityProviderConfig {

    // A GUID or a domain name; "common", "organizations" and "consumers" are not tenants and would unpin the issuer.
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,252}");
    private static final java.util.Set<String> MULTI_TENANT = java.util.Set.of("common", "organizations", "consumers");

    private transient KeycloakSession session;
    private transient OpenIdDiscovery.Endpoints endpoints;

    EntraIdConfig() {
    }

    EntraIdConfig(IdentityProviderModel model) {
        super(model);
    }

    String getTenantId() {
        return getConfig().get(EntraIdConfigKeys.TENANT_ID);
    }

    String getAuthorityHost() {
        String host = getConfig().get(EntraIdConfigKeys.AUTHORITY_HOST);
        host = host == null || host.isBlank() ? EntraIdConfigKeys.DEFAULT_AUTHORITY_HOST : host.trim();
        return host.endsWith("/") ? host.substring(0, host.length() - 1) : host;
    }

    /** {@code {authority}/{tenant}/v2.0}: the only issuer whose tokens this provider accepts. */
    String tenantIssuer() {
        return getAuthorityHost() + "/" + getTenantId() + "/v2.0";
    }

    /** Endpoints come from the tenant's discovery document, fetched only when a login actually needs them. */
    EntraIdConfig withDiscovery(KeycloakSession session) {
        this.session = session;
        return this;
    }

    private OpenIdDiscovery.Endpoints endpoints() {
        if (endpoints == null) {
            endpoints = OpenIdDiscovery.endpoints(session, tenantIssuer());
        }
        return endpoints;
    }

    @Override
    public String getAuthorizationUrl() {
        return endpoints().authorization();
    }

    @Override
    public String getTokenUrl() {
        return endpoints().token();
    }

    @Override
    public String getJwksUrl() {
        return endpoints().jwks();
    }

    @Override
    public String getLogoutUrl() {
        return endpoints().endSession();
    }

    @Override
    public String getIssuer() {
        return tenantIssuer();
    }

    @Override
    public boolean isValidateSignature() {
        return true;
    }

    @Override
    public boolean isUseJwksUrl() {
        return true;
    }

    @Override
    public boolean isPkceEnabled() {
        return true;
    }

    @Override
    public String getPkceMethod() {
        return "S256";
    }

    @Override
    public boolean isDisableUserInfoService() {
        // Entra's userinfo lives on Graph and carries fewer claims than the validated ID token.
        return true;
    }

    @Override
    public String getDefaultScope() {
        return "openid profile email";
    }

    @Override
    public void validate(RealmModel realm) {
        String tenant = getTenantId();
        if (tenant == null || !TENANT.matcher(tenant).matches() || MULTI_TENANT.contains(tenant.toLowerCase(java.util.Locale.ROOT))) {
            throw new IllegalArgumentException("tenantId must be your tenant's ID (a GUID) or primary domain");
        }
        String authority = getAuthorityHost();
        if (!authority.startsWith("https://") && !authority.startsWith("http://127.0.0.1") && !authority.startsWith("http://localhost")) {
            throw new IllegalArgumentException("authorityHost must be an https URL");
        }
        if (getClientId() == null || getClientId().isBlank()) {
            throw new IllegalArgumentException("clientId is required");
        }
    }
}
