package io.github.flowisesso.invitation;

import org.jboss.logging.Logger;
import org.keycloak.models.ClientModel;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.RoleUtils;
import org.keycloak.models.Constants;
import java.util.List;
import java.util.stream.Stream;

/** Gives a freshly enrolled user what the invitation promised: Flowise roles, groups, names, login type. */
public final class InvitationGrants {

    /** The client whose client roles are the Flowise roles an invitation can grant. */

    private static final Logger LOG = Logger.getLogger(InvitationGrants.class);

    private InvitationGrants() {
    }

    public static void apply(KeycloakSession session, RealmModel realm, UserModel user, InvitationEntity invitation) {
        user.setEmail(invitation.getEmail());
        user.setSingleAttribute(LoginType.USER_ATTRIBUTE, invitation.getLoginType().name());
        if (isBlank(user.getFirstName()) && !isBlank(invitation.getFirstName())) {
            user.setFirstName(invitation.getFirstName());
        }
        if (isBlank(user.getLastName()) && !isBlank(invitation.getLastName())) {
            user.setLastName(invitation.getLastName());
        }
        ClientModel flowise = realm.getClientByClientId(FlowiseClient.CLIENT_ID);
        for (String roleName : StringLists.fromJson(invitation.getRoles())) {
            RoleModel role = flowise == null ? null : flowise.getRole(roleName);
            if (role != null && grantsAdminRights(session, realm, role)) {
                LOG.warnf("Invitation %s: role %s now carries realm-management rights, not granted", invitation.getId(), roleName);
            } else if (role == null) {
                // Deleted after the invitation was made: enrollment goes on, the admin sees the gap in the log.
                LOG.warnf("Invitation %s: role %s of client %s no longer exists, not granted", invitation.getId(), roleName, FlowiseClient.CLIENT_ID);
            } else {
                user.grantRole(role);
            }
        }
        for (String path : StringLists.fromJson(invitation.getGroups())) {
            GroupModel group = KeycloakModelUtils.findGroupByPath(session, realm, path);
            if (group == null) {
                LOG.warnf("Invitation %s: group %s no longer exists, not joined", invitation.getId(), path);
            } else if (grantsAdminRights(session, realm, group)) {
                // Its role mappings may have changed since the invitation was checked: no admin rights by invitation.
                LOG.warnf("Invitation %s: group %s now carries realm-management rights, not joined", invitation.getId(), path);
            } else {
                user.joinGroup(group);
            }
        }
    }

    /**
     * Invitations never hand out Keycloak admin rights: roles of realm-management, directly or by composite, and,
     * when the realm has fine-grained admin permissions (v2) on, a role that a policy of the realm's admin-permissions
     * client names (such a policy is how v2 grants admin rights to holders of a role).
     */
    public static boolean grantsAdminRights(KeycloakSession session, RealmModel realm, RoleModel role) {
        return carriesAdminRights(session, realm, Stream.of(role), Stream.empty());
    }

    /** Also through the roles of parent groups, which members inherit, and through v2 policies naming the group or a parent. */
    public static boolean grantsAdminRights(KeycloakSession session, RealmModel realm, GroupModel group) {
        List<GroupModel> lineage = Stream.iterate(group, g -> g != null, GroupModel::getParent).toList();
        return carriesAdminRights(session, realm, lineage.stream().flatMap(GroupModel::getRoleMappingsStream), lineage.stream());
    }

    private static boolean carriesAdminRights(KeycloakSession session, RealmModel realm, Stream<RoleModel> roles,
                                              Stream<GroupModel> groups) {
        List<RoleModel> effective = RoleUtils.expandCompositeRolesStream(roles).toList();
        if (effective.stream().anyMatch(r -> r.getContainer() instanceof ClientModel c
                && Constants.REALM_MANAGEMENT_CLIENT_ID.equals(c.getClientId()))) {
            return true;
        }
        return AdminPermissionPolicies.of(session, realm)
            .map(policies -> effective.stream().anyMatch(r -> policies.name("role", r.getId()))
                || groups.anyMatch(g -> policies.name("group", g.getId())))
            .orElse(false);
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
