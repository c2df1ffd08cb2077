package io.github.flowisesso.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.keycloak.representations.idm.UserRepresentation;

/** What refusal tests assert: no account appeared, and the invitation is exactly as it was. */
public final class StateAssertions {

    private StateAssertions() {
    }

    public static String newEmail(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    }

    public static void assertNoAccount(TestEnvironment env, String email) {
        assertThat(env.realm().users().searchByEmail(email, true)).as("accounts with " + email).isEmpty();
        assertThat(env.realm().users().searchByUsername(email, true)).as("accounts named " + email).isEmpty();
    }

    public static UserRepresentation onlyAccount(TestEnvironment env, String email) {
        List<UserRepresentation> users = env.realm().users().searchByEmail(email, true);
        assertThat(users).as("accounts with " + email).hasSize(1);
        return env.realm().users().get(users.get(0).getId()).toRepresentation();
    }

    public static void assertUntouched(TestEnvironment env, Invitations.Seeded invitation, String status) {
        assertUntouched(env, TestEnvironment.REALM, invitation, status);
    }

    public static void assertUntouched(TestEnvironment env, String realm, Invitations.Seeded invitation, String status) {
        assertThat(env.invitations().get(realm, invitation.id()))
            .containsEntry("status", status)
            .doesNotContainKey("acceptedUserId")
            .doesNotContainKey("acceptedAt");
    }
}
