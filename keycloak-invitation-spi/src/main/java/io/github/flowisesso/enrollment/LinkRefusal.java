package io.github.flowisesso.enrollment;

/** Why an invitation link did nothing; recorded in the event, never shown (the page is the same for all). */
enum LinkRefusal {
    MALFORMED_TOKEN("malformed_token"),
    UNKNOWN_TOKEN("unknown_token"),
    NOT_PENDING("not_pending"),
    EXPIRED("invitation_expired"),
    CSRF("csrf_mismatch"),
    FOREIGN_ORIGIN("foreign_origin"),
    ALREADY_CONSUMED("invitation_no_longer_valid"),
    ACCOUNT_EXISTS("account_exists"),
    REDIRECT_NOT_ALLOWED("redirect_not_allowed");

    final String reason;

    LinkRefusal(String reason) {
        this.reason = reason;
    }
}
