package io.github.flowisesso.logintype;

import jakarta.ws.rs.core.Response;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.authenticators.directgrant.ValidatePassword;
import org.keycloak.authentication.authenticators.util.AuthenticatorUtils;
import org.keycloak.models.UserModel;

/**
 * Keycloak's direct-grant password check, except that a user whose login type is SSO gets the answer of a wrong
 * password ({@code 401 invalid_grant}) after a dummy hash, without the password being checked. Not counted by
 * brute-force detection, like the browser form.
 */
public final class LoginTypeDirectGrantValidatePassword extends ValidatePassword {

    /** At most 36 characters: the column Keycloak stores authenticator ids in. */
    public static final String PROVIDER_ID = "login-type-direct-grant-password";

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        UserModel user = context.getUser();
        if (user == null || !UserLoginType.isSso(user)) {
            super.authenticate(context);
            return;
        }
        AuthenticatorUtils.dummyHash(context);
        LoginTypeRefusal.recordEvent(context, null, user, LoginTypeRefusal.REASON_PASSWORD_LOGIN, "SSO", null);
        Response response = errorResponse(Response.Status.UNAUTHORIZED.getStatusCode(), "invalid_grant", "Invalid user credentials");
        context.forceChallenge(response);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "Password (login type)";
    }

    @Override
    public String getHelpText() {
        return "Keycloak's direct-grant password check, except that users whose login_type is SSO are refused like a"
            + " wrong password, without checking it.";
    }
}
