package io.github.flowisesso.invitation;

/**
 * The one condition under which an identity from an identity provider may claim an invitation: SSO, for that
 * provider, PENDING, not yet expired, and, when the invitation names an Entra object (SCIM provisioning stores
 * Entra's {@code externalId}), presented by that very object. Written twice because it runs in two places: in Java over rows already read
 * (the gate's slow path, which also tells the reason of a refusal) and in SQL inside the single-statement claim (the
 * fast path, keyed by the address the invitation holds). The two sit side by side here, and
 * {@code SsoClaimAgreementIT} checks on the real database that they agree for every combination of the four.
 */
public final class SsoClaim {

    /**
     * The SQL form, for {@code :realmId, :email, :now, :idp, :oid} ({@code :oid} may be null: an identity without
     * one never claims a bound invitation); {@code OPEN_EMAIL} is the held address (fast path).
     */
    public static final String WHERE = "REALM_ID = :realmId AND OPEN_EMAIL = :email AND STATUS = 'PENDING' AND EXPIRES_AT > :now"
        + " AND LOGIN_TYPE = 'SSO' AND IDP_ALIAS = :idp AND (ENTRA_OID IS NULL OR ENTRA_OID = :oid)";

    private SsoClaim() {
    }

    /** The Java form, for a row of the realm and address already read. */
    public static boolean admits(InvitationEntity invitation, String identityProvider, String objectId, long now) {
        return invitation.getStatus() == InvitationStatus.PENDING
            && invitation.getExpiresAt() > now
            && invitation.getLoginType() == LoginType.SSO
            && identityProvider != null && identityProvider.equals(invitation.getIdentityProvider())
            && boundTo(invitation, objectId);
    }

    /** Whether the invitation is for anyone with the address, or for this Entra object. */
    public static boolean boundTo(InvitationEntity invitation, String objectId) {
        return invitation.getEntraObjectId() == null || invitation.getEntraObjectId().equals(objectId);
    }
}
