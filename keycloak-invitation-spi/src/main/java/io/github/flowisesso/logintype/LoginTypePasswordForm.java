package io.github.flowisesso.logintype;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.authenticators.browser.UsernamePasswordForm;
import org.keycloak.authentication.authenticators.util.AuthenticatorUtils;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;

/**
 * Keycloak's username/password form, except that a user whose login type is SSO is refused before any password
 * check: the form shows a message pointing to the identity provider's button. A dummy hash keeps the response
 * time that of a password check (Keycloak does the same for unknown users), and the refusal does not count as a
 * failed login for brute-force detection (nothing was guessed; counting would let anyone lock SSO users out).
 * Users with login type PASSWORD or without a login type are handled exactly as by Keycloak's form.
 */
public class LoginTypePasswordForm extends UsernamePasswordForm {

    public LoginTypePasswordForm(KeycloakSession session) {
        super(session);
    }

    @Override
    public boolean validatePassword(AuthenticationFlowContext context, UserModel user, MultivaluedMap<String, String> inputData,
                                    boolean clearUser) {
        if (!UserLoginType.isSso(user)) {
            return super.validatePassword(context, user, inputData, clearUser);
        }
        AuthenticatorUtils.dummyHash(context);
        LoginTypeRefusal.recordEvent(context, null, user, LoginTypeRefusal.REASON_PASSWORD_LOGIN, "SSO", null);
        AuthenticatorUtils.setupReauthenticationInUsernamePasswordFormError(context);
        Optional<String> provider = LoginTypeRefusal.ssoProviderName(context.getSession(), context.getRealm(), user);
        // Same LoginFormsProvider instance for the whole request: the error set here is the one the form renders.
        if (provider.isPresent()) {
            context.form().setError(LoginTypeRefusal.MESSAGE_USE_SSO, provider.get());
        } else {
            context.form().setError(LoginTypeRefusal.MESSAGE_USE_SSO_NO_PROVIDER);
        }
        Response challenge = challenge(context, null, null);
        context.forceChallenge(challenge);
        if (clearUser) {
            context.clearUser();
        }
        return false;
    }
}
