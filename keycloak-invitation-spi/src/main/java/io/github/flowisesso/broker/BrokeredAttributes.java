package io.github.flowisesso.broker;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.userprofile.UserProfileContext;
import org.keycloak.userprofile.UserProfileProvider;
import org.keycloak.userprofile.Attributes;

/**
 * What of the identity provider's profile a newly enrolled account keeps: the brokered attributes that the realm's
 * user profile accepts (its validators, as for Keycloak's own "review profile" step). An attribute that fails (a name
 * with characters the profile forbids, say) is dropped and logged; it never blocks the enrollment, which the
 * invitation, not the provider's profile data, decides.
 */
final class BrokeredAttributes {

    private static final Logger LOG = Logger.getLogger(BrokeredAttributes.class);

    private BrokeredAttributes() {
    }

    static Map<String, List<String>> valid(KeycloakSession session, UserModel user, Map<String, List<String>> brokered) {
        Map<String, List<String>> kept = new LinkedHashMap<>();
        brokered.forEach((name, values) -> {
            if (!UserModel.USERNAME.equalsIgnoreCase(name)) {
                kept.put(name, values);
            }
        });
        Map<String, Object> candidate = new HashMap<>(kept);
        candidate.put(UserModel.USERNAME, user.getUsername());
        // As for a new user, the way Keycloak's own "create user if unique" sees brokered data; attribute by attribute,
        // so that only the profile's validators of what the provider sent run. The address is not the provider's to
        // decide (the invitation's canonical address becomes the email); its uniqueness is the gate's and the database's.
        Attributes attributes = session.getProvider(UserProfileProvider.class)
            .create(UserProfileContext.IDP_REVIEW, candidate).getAttributes();
        Set<String> dropped = new TreeSet<>();
        for (String name : List.copyOf(kept.keySet())) {
            if (!UserModel.EMAIL.equals(name) && !attributes.validate(name)) {
                kept.remove(name);
                dropped.add(name);
            }
        }
        if (!dropped.isEmpty()) {
            LOG.warnf("Enrollment of user %s: brokered attributes %s fail the realm's user profile and were not stored",
                user.getId(), dropped);
        }
        return kept;
    }
}
