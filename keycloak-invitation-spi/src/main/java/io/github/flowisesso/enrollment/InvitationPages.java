package io.github.flowisesso.enrollment;

import io.github.flowisesso.invitation.EventDetails;
import io.github.flowisesso.invitation.Labels;
import io.github.flowisesso.invitation.InvitationEntity;
import io.github.flowisesso.invitation.LoginType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Map;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.urls.UrlType;

/** The pages an invitee sees, from the realm's login theme; none may be cached or leak the link as referrer. */
final class InvitationPages {

    static final String REASON = EventDetails.REASON;
    static final String INVITATION_ID = EventDetails.INVITATION_ID;
    static final String MESSAGE_NO_LONGER_VALID = EventDetails.MESSAGE_NO_LONGER_VALID;
    static final String MESSAGE_ACCOUNT_EXISTS = EventDetails.MESSAGE_ACCOUNT_EXISTS;
    static final String MESSAGE_STALE_PAGE = "invitationStalePage";

    private final KeycloakSession session;
    private final RealmModel realm;

    InvitationPages(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    Response invitation(InvitationEntity invitation, String token, String csrf) {
        return invitation(invitation, token, csrf, null);
    }

    /**
     * The invitation page again, for a form whose anti-CSRF value no longer matches this browser's (another tab of the
     * same link, or a page left open past the cookie's hour): nothing happened, and the invitee presses the button
     * again. The mismatch is still recorded.
     */
    Response invitationAgain(InvitationEntity invitation, String token, String csrf) {
        event(LinkRefusal.CSRF, invitation.getId());
        return invitation(invitation, token, csrf, MESSAGE_STALE_PAGE);
    }

    private Response invitation(InvitationEntity invitation, String token, String csrf, String notice) {
        URI base = session.getContext().getUri(UrlType.FRONTEND).getBaseUri();
        String path = base.getPath() + "realms/" + realm.getName() + "/invitations/";
        URI action = URI.create(base.toString()).resolve("realms/" + realm.getName() + "/invitations/accept");
        Map<String, Object> bean = Map.of(
            "realmName", realmName(),
            "email", invitation.getEmail(),
            "loginType", invitation.getLoginType().name(),
            "identityProvider", idpDisplayName(invitation),
            "actionUrl", action.toString(),
            "token", token,
            "csrf", csrf);
        LoginFormsProvider form = form().setAttribute("invitation", bean);
        if (notice != null) {
            form.setInfo(notice);
        }
        Response page = form.createForm("flowise-invitation.ftl");
        NewCookie cookie = new NewCookie.Builder(CsrfGuard.COOKIE)
            .value(csrf)
            .path(path)
            .httpOnly(true)
            .secure("https".equals(base.getScheme()))
            .sameSite(NewCookie.SameSite.STRICT)
            .maxAge(3600)
            .build();
        return noStore(Response.fromResponse(page).cookie(cookie));
    }

    Response noLongerValid(LinkRefusal refusal, String invitationId) {
        event(refusal, invitationId);
        return noStore(Response.fromResponse(form().setError(MESSAGE_NO_LONGER_VALID).createErrorPage(Response.Status.GONE)));
    }

    Response forbidden(LinkRefusal refusal) {
        event(refusal, null);
        return noStore(Response.fromResponse(form().setError(MESSAGE_NO_LONGER_VALID).createErrorPage(Response.Status.FORBIDDEN)));
    }

    Response accountExists(String invitationId) {
        event(LinkRefusal.ACCOUNT_EXISTS, invitationId);
        return noStore(Response.fromResponse(form().setError(MESSAGE_ACCOUNT_EXISTS, realmName()).createErrorPage(Response.Status.CONFLICT)));
    }

    static Response noStore(Response.ResponseBuilder response) {
        return response
            .header("Cache-Control", "no-store")
            .header("Referrer-Policy", "no-referrer")
            .header("X-Robots-Tag", "noindex")
            .build();
    }

    private void event(LinkRefusal refusal, String invitationId) {
        new EventBuilder(realm, session, session.getContext().getConnection())
            .event(EventType.EXECUTE_ACTION_TOKEN)
            .detail("action", "flowise-invitation")
            .detail(REASON, refusal.reason)
            .detail(INVITATION_ID, invitationId)
            .error("invitation_link_refused");
    }

    private LoginFormsProvider form() {
        return session.getProvider(LoginFormsProvider.class);
    }

    private String realmName() {
        return Labels.realm(realm);
    }

    private String idpDisplayName(InvitationEntity invitation) {
        if (invitation.getLoginType() != LoginType.SSO || invitation.getIdentityProvider() == null) {
            return "";
        }
        IdentityProviderModel idp = session.identityProviders().getByAlias(invitation.getIdentityProvider());
        return idp == null ? invitation.getIdentityProvider() : Labels.identityProvider(idp);
    }
}
