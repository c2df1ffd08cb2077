package io.github.flowisesso.logintype;

import io.github.flowisesso.entra.SignInChecks;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/** The login type's part in every Entra sign-in (registered for {@link java.util.ServiceLoader}). */
public final class LoginTypeSignInChecks implements SignInChecks {

    @Override
    public void received(BrokeredIdentityContext identity) {
        BrokeredLoginTypeCheck.rememberLinking(identity);
    }

    @Override
    public void returning(KeycloakSession session, RealmModel realm, UserModel user, BrokeredIdentityContext identity) {
        BrokeredLoginTypeCheck.refuseIfPassword(session, realm, user, identity);
    }
}
