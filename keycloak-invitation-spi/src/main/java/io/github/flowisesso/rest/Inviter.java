package io.github.flowisesso.rest;

import org.keycloak.models.UserModel;
import org.keycloak.services.resources.admin.AdminAuth;

/** The admin behind a request: the username goes into {@code createdBy}, the display name into the email. */
record Inviter(String username, String displayName) {

    static Inviter of(AdminAuth auth) {
        UserModel user = auth.getUser();
        String name = ((blankToEmpty(user.getFirstName()) + " " + blankToEmpty(user.getLastName()))).strip();
        if (name.isEmpty()) {
            name = user.getEmail() != null && !user.getEmail().isBlank() ? user.getEmail() : user.getUsername();
        }
        return new Inviter(user.getUsername(), name);
    }

    private static String blankToEmpty(String value) {
        return value == null ? "" : value.strip();
    }
}
