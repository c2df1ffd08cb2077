package io.github.flowisesso.enrollment;

import io.github.flowisesso.invitation.InvitationEntity;
import io.github.flowisesso.invitation.InvitationGrants;
import java.util.Optional;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.utils.RedirectUtils;

/** Where an invitee lands after enrolling: the invitation's target, or Flowise's URL; always a registered redirect. */
final class EnrollmentTarget {

    static final String FLOWISE_URL_ATTRIBUTE = "flowiseUrl";

    private EnrollmentTarget() {
    }

    static ClientModel flowise(RealmModel realm) {
        return realm.getClientByClientId(InvitationGrants.FLOWISE_CLIENT_ID);
    }

    static Optional<String> of(KeycloakSession session, RealmModel realm, InvitationEntity invitation) {
        ClientModel client = flowise(realm);
        if (client == null) {
            return Optional.empty();
        }
        String wanted = invitation.getRedirectUri() != null ? invitation.getRedirectUri() : defaultTarget(realm);
        // Checked again at use: the client's registered URIs may have changed since the invitation was made.
        return Optional.ofNullable(RedirectUtils.verifyRedirectUri(session, wanted, client));
    }

    private static String defaultTarget(RealmModel realm) {
        String flowise = realm.getAttribute(FLOWISE_URL_ATTRIBUTE);
        return flowise == null ? null : (flowise.endsWith("/") ? flowise : flowise + "/");
    }
}
