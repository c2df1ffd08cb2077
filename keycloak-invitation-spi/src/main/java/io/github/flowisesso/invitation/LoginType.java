package io.github.flowisesso.invitation;

/** How an invited user may sign in: only through the identity provider, or only with a password. */
public enum LoginType {
    SSO,
    PASSWORD;

    /** User attribute that carries the login type of an enrolled user. */
    public static final String USER_ATTRIBUTE = "login_type";
}
