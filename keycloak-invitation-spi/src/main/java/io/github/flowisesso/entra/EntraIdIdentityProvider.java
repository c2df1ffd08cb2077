package io.github.flowisesso.entra;

import io.github.flowisesso.invitation.EmailAddresses;
import org.keycloak.broker.oidc.OIDCIdentityProvider;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/** Keycloak's OIDC broker with Entra's rules for email: canonical form, verified only as Entra vouches. */
final class EntraIdIdentityProvider extends OIDCIdentityProvider {

    EntraIdIdentityProvider(KeycloakSession session, EntraIdConfig config) {
        super(session, config);
    }

    @Override
    public void preprocessFederatedIdentity(KeycloakSession session, RealmModel realm, BrokeredIdentityContext context) {
        super.preprocessFederatedIdentity(session, realm, context);
        // Match and store the canonical address; a non-canonicalisable one stays as-is and matches nothing.
        EmailAddresses.canonical(context.getEmail()).ifPresent(context::setEmail);
    }

    /** No token exchange: it would create or map users from an Entra token without the invitation gate. */
    @Override
    protected boolean supportsExternalExchange() {
        return false;
    }

    @Override
    public boolean isIssuer(String issuer, jakarta.ws.rs.core.MultivaluedMap<String, String> params) {
        return false;
    }

    @Override
    protected void setEmailVerified(UserModel user, BrokeredIdentityContext context) {
        user.setEmailVerified(EntraClaims.isEmailVerified(context.getIdpConfig(), EntraClaims.of(context), context.getEmail()));
    }
}
