package io.github.flowisesso.invitation;

import java.util.Optional;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserProvider;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * The one way an invitation becomes an account, for both login types: the invitation is claimed for an account id
 * chosen first (one conditional update: of simultaneous completions exactly one wins, the others write nothing),
 * then the account is created with that id in Keycloak's local storage, with default roles and required actions.
 */
public final class Enrollment {

    /** The invitation consumed and the account made from it. */
    public record Enrolled(InvitationEntity invitation, UserModel user) {
    }

    private Enrollment() {
    }

    /**
     * Whether an account already uses this address, as its email or as its username: an invitation never becomes, or
     * gets linked to, an existing account.
     */
    public static boolean accountExists(KeycloakSession session, RealmModel realm, String canonicalEmail) {
        UserProvider users = session.users();
        return users.getUserByEmail(realm, canonicalEmail) != null || users.getUserByUsername(realm, canonicalEmail) != null;
    }

    /** The new, enabled account; empty when the invitation is no longer PENDING and unexpired. */
    public static Optional<UserModel> claimAndCreate(KeycloakSession session, RealmModel realm, String invitationId,
                                                     String username) {
        String userId = KeycloakModelUtils.generateId();
        if (!InvitationStore.of(session).claim(invitationId, userId, Time.currentTimeMillis())) {
            return Optional.empty();
        }
        return Optional.of(create(session, realm, userId, username));
    }

    /**
     * {@link #claimAndCreate} for an enrollment reached through the invitation link: empty also when the invitation no
     * longer carries that link's token (an admin resent it meanwhile: only the new link may enrol).
     */
    public static Optional<UserModel> claimByLinkAndCreate(KeycloakSession session, RealmModel realm, String invitationId,
                                                           String tokenHash, String username) {
        String userId = KeycloakModelUtils.generateId();
        if (!InvitationStore.of(session).claimByToken(invitationId, tokenHash, userId, Time.currentTimeMillis())) {
            return Optional.empty();
        }
        return Optional.of(create(session, realm, userId, username));
    }

    /**
     * The SSO fast path: claims the open invitation for this address and identity provider and creates its account
     * (the address is the username). Empty when there is no such invitation or the database cannot claim and read in
     * one statement; the caller then decides with a read and {@link #claimAndCreate claims by id}.
     */
    public static Optional<Enrolled> claimOpenAndCreate(KeycloakSession session, RealmModel realm, String canonicalEmail,
                                                        String idpAlias, String entraObjectId) {
        String userId = KeycloakModelUtils.generateId();
        return InvitationStore.of(session).claimOpen(realm.getId(), canonicalEmail, idpAlias, entraObjectId, userId,
                Time.currentTimeMillis())
            .map(invitation -> new Enrolled(invitation, create(session, realm, userId, invitation.getEmail())));
    }

    private static UserModel create(KeycloakSession session, RealmModel realm, String userId, String username) {
        UserModel user = session.users().addUser(realm, userId, username, true, true);
        user.setEnabled(true);
        return user;
    }
}
