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
import org.keycloak.userprofile.ValidationException;

/**
 * What of the identity provider's profile a newly enrolled account keeps: the brokered attributes that the realm's
 * user profile accepts (its validators, as for Keycloak's own "review profile" step). An attribute that fails (a name
 * with characters the profile forbids, say) is dropped and logged; it never blocks the enrolment, which the
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
        UserProfileProvider profiles = session.getProvider(UserProfileProvider.class);
        Set<String> dropped = new TreeSet<>();
        // Dropping a failing attribute cannot make another one fail; a second pass only confirms.
        for (int pass = 0; pass < 2; pass++) {
            Map<String, Object> candidate = new HashMap<>(kept);
            candidate.put(UserModel.USERNAME, user.getUsername());
            try {
                // As for a new user, the way Keycloak's own "create user if unique" validates brokered data; the
                // account just made only trips the unique-username check, which is not ours to drop.
                profiles.create(UserProfileContext.IDP_REVIEW, candidate).validate();
                break;
            } catch (ValidationException refused) {
                Set<String> failing = new TreeSet<>();
                refused.getErrors().forEach(error -> {
                    if (kept.containsKey(error.getAttribute())) {
                        failing.add(error.getAttribute());
                    }
                });
                if (failing.isEmpty()) {
                    break; // what fails is missing, not brokered: nothing of ours to drop
                }
                failing.forEach(kept::remove);
                dropped.addAll(failing);
            }
        }
        if (!dropped.isEmpty()) {
            LOG.warnf("Enrolment of user %s: brokered attributes %s fail the realm's user profile and were not stored",
                user.getId(), dropped);
        }
        return kept;
    }
}
