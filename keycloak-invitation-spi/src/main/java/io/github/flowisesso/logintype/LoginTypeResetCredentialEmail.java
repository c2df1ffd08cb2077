package io.github.flowisesso.logintype;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.resetcred.ResetCredentialEmail;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.services.messages.Messages;

/**
 * Keycloak's "Send reset email", except that a user whose login type is SSO is treated like an unknown address:
 * the same "you should receive an email" screen, no email, so no way to a password. The refusal is recorded as a
 * {@code SEND_RESET_PASSWORD_ERROR} event for admins.
 */
public final class LoginTypeResetCredentialEmail extends ResetCredentialEmail {

    public static final String PROVIDER_ID = "login-type-reset-credential-email";

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        UserModel user = context.getUser();
        if (user != null && UserLoginType.isSso(user)) {
            LoginTypeRefusal.recordEvent(context, EventType.SEND_RESET_PASSWORD, user,
                LoginTypeRefusal.REASON_RESET_PASSWORD, "SSO", null);
            context.clearUser();
            // What Keycloak answers for an address it does not know.
            context.forkWithSuccessMessage(new FormMessage(Messages.EMAIL_SENT));
            return;
        }
        super.authenticate(context);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return this;
    }

    @Override
    public String getDisplayType() {
        return "Send Reset Email (login type)";
    }

    @Override
    public String getHelpText() {
        return "Keycloak's \"Send Reset Email\", except that users whose login_type is SSO are treated like unknown"
            + " addresses: same confirmation screen, no email.";
    }
}
