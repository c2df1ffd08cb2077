package io.github.flowisesso.enrollment;

import io.github.flowisesso.invitation.Enrollment;
import io.github.flowisesso.invitation.InvitationEntity;
import io.github.flowisesso.invitation.FlowiseClient;
import io.github.flowisesso.invitation.InvitationGrants;
import io.github.flowisesso.invitation.InvitationTokens;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.Urls;
import org.keycloak.urls.UrlType;

/**
 * Password invitee: consume the invitation (conditional update: of simultaneous completions exactly one wins),
 * create the account (email verified when the link was emailed: following it proved the mailbox), then hand over to
 * Keycloak's own update-password form through a single-use action token, which ends signed in at Flowise.
 */
final class PasswordEnrollment {

    private static final int HAND_OVER_SECONDS = 120;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final InvitationPages pages;

    PasswordEnrollment(KeycloakSession session, InvitationPages pages) {
        this.session = session;
        this.realm = session.getContext().getRealm();
        this.pages = pages;
    }

    /** @param linkToken the link's token, as presented: the claim holds only while the invitation still carries it */
    Response start(InvitationEntity invitation, String linkToken) {
        String target = EnrollmentTarget.of(session, realm, invitation).orElse(null);
        if (target == null) {
            return pages.noLongerValid(LinkRefusal.REDIRECT_NOT_ALLOWED, invitation.getId());
        }
        if (Enrollment.accountExists(session, realm, invitation.getEmail())) {
            return pages.accountExists(invitation.getId());
        }
        Optional<UserModel> created = Enrollment.claimByLinkAndCreate(session, realm, invitation.getId(),
            InvitationTokens.hash(linkToken), invitation.getEmail());
        if (created.isEmpty()) {
            return pages.noLongerValid(LinkRefusal.ALREADY_CONSUMED, invitation.getId());
        }
        UserModel user = created.get();
        InvitationGrants.apply(session, realm, user, invitation);
        // Following an emailed link proves the mailbox; a link an admin handed over by other means does not.
        user.setEmailVerified(invitation.isEmailed());
        new EventBuilder(realm, session, session.getContext().getConnection())
            .event(EventType.REGISTER)
            .client(FlowiseClient.CLIENT_ID)
            .user(user)
            .detail(Details.EMAIL, invitation.getEmail())
            .detail(Details.REGISTER_METHOD, "invitation")
            .detail(InvitationPages.INVITATION_ID, invitation.getId())
            .success();

        // Used at once by the redirect below; bound to this browser by a cookie, so a copied URL is worthless.
        int expiresAt = Time.currentTime() + Math.min(HAND_OVER_SECONDS, realm.getActionTokenGeneratedByUserLifespan());
        String binding = InvitationTokens.newToken();
        InvitationPasswordActionToken token = new InvitationPasswordActionToken(user.getId(), invitation.getEmail(),
            FlowiseClient.CLIENT_ID, target, InvitationTokens.hash(binding), expiresAt);
        var frontend = session.getContext().getUri(UrlType.FRONTEND);
        // Keycloak's own action-token endpoint; a fresh authentication session is started for the flowise client.
        java.net.URI link = Urls.loginActionsBase(frontend.getBaseUri()).path("action-token")
            .queryParam("key", token.serialize(session, realm, frontend))
            .queryParam("client_id", FlowiseClient.CLIENT_ID)
            .build(realm.getName());
        NewCookie cookie = new NewCookie.Builder(InvitationPasswordActionToken.BINDING_COOKIE)
            .value(binding)
            .path(frontend.getBaseUri().getPath() + "realms/" + realm.getName() + "/login-actions/")
            .httpOnly(true)
            .secure("https".equals(frontend.getBaseUri().getScheme()))
            .sameSite(NewCookie.SameSite.STRICT)
            .maxAge(HAND_OVER_SECONDS)
            .build();
        return InvitationPages.noStore(Response.seeOther(link).cookie(cookie));
    }
}
