package io.github.flowisesso.rest;

import io.github.flowisesso.invitation.LoginType;
import java.util.List;

/** A create request whose every value was checked against the realm: canonical email, existing roles and groups. */
record ValidInvitation(String email, LoginType loginType, String identityProvider, List<String> roles,
                       List<String> groups, String firstName, String lastName, String redirectUri,
                       int expiresInHours, String locale) {
}
