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
import java.util.stream.Stream;

/** Gives a freshly enrolled user what the invitation promised: Flowise roles, groups, names, login type. */
public final class InvitationGrants {

    /** The client whose client roles are the Flowise roles an invitation can grant. */
    public static final String FLOWISE_CLIENT_ID = "flowise";

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
        ClientModel flowise = realm.getClientByClientId(FLOWISE_CLIENT_ID);
        for (String roleName : StringLists.fromJson(invitation.getRoles())) {
            RoleModel role = flowise == null ? null : flowise.getRole(roleName);
            if (role != null && grantsAdminRights(role)) {
                LOG.warnf("Invitation %s: role %s now carries realm-management rights, not granted", invitation.getId(), roleName);
            } else if (role == null) {
                // Deleted after the invitation was made: enrolment goes on, the admin sees the gap in the log.
                LOG.warnf("Invitation %s: role %s of client %s no longer exists, not granted", invitation.getId(), roleName, FLOWISE_CLIENT_ID);
            } else {
                user.grantRole(role);
            }
        }
        for (String path : StringLists.fromJson(invitation.getGroups())) {
            GroupModel group = KeycloakModelUtils.findGroupByPath(session, realm, path);
            if (group == null) {
                LOG.warnf("Invitation %s: group %s no longer exists, not joined", invitation.getId(), path);
            } else if (grantsAdminRights(group)) {
                // Its role mappings may have changed since the invitation was checked: no admin rights by invitation.
                LOG.warnf("Invitation %s: group %s now carries realm-management rights, not joined", invitation.getId(), path);
            } else {
                user.joinGroup(group);
            }
        }
    }

    /** Invitations never hand out Keycloak admin rights (roles of realm-management), directly or by composite. */
    public static boolean grantsAdminRights(RoleModel role) {
        return carriesAdminRights(Stream.of(role));
    }

    /** Also through the roles of parent groups, which members inherit. */
    public static boolean grantsAdminRights(GroupModel group) {
        return carriesAdminRights(Stream.iterate(group, g -> g != null, GroupModel::getParent).flatMap(GroupModel::getRoleMappingsStream));
    }

    private static boolean carriesAdminRights(Stream<RoleModel> roles) {
        return RoleUtils.expandCompositeRolesStream(roles)
            .anyMatch(r -> r.getContainer() instanceof ClientModel c && Constants.REALM_MANAGEMENT_CLIENT_ID.equals(c.getClientId()));
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
