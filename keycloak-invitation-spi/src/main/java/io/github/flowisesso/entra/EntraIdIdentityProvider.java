package io.github.flowisesso.entra;

import io.github.flowisesso.invitation.EmailAddresses;
import org.keycloak.broker.oidc.OIDCIdentityProvider;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Keycloak's OIDC broker with Entra's rules: canonical email, verified only as Entra vouches, the Entra tenant and
 * object kept on the account it creates, and the login type enforced on every return.
 */
final class EntraIdIdentityProvider extends OIDCIdentityProvider {

    private final SignInChecks checks;

    EntraIdIdentityProvider(KeycloakSession session, EntraIdConfig config, SignInChecks checks) {
        super(session, config);
        this.checks = checks;
    }

    @Override
    public void preprocessFederatedIdentity(KeycloakSession session, RealmModel realm, BrokeredIdentityContext context) {
        super.preprocessFederatedIdentity(session, realm, context);
        checks.received(context);
        // Match and store the canonical address; a non-canonicalisable one stays as-is and matches nothing.
        EmailAddresses.canonical(context.getEmail()).ifPresent(context::setEmail);
        // Brokered attributes are copied onto the account by whatever step creates it (Keycloak's own "create user
        // if unique" included), in the same insert batch as the rest of the new account; for existing accounts they
        // are not used (sync mode IMPORT).
        EntraIdentity.of(EntraClaims.of(context)).ifPresent(identity -> identity.storeOn(context));
    }

    /** Called by Keycloak for every sign-in of an already linked account. */
    @Override
    public void updateBrokeredUser(KeycloakSession session, RealmModel realm, UserModel user, BrokeredIdentityContext context) {
        checks.returning(session, realm, user, context);
        super.updateBrokeredUser(session, realm, user, context);
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
