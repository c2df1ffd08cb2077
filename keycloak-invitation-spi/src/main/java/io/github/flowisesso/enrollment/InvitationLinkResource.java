package io.github.flowisesso.enrollment;

import io.github.flowisesso.invitation.InvitationEntity;
import io.github.flowisesso.invitation.InvitationStatus;
import io.github.flowisesso.invitation.InvitationStore;
import io.github.flowisesso.invitation.InvitationTokens;
import io.github.flowisesso.invitation.LoginType;
import io.github.flowisesso.manage.InvitationsPage;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The invitation link. GET only shows a page (mail scanners and link previews fetch links, so it changes
 * nothing); POST from that page, with its anti-CSRF token and no foreign Origin, starts enrollment.
 * Every invalid link gets the same page, status and shape, whatever the reason.
 */
final class InvitationLinkResource {

    // 32 random bytes in unpadded base64url; anything else is not worth a database lookup.

    private final KeycloakSession session;
    private final RealmModel realm;
    private final InvitationPages pages;

    InvitationLinkResource(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
        this.pages = new InvitationPages(session);
    }

    /** The admins' invitations page shares this mount point, {@code /realms/{realm}/invitations}. */
    @Path("manage")
    public InvitationsPage manage() {
        return new InvitationsPage(session);
    }

    @GET
    @Path("accept")
    @Produces(MediaType.TEXT_HTML)
    public Response show(@QueryParam("token") String token, @CookieParam(CsrfGuard.COOKIE) String csrfCookie) {
        Lookup lookup = lookup(token);
        return lookup.invitation() != null
            ? pages.invitation(lookup.invitation(), token, CsrfGuard.forPage(csrfCookie))
            : pages.noLongerValid(lookup.refusal(), lookup.invitationId());
    }

    @POST
    @Path("accept")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response accept(@FormParam("token") String token, @FormParam("csrf") String csrf,
                           @CookieParam(CsrfGuard.COOKIE) String csrfCookie, @HeaderParam("Origin") String origin,
                           @HeaderParam("Sec-Fetch-Site") String fetchSite) {
        if (!CsrfGuard.sameOrigin(session, origin, fetchSite)) {
            return pages.forbidden(LinkRefusal.FOREIGN_ORIGIN);
        }
        Lookup lookup = lookup(token);
        if (lookup.invitation() == null) {
            return pages.noLongerValid(lookup.refusal(), lookup.invitationId());
        }
        if (!CsrfGuard.matches(csrfCookie, csrf)) {
            // A stale form of a usable invitation (another tab, an old page): show it again; nothing changes.
            return pages.invitationAgain(lookup.invitation(), token, CsrfGuard.forPage(csrfCookie));
        }
        return lookup.invitation().getLoginType() == LoginType.SSO
            ? new SsoEnrollment(session, pages).start(lookup.invitation())
            : new PasswordEnrollment(session, pages).start(lookup.invitation(), token);
    }

    /** A usable invitation, or why not (for the audit event only: the page never tells these apart). */
    private record Lookup(InvitationEntity invitation, LinkRefusal refusal, String invitationId) {
    }

    private Lookup lookup(String token) {
        if (!InvitationTokens.isWellFormed(token)) {
            return new Lookup(null, LinkRefusal.MALFORMED_TOKEN, null);
        }
        Optional<InvitationEntity> found = InvitationStore.of(session).findByTokenHash(InvitationTokens.hash(token))
            .filter(i -> i.getRealmId().equals(realm.getId()));
        if (found.isEmpty()) {
            return new Lookup(null, LinkRefusal.UNKNOWN_TOKEN, null);
        }
        InvitationEntity invitation = found.get();
        return switch (InvitationStatus.effective(invitation.getStatus(), invitation.getExpiresAt(), Time.currentTimeMillis())) {
            case PENDING -> new Lookup(invitation, null, invitation.getId());
            case EXPIRED -> new Lookup(null, LinkRefusal.EXPIRED, invitation.getId());
            default -> new Lookup(null, LinkRefusal.NOT_PENDING, invitation.getId());
        };
    }
}
