package io.github.flowisesso.invitation;

/** Where an invitation's email stands. The outbox worker moves QUEUED to SENT, or to FAILED after its last attempt. */
public enum DeliveryStatus {
    /** No email: the link was handed to the admin (sendEmail=false), or the invitation ended before it went out. */
    NONE,
    QUEUED,
    SENT,
    FAILED
}
