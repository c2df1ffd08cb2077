package io.github.flowisesso.entra;

import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * What another feature checks when the Entra provider receives a sign-in (the login type does, see
 * {@code logintype}): the provider calls it without knowing the rule. Found with {@link java.util.ServiceLoader}.
 */
public interface SignInChecks {

    /** Every callback from Entra, before Keycloak decides between first login, linking and a returning user. */
    void received(BrokeredIdentityContext identity);

    /** A returning user whose account is already linked: throw to refuse the sign-in. */
    void returning(KeycloakSession session, RealmModel realm, UserModel user, BrokeredIdentityContext identity);
}
