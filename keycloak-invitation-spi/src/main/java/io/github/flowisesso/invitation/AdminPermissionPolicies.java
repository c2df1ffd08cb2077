package io.github.flowisesso.invitation;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.keycloak.authorization.AuthorizationProvider;
import org.keycloak.authorization.model.Policy;
import org.keycloak.authorization.model.ResourceServer;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The policies of a realm's fine-grained admin permissions (v2), when the realm has them on: the role, group and
 * user policies of its admin-permissions client. Any policy naming a role or group counts, whatever the permissions
 * that use it say: deciding which admin rights a policy finally grants is Keycloak's evaluation, and an invitation
 * needs none of them.
 */
final class AdminPermissionPolicies {

    private final List<Policy> policies;

    private AdminPermissionPolicies(List<Policy> policies) {
        this.policies = policies;
    }

    static Optional<AdminPermissionPolicies> of(KeycloakSession session, RealmModel realm) {
        if (!realm.isAdminPermissionsEnabled()) {
            return Optional.empty();
        }
        ClientModel client = realm.getAdminPermissionsClient();
        AuthorizationProvider authorization = session.getProvider(AuthorizationProvider.class);
        ResourceServer server = client == null || authorization == null ? null
            : authorization.getStoreFactory().getResourceServerStore().findByClient(client);
        if (server == null) {
            return Optional.empty();
        }
        List<Policy> found = new ArrayList<>();
        for (String type : List.of("role", "group")) {
            found.addAll(authorization.getStoreFactory().getPolicyStore().findByType(server, type));
        }
        return Optional.of(new AdminPermissionPolicies(found));
    }

    /** Whether a policy of this type ({@code role} or {@code group}) names the role or group with this id. */
    boolean name(String type, String id) {
        String key = type.equals("role") ? "roles" : "groups";
        String quoted = "\"" + id + "\"";
        return policies.stream().filter(p -> type.equals(p.getType()))
            .map(p -> p.getConfig().get(key))
            .anyMatch(config -> config != null && config.contains(quoted));
    }
}
