package io.github.flowisesso.invitation;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.NamedNativeQueries;
import jakarta.persistence.NamedNativeQuery;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.QueryHint;
import jakarta.persistence.Table;

/**
 * One invitation, stored in Keycloak's own database so that every node of a cluster sees the same state.
 * Roles and groups are JSON arrays: they are read whole, never queried.
 */
@Entity
@Table(name = InvitationEntity.TABLE)
@NamedQueries({
    @NamedQuery(name = "invitation.pendingByRealmAndEmail",
        query = "SELECT i FROM InvitationEntity i WHERE i.realmId = :realmId AND i.email = :email"
            + " AND i.status = io.github.flowisesso.invitation.InvitationStatus.PENDING ORDER BY i.createdAt DESC"),
    @NamedQuery(name = "invitation.acceptedByRealmAndEmail",
        query = "SELECT i FROM InvitationEntity i WHERE i.realmId = :realmId AND i.email = :email"
            + " AND i.status = io.github.flowisesso.invitation.InvitationStatus.ACCEPTED"),
    // A bulk batch asks for all its addresses at once (index on realm_id, email).
    @NamedQuery(name = "invitation.pendingByRealmAndEmails",
        query = "SELECT i FROM InvitationEntity i WHERE i.realmId = :realmId AND i.email IN :emails"
            + " AND i.status = io.github.flowisesso.invitation.InvitationStatus.PENDING"),
    @NamedQuery(name = "invitation.byTokenHash",
        query = "SELECT i FROM InvitationEntity i WHERE i.tokenHash = :tokenHash"),
    // Retention, one bounded batch at a time: the oldest expiries first, read along IDX_FLOWISE_INVITATION_EXPIRES.
    @NamedQuery(name = "invitation.expiredBefore",
        query = "SELECT i.id FROM InvitationEntity i WHERE i.expiresAt < :cutoff ORDER BY i.expiresAt"),
    // SCIM: the invitations provisioned for an Entra object ("externalId eq …"), newest first.
    @NamedQuery(name = "invitation.byEntraObject",
        query = "SELECT i FROM InvitationEntity i WHERE i.realmId = :realmId AND i.entraObjectId = :oid ORDER BY i.createdAt DESC"),
    // The outbox workers: queued mails whose time has come, soonest first (IDX_FLOWISE_INVITATION_DELIVERY).
    @NamedQuery(name = "invitation.dueForDelivery",
        query = "SELECT i.id FROM InvitationEntity i WHERE i.delivery = io.github.flowisesso.invitation.DeliveryStatus.QUEUED"
            + " AND i.deliveryDueAt <= :now ORDER BY i.deliveryDueAt"),
})
/*
 * Updates and deletes are native SQL: Hibernate 7 caches the translation of JPQL selects but translates a JPQL
 * UPDATE/DELETE anew on every execution (SqmInterpretationsKey.generateNonSelectKey), which showed in the first-login
 * profile. The SQL is plain and portable (H2, PostgreSQL); the query space keeps Hibernate's auto-flush and cache
 * clean-up to this table. Status values are the enum names (@Enumerated(STRING)).
 */
@NamedNativeQueries({
    // The single-use guard: only one transaction can move a row out of PENDING.
    @NamedNativeQuery(name = "invitation.claim", query = InvitationEntity.CLAIM,
        hints = @QueryHint(name = InvitationEntity.NATIVE_SPACES, value = InvitationEntity.TABLE)),
    // The same, reached through a link: also only while the row still carries that link's token, so that a resend
    // (which replaces the token) and the old link's acceptance cannot both succeed.
    @NamedNativeQuery(name = "invitation.claimByToken", query = InvitationEntity.CLAIM + " AND TOKEN_HASH = :tokenHash",
        hints = @QueryHint(name = InvitationEntity.NATIVE_SPACES, value = InvitationEntity.TABLE)),
    // The fast path of an SSO enrollment: find and claim the one open invitation for an address in one statement that
    // returns the row (unique key UK_FLOWISE_INVITATION_OPEN), instead of a read and then an update. Each database
    // spells "update and return" its own way; InvitationStore picks the flavour (others take the read-then-claim path).
    @NamedNativeQuery(name = "invitation.claimOpen.postgres",
        query = "UPDATE FLOWISE_INVITATION SET " + InvitationEntity.CLAIM_OPEN_SET + " WHERE " + InvitationEntity.CLAIM_OPEN_WHERE
            + " RETURNING *",
        resultClass = InvitationEntity.class,
        hints = @QueryHint(name = InvitationEntity.NATIVE_SPACES, value = InvitationEntity.TABLE)),
    @NamedNativeQuery(name = "invitation.claimOpen.h2",
        query = "SELECT * FROM FINAL TABLE (UPDATE FLOWISE_INVITATION SET " + InvitationEntity.CLAIM_OPEN_SET
            + " WHERE " + InvitationEntity.CLAIM_OPEN_WHERE + ")",
        resultClass = InvitationEntity.class,
        hints = @QueryHint(name = InvitationEntity.NATIVE_SPACES, value = InvitationEntity.TABLE)),
    // Conditional like the claim: a revoke or resend racing a completion never overwrites ACCEPTED.
    @NamedNativeQuery(name = "invitation.revoke",
        query = "UPDATE FLOWISE_INVITATION SET STATUS = 'REVOKED', OPEN_EMAIL = NULL,"
            + " DELIVERY = CASE WHEN DELIVERY = 'QUEUED' THEN 'NONE' ELSE DELIVERY END"
            + " WHERE REALM_ID = :realmId AND ID = :id AND STATUS = 'PENDING'",
        hints = @QueryHint(name = InvitationEntity.NATIVE_SPACES, value = InvitationEntity.TABLE)),
    // An expired PENDING invitation gives its address back, so that a new one (or a resend) can hold it.
    @NamedNativeQuery(name = "invitation.releaseExpiredAddresses",
        query = "UPDATE FLOWISE_INVITATION SET OPEN_EMAIL = NULL"
            + " WHERE REALM_ID = :realmId AND OPEN_EMAIL IN (:emails) AND EXPIRES_AT <= :now",
        hints = @QueryHint(name = InvitationEntity.NATIVE_SPACES, value = InvitationEntity.TABLE)),
    @NamedNativeQuery(name = "invitation.replaceToken",
        query = "UPDATE FLOWISE_INVITATION SET TOKEN_HASH = :tokenHash, EXPIRES_AT = :expiresAt, EMAILED = :emailed,"
            + " OPEN_EMAIL = EMAIL, DELIVERY = :delivery, DELIVERY_ATTEMPTS = 0, DELIVERY_DUE_AT = :dueAt,"
            + " DELIVERY_ERROR = NULL, DELIVERY_SENT_AT = NULL, MAIL_BASE_URL = :baseUrl, INVITER_NAME = :inviterName"
            + " WHERE REALM_ID = :realmId AND ID = :id AND STATUS = 'PENDING'",
        hints = @QueryHint(name = InvitationEntity.NATIVE_SPACES, value = InvitationEntity.TABLE)),
    // An outbox worker takes a due mail: for a lease (DUE_AT moves to its end, so no other worker takes it meanwhile)
    // and with a new token whose hash replaces the one stored, so that no usable token ever rests in the database.
    // Of workers racing for a row, the row lock lets exactly one through: the others find DUE_AT in the future.
    @NamedNativeQuery(name = "invitation.claimForDelivery",
        query = "UPDATE FLOWISE_INVITATION SET TOKEN_HASH = :tokenHash, DELIVERY_DUE_AT = :leaseUntil,"
            + " DELIVERY_ATTEMPTS = DELIVERY_ATTEMPTS + 1"
            + " WHERE ID = :id AND DELIVERY = 'QUEUED' AND DELIVERY_DUE_AT <= :now AND STATUS = 'PENDING' AND EXPIRES_AT > :now",
        hints = @QueryHint(name = InvitationEntity.NATIVE_SPACES, value = InvitationEntity.TABLE)),
    // The outcome of a send, only while the row still carries the token that was sent: a resend meanwhile has queued
    // a newer mail, whose state this must not overwrite.
    @NamedNativeQuery(name = "invitation.deliverySent",
        query = "UPDATE FLOWISE_INVITATION SET DELIVERY = 'SENT', DELIVERY_SENT_AT = :now, DELIVERY_DUE_AT = NULL,"
            + " DELIVERY_ERROR = NULL WHERE ID = :id AND TOKEN_HASH = :tokenHash AND DELIVERY = 'QUEUED'",
        hints = @QueryHint(name = InvitationEntity.NATIVE_SPACES, value = InvitationEntity.TABLE)),
    @NamedNativeQuery(name = "invitation.deliveryFailed",
        query = "UPDATE FLOWISE_INVITATION SET DELIVERY = :delivery, DELIVERY_DUE_AT = :dueAt, DELIVERY_ERROR = :error"
            + " WHERE ID = :id AND TOKEN_HASH = :tokenHash AND DELIVERY = 'QUEUED'",
        hints = @QueryHint(name = InvitationEntity.NATIVE_SPACES, value = InvitationEntity.TABLE)),
    // A due mail that may no longer go out: its invitation was accepted (SSO needs no link) or revoked (NONE), or it
    // expired waiting (FAILED, with the reason).
    @NamedNativeQuery(name = "invitation.deliveryAbandoned",
        query = "UPDATE FLOWISE_INVITATION SET DELIVERY = CASE WHEN STATUS = 'PENDING' THEN 'FAILED' ELSE 'NONE' END,"
            + " DELIVERY_ERROR = CASE WHEN STATUS = 'PENDING' THEN :expired ELSE NULL END, DELIVERY_DUE_AT = NULL"
            + " WHERE ID = :id AND DELIVERY = 'QUEUED' AND DELIVERY_DUE_AT <= :now"
            + " AND (STATUS <> 'PENDING' OR EXPIRES_AT <= :now)",
        hints = @QueryHint(name = InvitationEntity.NATIVE_SPACES, value = InvitationEntity.TABLE)),
    // Retention: whatever its state, a row goes once its expiry lies further back than the retention period
    // (an accepted invitation was accepted before it expired); by primary key, a batch found by invitation.expiredBefore.
    // SCIM re-assignment: a revoked invitation opens again (conditional: never over an acceptance), with a new token
    // hash, so that a link mailed before the revocation stays dead.
    @NamedNativeQuery(name = "invitation.reopen",
        query = "UPDATE FLOWISE_INVITATION SET STATUS = 'PENDING', OPEN_EMAIL = EMAIL, EXPIRES_AT = :expiresAt,"
            + " TOKEN_HASH = :tokenHash WHERE REALM_ID = :realmId AND ID = :id AND STATUS = 'REVOKED'",
        hints = @QueryHint(name = InvitationEntity.NATIVE_SPACES, value = InvitationEntity.TABLE)),
    // SCIM changes to a not yet accepted invitation, in one conditional statement (an acceptance at the same moment
    // wins: this never writes over ACCEPTED, as saving the whole entity could). The address follows the change and
    // keeps holding the open-address key when it held it.
    @NamedNativeQuery(name = "invitation.scimUpdate",
        query = "UPDATE FLOWISE_INVITATION SET EMAIL = :email,"
            + " OPEN_EMAIL = CASE WHEN OPEN_EMAIL IS NULL THEN NULL ELSE :email END,"
            + " FIRST_NAME = :firstName, LAST_NAME = :lastName, ENTRA_OID = :oid, SCIM_USER_NAME = :userName"
            + " WHERE REALM_ID = :realmId AND ID = :id AND STATUS IN ('PENDING', 'REVOKED')",
        hints = @QueryHint(name = InvitationEntity.NATIVE_SPACES, value = InvitationEntity.TABLE)),
    // A realm's invitations go with the realm.
    @NamedNativeQuery(name = "invitation.deleteByRealm",
        query = "DELETE FROM FLOWISE_INVITATION WHERE REALM_ID = :realmId",
        hints = @QueryHint(name = InvitationEntity.NATIVE_SPACES, value = InvitationEntity.TABLE)),
    @NamedNativeQuery(name = "invitation.deleteByIds",
        query = "DELETE FROM FLOWISE_INVITATION WHERE ID IN (:ids)",
        hints = @QueryHint(name = InvitationEntity.NATIVE_SPACES, value = InvitationEntity.TABLE)),
})
public class InvitationEntity {

    static final String CLAIM = "UPDATE FLOWISE_INVITATION SET STATUS = 'ACCEPTED', ACCEPTED_AT = :now, ACCEPTED_USER_ID = :userId,"
        + " OPEN_EMAIL = NULL WHERE ID = :id AND STATUS = 'PENDING' AND EXPIRES_AT > :now";

    static final String TABLE = "FLOWISE_INVITATION";
    /** Hibernate's hint naming the tables a native query touches (HibernateHints.HINT_NATIVE_SPACES). */
    static final String NATIVE_SPACES = "org.hibernate.query.native.spaces";

    static final String CLAIM_OPEN_SET = "STATUS = 'ACCEPTED', ACCEPTED_AT = :now, ACCEPTED_USER_ID = :userId, OPEN_EMAIL = NULL";
    static final String CLAIM_OPEN_WHERE = SsoClaim.WHERE;

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "EMAIL", length = 320, nullable = false)
    private String email;

    @Enumerated(EnumType.STRING)
    @Column(name = "LOGIN_TYPE", length = 16, nullable = false)
    private LoginType loginType;

    @Column(name = "IDP_ALIAS")
    private String identityProvider;

    @Column(name = "ROLES", length = 4000)
    private String roles;

    @Column(name = "GROUPS_JSON", length = 4000)
    private String groups;

    @Column(name = "FIRST_NAME")
    private String firstName;

    @Column(name = "LAST_NAME")
    private String lastName;

    @Column(name = "REDIRECT_URI", length = 2048)
    private String redirectUri;

    @Enumerated(EnumType.STRING)
    @Column(name = "STATUS", length = 16, nullable = false)
    private InvitationStatus status;

    @Column(name = "TOKEN_HASH", length = 64, nullable = false, unique = true)
    private String tokenHash;

    @Column(name = "CREATED_AT", nullable = false)
    private long createdAt;

    @Column(name = "EXPIRES_AT", nullable = false)
    private long expiresAt;

    @Column(name = "ACCEPTED_AT")
    private Long acceptedAt;

    @Column(name = "CREATED_BY")
    private String createdBy;

    @Column(name = "ACCEPTED_USER_ID", length = 36)
    private String acceptedUserId;

    /** Whether the current link went out by email: only then does following it prove the mailbox. */
    @Column(name = "EMAILED", nullable = false)
    private boolean emailed;

    /** Language of the invitation email (a realm-supported locale tag); null means the realm default. */
    @Column(name = "LOCALE", length = 16)
    private String locale;

    /**
     * The address while this invitation is the address's open one (PENDING, and not given back after expiry); NULL
     * otherwise. Unique per realm, so the database refuses a second live invitation for an address even when two
     * requests check at the same moment; NULLs never collide.
     */
    @Column(name = "OPEN_EMAIL", length = 320)
    private String openEmail;

    @Enumerated(EnumType.STRING)
    @Column(name = "DELIVERY", length = 16, nullable = false)
    private DeliveryStatus delivery = DeliveryStatus.NONE;

    /** Sends tried for the current link (a crash mid-send counts too). */
    @Column(name = "DELIVERY_ATTEMPTS", nullable = false)
    private int deliveryAttempts;

    /** QUEUED: when a worker may take the mail (the next try, or the end of the lease of the worker that has it). */
    @Column(name = "DELIVERY_DUE_AT")
    private Long deliveryDueAt;

    /** The last failure's cause, as the mail server or the network gave it. */
    @Column(name = "DELIVERY_ERROR", length = 500)
    private String deliveryError;

    @Column(name = "DELIVERY_SENT_AT")
    private Long deliverySentAt;

    /** The realm frontend URL the link is built on, fixed by the request that queued the mail. */
    @Column(name = "MAIL_BASE_URL", length = 2048)
    private String mailBaseUrl;

    /** The inviting admin's display name, for the mail's greeting. */
    @Column(name = "INVITER_NAME", length = 255)
    private String inviterName;

    /**
     * The Entra object this invitation is for (SCIM's {@code externalId}): only an ID token with this {@code oid} may
     * enroll with it. Null: anyone whose verified address matches.
     */
    @Column(name = "ENTRA_OID", length = 64)
    private String entraObjectId;

    /** The userName a SCIM client gave this invitation (Entra: the UPN), shown back to it as given. */
    @Column(name = "SCIM_USER_NAME", length = 320)
    private String scimUserName;

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
    public String getEmail() { return email; }
    public void setEmail(String email) { this.email = email; }
    public LoginType getLoginType() { return loginType; }
    public void setLoginType(LoginType loginType) { this.loginType = loginType; }
    public String getIdentityProvider() { return identityProvider; }
    public void setIdentityProvider(String identityProvider) { this.identityProvider = identityProvider; }
    public String getRoles() { return roles; }
    public void setRoles(String roles) { this.roles = roles; }
    public String getGroups() { return groups; }
    public void setGroups(String groups) { this.groups = groups; }
    public String getFirstName() { return firstName; }
    public void setFirstName(String firstName) { this.firstName = firstName; }
    public String getLastName() { return lastName; }
    public void setLastName(String lastName) { this.lastName = lastName; }
    public String getRedirectUri() { return redirectUri; }
    public void setRedirectUri(String redirectUri) { this.redirectUri = redirectUri; }
    public InvitationStatus getStatus() { return status; }
    public void setStatus(InvitationStatus status) { this.status = status; }
    public String getTokenHash() { return tokenHash; }
    public void setTokenHash(String tokenHash) { this.tokenHash = tokenHash; }
    public long getCreatedAt() { return createdAt; }
    public void setCreatedAt(long createdAt) { this.createdAt = createdAt; }
    public long getExpiresAt() { return expiresAt; }
    public void setExpiresAt(long expiresAt) { this.expiresAt = expiresAt; }
    public Long getAcceptedAt() { return acceptedAt; }
    public void setAcceptedAt(Long acceptedAt) { this.acceptedAt = acceptedAt; }
    public String getCreatedBy() { return createdBy; }
    public void setCreatedBy(String createdBy) { this.createdBy = createdBy; }
    public boolean isEmailed() { return emailed; }
    public void setEmailed(boolean emailed) { this.emailed = emailed; }
    public String getAcceptedUserId() { return acceptedUserId; }
    public void setAcceptedUserId(String acceptedUserId) { this.acceptedUserId = acceptedUserId; }
    public String getLocale() { return locale; }
    public void setLocale(String locale) { this.locale = locale; }
    public String getOpenEmail() { return openEmail; }
    public void setOpenEmail(String openEmail) { this.openEmail = openEmail; }
    public DeliveryStatus getDelivery() { return delivery; }
    public void setDelivery(DeliveryStatus delivery) { this.delivery = delivery; }
    public int getDeliveryAttempts() { return deliveryAttempts; }
    public void setDeliveryAttempts(int deliveryAttempts) { this.deliveryAttempts = deliveryAttempts; }
    public Long getDeliveryDueAt() { return deliveryDueAt; }
    public void setDeliveryDueAt(Long deliveryDueAt) { this.deliveryDueAt = deliveryDueAt; }
    public String getDeliveryError() { return deliveryError; }
    public void setDeliveryError(String deliveryError) { this.deliveryError = deliveryError; }
    public Long getDeliverySentAt() { return deliverySentAt; }
    public void setDeliverySentAt(Long deliverySentAt) { this.deliverySentAt = deliverySentAt; }
    public String getMailBaseUrl() { return mailBaseUrl; }
    public void setMailBaseUrl(String mailBaseUrl) { this.mailBaseUrl = mailBaseUrl; }
    public String getScimUserName() { return scimUserName; }
    public void setScimUserName(String scimUserName) { this.scimUserName = scimUserName; }
    public String getEntraObjectId() { return entraObjectId; }
    public void setEntraObjectId(String entraObjectId) { this.entraObjectId = entraObjectId; }
    public String getInviterName() { return inviterName; }
    public void setInviterName(String inviterName) { this.inviterName = inviterName; }
}
