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

    /** An enabled account as an admin types it in: any username, an email or none, no password, no login type. */
    public static String createBareUser(TestEnvironment env, String username, String email) {
        UserRepresentation user = new UserRepresentation();
        user.setUsername(username);
        user.setEmail(email);
        user.setEnabled(true);
        try (Response response = env.realm().users().create(user)) {
            return CreatedResponseUtil.getCreatedId(response);
        }
    }

    public static void setPassword(TestEnvironment env, String userId, String password) {
        CredentialRepresentation credential = new CredentialRepresentation();
        credential.setType(CredentialRepresentation.PASSWORD);
        credential.setValue(password);
        credential.setTemporary(false);
        env.realm().users().get(userId).resetPassword(credential);
    }

    /** A group path such as {@code /workspaces/research}, parents included. */
    public static synchronized String ensureGroup(TestEnvironment env, String path) {
        org.keycloak.admin.client.resource.RealmResource realm = env.realm();
        String parentId = null;
        StringBuilder prefix = new StringBuilder();
        for (String name : java.util.Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList()) {
            prefix.append('/').append(name);
            String id;
            try {
                id = realm.getGroupByPath(prefix.toString()).getId();
            } catch (jakarta.ws.rs.NotFoundException missing) {
                org.keycloak.representations.idm.GroupRepresentation group = new org.keycloak.representations.idm.GroupRepresentation();
                group.setName(name);
                try (Response response = parentId == null ? realm.groups().add(group) : realm.groups().group(parentId).subGroup(group)) {
                    id = org.keycloak.admin.client.CreatedResponseUtil.getCreatedId(response);
                }
            }
            parentId = id;
        }
        return path;
    }

    /** Gives an account a realm role of the flowise realm. */
    public static void grantRealmRole(TestEnvironment env, String userId, String role) {
        env.realm().users().get(userId).roles().realmLevel().add(List.of(env.realm().roles().get(role).toRepresentation()));
    }
}
