package io.github.flowisesso.logintype;

import io.github.flowisesso.invitation.EventDetails;
import io.github.flowisesso.invitation.Labels;
import java.util.Comparator;
import java.util.Optional;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/** What every login-type refusal has in common: one event error with a reason, and the words users see. */
final class LoginTypeRefusal {

    static final String EVENT_ERROR = "login_type_mismatch";
    static final String LOGIN_TYPE = EventDetails.LOGIN_TYPE;

    static final String REASON_PASSWORD_LOGIN = "password_login_for_sso_user";
    static final String REASON_RESET_PASSWORD = "reset_password_for_sso_user";
    static final String REASON_IDP_LOGIN = "identity_provider_login_for_password_user";

    static final String MESSAGE_USE_SSO = "loginTypeUseSso";
    static final String MESSAGE_USE_SSO_NO_PROVIDER = "loginTypeUseSsoNoProvider";
    static final String MESSAGE_USE_PASSWORD = "loginTypeUsePassword";

    private LoginTypeRefusal() {
    }

    /**
     * Records the refusal on a clone of the flow's event builder: Keycloak sends the flow's own builder again
     * after some outcomes, which would record the refusal twice.
     */
    static void recordEvent(AuthenticationFlowContext context, EventType type, UserModel user, String reason,
                            String loginType, String identityProvider) {
        EventBuilder event = context.getEvent().clone();
        if (type != null) {
            event.event(type);
        }
        recordEvent(event, user, reason, loginType, identityProvider);
    }

    static void recordEvent(EventBuilder event, UserModel user, String reason, String loginType, String identityProvider) {
        event.user(user)
            .detail(Details.USERNAME, user.getUsername())
            .detail(Details.REASON, reason)
            .detail(LOGIN_TYPE, loginType);
        if (identityProvider != null) {
            event.detail(Details.IDENTITY_PROVIDER, identityProvider);
        }
        event.error(EVENT_ERROR);
    }

    /**
     * The name users know the SSO button by: the provider the user is linked to, else the first provider the
     * login page offers.
     */
    static Optional<String> ssoProviderName(KeycloakSession session, RealmModel realm, UserModel user) {
        Optional<IdentityProviderModel> linked = session.users().getFederatedIdentitiesStream(realm, user)
            .map(link -> session.identityProviders().getByAlias(link.getIdentityProvider()))
            .filter(LoginTypeRefusal::offeredOnLoginPage)
            .findFirst();
        Optional<IdentityProviderModel> provider = linked.isPresent() ? linked : session.identityProviders().getAllStream()
            .filter(LoginTypeRefusal::offeredOnLoginPage)
            .min(Comparator.comparing(LoginTypeRefusal::guiOrder).thenComparing(IdentityProviderModel::getAlias));
        return provider.map(LoginTypeRefusal::displayName);
    }

    static String displayName(IdentityProviderModel idp) {
        return Labels.identityProvider(idp);
    }

    private static boolean offeredOnLoginPage(IdentityProviderModel idp) {
        return idp != null && idp.isEnabled() && !Boolean.TRUE.equals(idp.isLinkOnly()) && !Boolean.TRUE.equals(idp.isHideOnLogin());
    }

    private static int guiOrder(IdentityProviderModel idp) {
        String order = idp.getConfig() == null ? null : idp.getConfig().get("guiOrder");
        try {
            return order == null || order.isBlank() ? Integer.MAX_VALUE : Integer.parseInt(order.trim());
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }
}
