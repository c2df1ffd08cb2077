package io.github.flowisesso.entra;

import java.util.regex.Pattern;
import org.keycloak.broker.oidc.OIDCIdentityProviderConfig;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.IdentityProviderSyncMode;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * Entra ID settings derived from the tenant: the admin stores tenant, client id and secret; issuer and endpoints
 * follow from them and cannot be weakened (signature validation, PKCE and the tenant issuer are not options).
 */
final class EntraIdConfig extends OIDCIdentityProviderConfig {

    // The tenant's GUID, as Entra writes it into iss and tid (lower case). A domain name or "common",
    // "organizations", "consumers" would not match the issuer of the tokens, or would unpin it.
    private static final Pattern TENANT = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

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
            if (!AuthorityHosts.isAllowed(getAuthorityHost())) {
                // Realm import skips validate(): refuse here too rather than send the secret to an unknown host.
                throw new org.keycloak.broker.provider.IdentityBrokerException("Authority host not allowed: " + getAuthorityHost());
            }
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
    public boolean isDisableNonce() {
        return false;
    }

    @Override
    public Boolean isTrustEmail() {
        // Entra's email claim is not proof of a mailbox; verification follows EntraClaims' rule only.
        return false;
    }

    @Override
    public IdentityProviderSyncMode getSyncMode() {
        // Never overwrite the invited address (or names) from the mutable Entra claims at later logins.
        return IdentityProviderSyncMode.IMPORT;
    }

    /** Refuses settings that would unpin the tenant, send the secret elsewhere or trust what Entra does not vouch for. */
    @Override
    public void validate(RealmModel realm) {
        String tenant = getTenantId();
        if (tenant == null || !TENANT.matcher(tenant).matches()) {
            throw new IllegalArgumentException("tenantId must be the Directory (tenant) ID, a GUID in lower case");
        }
        if (!AuthorityHosts.isAllowed(getAuthorityHost())) {
            throw new IllegalArgumentException("authorityHost must be one of https://" + AuthorityHosts.describe());
        }
        if (getClientId() == null || getClientId().isBlank()) {
            throw new IllegalArgumentException("clientId is required");
        }
        if (Boolean.TRUE.equals(super.isTrustEmail()) || Boolean.parseBoolean(getConfig().get("disableNonce"))
                || IdentityProviderSyncMode.FORCE.name().equals(getConfig().get(IdentityProviderModel.SYNC_MODE))) {
            throw new IllegalArgumentException("Trust email, disable nonce and sync mode FORCE are not allowed for Microsoft Entra ID");
        }
    }
}
