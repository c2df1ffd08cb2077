package io.github.flowisesso.scim;

import java.util.Arrays;
import java.util.List;
import org.keycloak.models.RealmModel;

/**
 * What provisioning does in a realm, set as realm attributes (admin console: *Realm settings → General →
 * Attributes* is not shown for custom keys, so {@code kcadm.sh update realms/flowise -s 'attributes."scim.roles"=member'}).
 *
 * @param roles          client roles of the {@code flowise} client every provisioned person gets ({@code scim.roles},
 *                       comma-separated; default {@code member})
 * @param groups         group paths ({@code scim.groups}, comma-separated; default none)
 * @param sendEmail      whether an assignment also emails an invitation ({@code scim.sendEmail}; default false: the
 *                       person signs in with Microsoft from Flowise or from *My Apps*)
 * @param deleteRemoves  whether a SCIM DELETE deletes the account ({@code scim.onDelete=delete}) instead of
 *                       disabling it (default {@code disable})
 * @param invitationDays how long an assignment's invitation stays open ({@code scim.invitationDays}; default 90)
 * @param identityProvider the Entra ID provider the invitations are for ({@code scim.identityProvider}; default: the
 *                         realm's only enabled one)
 */
record ScimSettings(List<String> roles, List<String> groups, boolean sendEmail, boolean deleteRemoves, int invitationDays,
                    String identityProvider) {

    static final String ROLES = "scim.roles";
    static final String GROUPS = "scim.groups";
    static final String SEND_EMAIL = "scim.sendEmail";
    static final String ON_DELETE = "scim.onDelete";
    static final String INVITATION_DAYS = "scim.invitationDays";
    static final String IDENTITY_PROVIDER = "scim.identityProvider";

    static ScimSettings of(RealmModel realm) {
        String days = realm.getAttribute(INVITATION_DAYS);
        int invitationDays;
        try {
            invitationDays = days == null || days.isBlank() ? 90 : Math.max(1, Math.min(3650, Integer.parseInt(days.strip())));
        } catch (NumberFormatException e) {
            invitationDays = 90;
        }
        return new ScimSettings(list(realm.getAttribute(ROLES), "member"), list(realm.getAttribute(GROUPS), ""),
            Boolean.parseBoolean(realm.getAttribute(SEND_EMAIL)), "delete".equalsIgnoreCase(realm.getAttribute(ON_DELETE)),
            invitationDays, blankToNull(realm.getAttribute(IDENTITY_PROVIDER)));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static List<String> list(String value, String byDefault) {
        String text = value == null ? byDefault : value;
        return Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
