package io.github.flowisesso.entra;

import java.util.ServiceLoader;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import java.util.List;
import org.keycloak.broker.oidc.OIDCIdentityProvider;
import org.keycloak.broker.provider.AbstractIdentityProviderFactory;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderConfigProperty;

/**
 * "Microsoft Entra ID": Keycloak's OIDC broker pinned to one tenant. The id must not contain "oidc"
 * (the admin console would then demand manual endpoint fields).
 */
public final class EntraIdIdentityProviderFactory extends AbstractIdentityProviderFactory<OIDCIdentityProvider> {

    public static final String PROVIDER_ID = "entra-id";

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getName() {
        return "Microsoft Entra ID";
    }

    @Override
    public OIDCIdentityProvider create(KeycloakSession session, IdentityProviderModel model) {
        return new EntraIdIdentityProvider(session, new EntraIdConfig(model).withDiscovery(session), checks);
    }

    @Override
    public void init(org.keycloak.Config.Scope config) {
        AuthorityHosts.configure(config.get("allowed-authority-hosts"));
        // All checks shipped in this jar; none would silently drop the login type rule, so that fails the start.
        List<SignInChecks> found = ServiceLoader.load(SignInChecks.class, SignInChecks.class.getClassLoader())
            .stream().map(ServiceLoader.Provider::get).toList();
        if (found.isEmpty()) {
            throw new IllegalStateException("no " + SignInChecks.class.getName() + " in the provider jar");
        }
        checks = new SignInChecks() {
            @Override
            public void received(BrokeredIdentityContext identity) {
                found.forEach(check -> check.received(identity));
            }

            @Override
            public void returning(KeycloakSession session, RealmModel realm, UserModel user, BrokeredIdentityContext identity) {
                found.forEach(check -> check.returning(session, realm, user, identity));
            }
        };
    }

    private SignInChecks checks;

    @Override
    public IdentityProviderModel createConfig() {
        return new EntraIdConfig();
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return EntraIdConfigKeys.properties();
    }

    @Override
    public String getHelpText() {
        return "Sign in with a single Microsoft Entra ID tenant: enter Tenant ID, Client ID and Client Secret.";
    }
}
