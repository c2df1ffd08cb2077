package io.github.flowisesso.invitation;

import org.keycloak.events.Details;

/**
 * The details the extension adds to Keycloak's login events (docs/api.md, *Events*), and the theme message keys more
 * than one refusal shows: each defined once, so that the audit trail and the pages cannot drift apart.
 */
public final class EventDetails {

    /** Why: Keycloak's own {@code reason} detail. */
    public static final String REASON = Details.REASON;
    public static final String INVITATION_ID = "invitation_id";
    public static final String LOGIN_TYPE = "login_type";

    public static final String MESSAGE_NO_LONGER_VALID = "invitationNoLongerValid";
    public static final String MESSAGE_ACCOUNT_EXISTS = "invitationAccountExists";

    private EventDetails() {
    }
}
