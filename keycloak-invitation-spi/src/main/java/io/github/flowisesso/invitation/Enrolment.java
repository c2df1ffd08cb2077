package io.github.flowisesso.invitation;

import java.util.Optional;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * The one way an invitation becomes an account, for both login types: the invitation is claimed for an account id
 * chosen first (one conditional update: of simultaneous completions exactly one wins, the others write nothing),
 * then the account is created with that id in Keycloak's local storage, with default roles and required actions.
 */
public final class Enrolment {

    private Enrolment() {
    }

    /** The new, enabled account; empty when the invitation is no longer PENDING and unexpired. */
    public static Optional<UserModel> claimAndCreate(KeycloakSession session, RealmModel realm, String invitationId,
                                                     String username) {
        String userId = KeycloakModelUtils.generateId();
        if (!InvitationStore.of(session).claim(invitationId, userId, Time.currentTimeMillis())) {
            return Optional.empty();
        }
        UserModel user = session.users().addUser(realm, userId, username, true, true);
        user.setEnabled(true);
        return Optional.of(user);
    }
}
