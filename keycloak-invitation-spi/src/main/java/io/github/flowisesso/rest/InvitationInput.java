package io.github.flowisesso.rest;

import java.util.List;

/**
 * One create request as the caller wrote it (JSON object or CSV row), checked for shape only; what the values mean
 * in the realm is {@link InvitationRules}' business. Blank strings are already null.
 */
record InvitationInput(String email, String loginType, String identityProvider, List<String> roles,
                       List<String> groups, String firstName, String lastName, String redirectUri,
                       Integer expiresInHours, Boolean sendEmail, String locale) {

    static final String EMAIL = "email";
    static final String LOGIN_TYPE = "loginType";
    static final String IDENTITY_PROVIDER = "identityProvider";
    static final String ROLES = "roles";
    static final String GROUPS = "groups";
    static final String FIRST_NAME = "firstName";
    static final String LAST_NAME = "lastName";
    static final String REDIRECT_URI = "redirectUri";
    static final String EXPIRES_IN_HOURS = "expiresInHours";
    static final String SEND_EMAIL = "sendEmail";
    static final String LOCALE = "locale";

    static final List<String> FIELDS = List.of(EMAIL, LOGIN_TYPE, IDENTITY_PROVIDER, ROLES, GROUPS, FIRST_NAME,
        LAST_NAME, REDIRECT_URI, EXPIRES_IN_HOURS, SEND_EMAIL, LOCALE);
}
