package io.github.flowisesso.entra;

import java.util.List;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/** Configuration keys of the "Microsoft Entra ID" identity provider and how the admin console shows them. */
public final class EntraIdConfigKeys {

    public static final String TENANT_ID = "tenantId";
    public static final String AUTHORITY_HOST = "authorityHost";
    public static final String VERIFIED_DOMAINS = "verifiedDomains";

    public static final String DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com";

    private EntraIdConfigKeys() {
    }

    static List<ProviderConfigProperty> properties() {
        return ProviderConfigurationBuilder.create()
            .property().name(TENANT_ID).label("Tenant ID")
            .helpText("Directory (tenant) ID of your Entra ID tenant, from the app registration's Overview page."
                + " Only accounts of this tenant can sign in. Test the settings and invite people on the invitations"
                + " page: /realms/<this realm>/invitations/manage/")
            .type(ProviderConfigProperty.STRING_TYPE).required(true).add()
            .property().name(VERIFIED_DOMAINS).label("Verified domains")
            .helpText("Optional, comma separated: domains verified in this tenant. An email in these domains counts as"
                + " verified even when Entra ID does not send the xms_edov claim.")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .property().name(AUTHORITY_HOST).label("Authority host")
            .helpText("Leave empty for the public cloud (" + DEFAULT_AUTHORITY_HOST + ")."
                + " Set it for sovereign clouds, e.g. https://login.microsoftonline.us.")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .build();
    }
}
