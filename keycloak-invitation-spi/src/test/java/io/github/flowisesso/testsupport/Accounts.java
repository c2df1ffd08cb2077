package io.github.flowisesso.testsupport;

import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/** Accounts an admin makes by hand in the realm (not through an invitation), through Keycloak's admin API. */
public final class Accounts {

    private Accounts() {
    }

    /** An enabled account with a verified email, the given login type (none when null) and password. */
    public static String createUser(TestEnvironment env, String email, String loginType, String password) {
        UserRepresentation user = new UserRepresentation();
        user.setUsername(email);
        user.setEmail(email);
        user.setEmailVerified(true);
        user.setFirstName("Grace");
        user.setLastName("Hopper");
        user.setEnabled(true);
        if (loginType != null) {
            user.setAttributes(Map.of("login_type", List.of(loginType)));
        }
        String id;
        try (Response response = env.realm().users().create(user)) {
            id = CreatedResponseUtil.getCreatedId(response);
        }
        setPassword(env, id, password);
        return id;
    }

    public static void setPassword(TestEnvironment env, String userId, String password) {
        CredentialRepresentation credential = new CredentialRepresentation();
        credential.setType(CredentialRepresentation.PASSWORD);
        credential.setValue(password);
        credential.setTemporary(false);
        env.realm().users().get(userId).resetPassword(credential);
    }
}
