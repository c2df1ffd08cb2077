package io.github.flowisesso.email;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.SubjectCredentialManager;
import org.keycloak.models.UserModel;
import org.keycloak.storage.adapter.AbstractInMemoryUserAdapter;

/**
 * The invitee as the email templates see them: someone without an account. Never stored; Keycloak's organization
 * invitations use the same kind of in-memory user for the same reason.
 */
final class InviteeUser extends AbstractInMemoryUserAdapter {

    InviteeUser(KeycloakSession session, RealmModel realm, String email, String firstName, String lastName, String locale) {
        super(session, realm, null);
        setUsername(email);
        setEmail(email);
        setFirstName(firstName);
        setLastName(lastName);
        if (locale != null) {
            // Read by Keycloak's locale selector before the admin's Accept-Language: the invitee's language wins.
            setSingleAttribute(UserModel.LOCALE, locale);
        }
        setEnabled(true);
    }

    @Override
    public SubjectCredentialManager credentialManager() {
        return session.users().getUserCredentialManager(this);
    }
}
