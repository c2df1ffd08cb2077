package io.github.flowisesso.logintype;

import io.github.flowisesso.invitation.LoginType;
import java.util.Locale;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.keycloak.models.UserModel;

/**
 * Reads a user's {@code login_type} attribute. An absent or blank value means "not managed by this extension": the
 * user signs in as in stock Keycloak (password and identity providers). The user profile only admits {@code SSO}
 * and {@code PASSWORD}; anything else (written past the user profile) is logged and treated as absent.
 */
public final class UserLoginType {

    private static final Logger LOG = Logger.getLogger(UserLoginType.class);

    private UserLoginType() {
    }

    public static Optional<LoginType> of(UserModel user) {
        if (user == null) {
            return Optional.empty();
        }
        return parse(user.getFirstAttribute(LoginType.USER_ATTRIBUTE), user.getId());
    }

    static Optional<LoginType> parse(String raw, String userId) {
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LoginType.valueOf(raw.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException unknown) {
            LOG.warnf("User %s has an unknown %s value '%s'; treating it as unset", userId, LoginType.USER_ATTRIBUTE, raw);
            return Optional.empty();
        }
    }

    public static boolean isSso(UserModel user) {
        return of(user).filter(LoginType.SSO::equals).isPresent();
    }

    public static boolean isPassword(UserModel user) {
        return of(user).filter(LoginType.PASSWORD::equals).isPresent();
    }
}
