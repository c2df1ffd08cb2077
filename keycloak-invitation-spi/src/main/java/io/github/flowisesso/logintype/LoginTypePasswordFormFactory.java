package io.github.flowisesso.logintype;

import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.browser.UsernamePasswordFormFactory;
import org.keycloak.models.KeycloakSession;

/** Registers {@link LoginTypePasswordForm}; everything else (requirements, passkeys) as Keycloak's form. */
public final class LoginTypePasswordFormFactory extends UsernamePasswordFormFactory {

    public static final String PROVIDER_ID = "login-type-password-form";

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return new LoginTypePasswordForm(session);
    }

    @Override
    public String getDisplayType() {
        return "Username Password Form (login type)";
    }

    @Override
    public String getHelpText() {
        return "Keycloak's username and password form, except that users whose login_type is SSO are refused before"
            + " any password check and pointed to the identity provider. Users without login_type behave as usual.";
    }
}
