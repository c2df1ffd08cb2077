package io.github.flowisesso.invitation;

import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import jakarta.persistence.TypedQuery;
import java.util.List;
import java.util.Optional;
import org.hibernate.dialect.Dialect;
import org.hibernate.dialect.H2Dialect;
import org.hibernate.dialect.PostgreSQLDialect;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;

/**
 * All reads and writes of invitations, on the request's own entity manager and transaction.
 * Every query here has an index behind it (see the Liquibase changelog).
 */
public final class InvitationStore {

    private final EntityManager em;

    private InvitationStore(EntityManager em) {
        this.em = em;
    }

    public static InvitationStore of(KeycloakSession session) {
        return new InvitationStore(session.getProvider(JpaConnectionProvider.class).getEntityManager());
    }

    public void add(InvitationEntity invitation) {
        em.persist(invitation);
    }

    /**
     * Lets this transaction write its changes at commit (or at an explicit {@link #flush()}) instead of before every
     * query: with hundreds of new rows pending, Hibernate's automatic flush checks every one of them before each
     * lookup. Queries then do not see this transaction's unwritten rows; the caller must not need them to.
     */
    public void writeAtCommit() {
        em.setFlushMode(FlushModeType.COMMIT);
    }

    /**
     * Writes pending changes now, so that a database refusal surfaces before an email goes out.
     *
     * @throws AddressTaken when another open invitation for the address was stored first
     */
    public void flush() {
        try {
            em.flush();
        } catch (RuntimeException e) {
            throw AddressTaken.orRethrow(e);
        }
    }

    /**
     * Gives back the addresses of these invitations that expired while PENDING: their rows stay (the gate still
     * tells "expired" from "not invited"), but a new invitation or a resend may now hold the address.
     */
    public void releaseExpiredAddresses(String realmId, java.util.Collection<String> canonicalEmails, long now) {
        if (canonicalEmails.isEmpty()) {
            return;
        }
        em.createNamedQuery("invitation.releaseExpiredAddresses")
            .setParameter("realmId", realmId)
            .setParameter("emails", canonicalEmails)
            .setParameter("now", now)
            .executeUpdate();
    }

    /** The database refused a second open invitation for one address: another request stored its own first. */
    public static final class AddressTaken extends RuntimeException {

        private static final String CONSTRAINT = "UK_FLOWISE_INVITATION_OPEN";

        private AddressTaken(Throwable cause) {
            super("another open invitation for this address was stored first", cause);
        }

        static RuntimeException orRethrow(RuntimeException e) {
            return isCauseOf(e) ? new AddressTaken(e) : e;
        }

        /** Whether this failure (of a flush, an update or a commit, however wrapped) is the open-address constraint. */
        public static boolean isCauseOf(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof AddressTaken) {
                    return true;
                }
                if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("23")
                        && String.valueOf(sql.getMessage()).toUpperCase(java.util.Locale.ROOT).contains(CONSTRAINT)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Re-reads a row after a bulk update in this transaction (bulk updates bypass the persistence context). */
    public void refresh(InvitationEntity invitation) {
        em.refresh(invitation);
    }

    /** By primary key; a row of another realm is not found. */
    public Optional<InvitationEntity> find(String realmId, String id) {
        return Optional.ofNullable(em.find(InvitationEntity.class, id)).filter(i -> i.getRealmId().equals(realmId));
    }

    /** By primary key, in any realm: for the outbox workers, which serve every realm. */
    public Optional<InvitationEntity> find(String id) {
        return Optional.ofNullable(em.find(InvitationEntity.class, id));
    }

    /** PENDING invitations for an address, newest first; expired ones included, the caller decides. */
    public List<InvitationEntity> pendingFor(String realmId, String canonicalEmail) {
        return em.createNamedQuery("invitation.pendingByRealmAndEmail", InvitationEntity.class)
            .setParameter("realmId", realmId)
            .setParameter("email", canonicalEmail)
            .getResultList();
    }

    /** ACCEPTED invitations for an address: to resume an enrollment that stopped before the account was linked. */
    public List<InvitationEntity> acceptedFor(String realmId, String canonicalEmail) {
        return em.createNamedQuery("invitation.acceptedByRealmAndEmail", InvitationEntity.class)
            .setParameter("realmId", realmId)
            .setParameter("email", canonicalEmail)
            .getResultList();
    }

    /** PENDING invitations (expired ones included) for any of these addresses; one query for a bulk batch. */
    public List<InvitationEntity> pendingFor(String realmId, java.util.Collection<String> canonicalEmails) {
        if (canonicalEmails.isEmpty()) {
            return List.of();
        }
        return em.createNamedQuery("invitation.pendingByRealmAndEmails", InvitationEntity.class)
            .setParameter("realmId", realmId)
            .setParameter("emails", canonicalEmails)
            .getResultList();
    }

    /**
     * PostgreSQL: fresh planner statistics for the table (ANALYZE), which also makes PostgreSQL drop the plans it
     * cached for it. Other databases: nothing.
     */
    public void refreshStatistics() {
        if (database() == Database.POSTGRES) {
            em.createNativeQuery("ANALYZE " + InvitationEntity.TABLE).executeUpdate();
        }
    }

    public Optional<InvitationEntity> findByTokenHash(String tokenHash) {
        return em.createNamedQuery("invitation.byTokenHash", InvitationEntity.class)
            .setParameter("tokenHash", tokenHash)
            .getResultStream().findFirst();
    }

    /**
     * Moves a PENDING, unexpired invitation to ACCEPTED for the account {@code userId} (whose id the caller chose
     * and creates next, in the same transaction). A conditional update rather than read-then-write: of concurrent
     * completions exactly one sees {@code true}; the database row lock orders them.
     */
    public boolean claim(String id, String userId, long now) {
        return em.createNamedQuery("invitation.claim")
            .setParameter("id", id)
            .setParameter("userId", userId)
            .setParameter("now", now)
            .executeUpdate() == 1;
    }

    /** {@link #claim} through a link: only while the invitation still carries that link's token (see the query). */
    public boolean claimByToken(String id, String tokenHash, String userId, long now) {
        return em.createNamedQuery("invitation.claimByToken")
            .setParameter("id", id)
            .setParameter("tokenHash", tokenHash)
            .setParameter("userId", userId)
            .setParameter("now", now)
            .executeUpdate() == 1;
    }

    /**
     * Claims, in one statement that also returns it, the open, unexpired SSO invitation for this address and identity
     * provider, for the account {@code userId} (chosen by the caller, created next in the same transaction). Empty
     * when there is none, and on databases without an "update and return" statement that this store knows
     * (PostgreSQL and H2 have one): the caller then reads, decides and {@link #claim claims by id}. Like
     * {@link #claim}, of concurrent calls exactly one gets the row.
     */
    public Optional<InvitationEntity> claimOpen(String realmId, String canonicalEmail, String idpAlias, String objectId,
                                                String userId, long now) {
        String query = switch (database()) {
            case POSTGRES -> "invitation.claimOpen.postgres";
            case H2 -> "invitation.claimOpen.h2";
            case OTHER -> null;
        };
        if (query == null) {
            return Optional.empty();
        }
        @SuppressWarnings("unchecked")
        org.hibernate.query.Query<InvitationEntity> claim = em.createNamedQuery(query, InvitationEntity.class)
            .unwrap(org.hibernate.query.Query.class);
        return claim
            .setParameter("realmId", realmId)
            .setParameter("email", canonicalEmail)
            .setParameter("idp", idpAlias)
            .setParameter("oid", objectId, String.class)
            .setParameter("userId", userId)
            .setParameter("now", now)
            .getResultStream().findFirst()
            // A row this request had read before (a flow with "Invitation required" in front) comes back as the
            // managed entity, unchanged: bring it up to the claimed state rather than keep a stale PENDING copy.
            .map(invitation -> {
                if (invitation.getStatus() != InvitationStatus.ACCEPTED) {
                    em.refresh(invitation);
                }
                return invitation;
            });
    }

    private enum Database { POSTGRES, H2, OTHER }

    private Database database() {
        Dialect dialect = em.getEntityManagerFactory().unwrap(SessionFactoryImplementor.class).getJdbcServices().getDialect();
        if (dialect instanceof PostgreSQLDialect) {
            return Database.POSTGRES;
        }
        return dialect instanceof H2Dialect ? Database.H2 : Database.OTHER;
    }

    /** PENDING (also expired) to REVOKED; {@code false} when the row is not PENDING or not in this realm. */
    public boolean revoke(String realmId, String id) {
        return em.createNamedQuery("invitation.revoke")
            .setParameter("realmId", realmId)
            .setParameter("id", id)
            .executeUpdate() == 1;
    }

    /**
     * A new token hash and expiry for a PENDING invitation: the old token stops matching at once. With a {@code mail},
     * the invitation's email is queued anew (due now, no attempts yet); without, nothing is to be sent.
     */
    public boolean replaceToken(String realmId, String id, String tokenHash, long expiresAt, QueuedMail mail) {
        try {
            return nullable(em.createNamedQuery("invitation.replaceToken"))
                .setParameter("realmId", realmId)
                .setParameter("id", id)
                .setParameter("tokenHash", tokenHash)
                .setParameter("expiresAt", expiresAt)
                .setParameter("emailed", mail != null)
                .setParameter("delivery", (mail != null ? DeliveryStatus.QUEUED : DeliveryStatus.NONE).name())
                .setParameter("dueAt", mail != null ? mail.dueAt() : null, Long.class)
                .setParameter("baseUrl", mail != null ? mail.baseUrl() : null, String.class)
                .setParameter("inviterName", mail != null ? mail.inviterName() : null, String.class)
                .executeUpdate() == 1;
        } catch (RuntimeException e) {
            throw AddressTaken.orRethrow(e);
        }
    }

    /** What a queued invitation email needs beyond the invitation itself: when, on which base URL, from whom. */
    public record QueuedMail(long dueAt, String baseUrl, String inviterName) {
    }

    /** Ids of at most {@code max} queued mails due at {@code now}, soonest first, of any realm. */
    public List<String> dueForDelivery(long now, int max) {
        return em.createNamedQuery("invitation.dueForDelivery", String.class)
            .setParameter("now", now)
            .setMaxResults(max)
            .getResultList();
    }

    /**
     * Takes a due mail for sending until {@code leaseUntil}, replacing the stored token hash by {@code tokenHash} (of
     * the token the mail will carry). {@code false} when another worker took it first, or it may not go out any more.
     */
    public boolean claimForDelivery(String id, String tokenHash, long now, long leaseUntil) {
        return em.createNamedQuery("invitation.claimForDelivery")
            .setParameter("id", id)
            .setParameter("tokenHash", tokenHash)
            .setParameter("now", now)
            .setParameter("leaseUntil", leaseUntil)
            .executeUpdate() == 1;
    }

    /** The mail carrying {@code tokenHash}'s token was accepted by the mail server. */
    public boolean deliverySent(String id, String tokenHash, long now) {
        return em.createNamedQuery("invitation.deliverySent")
            .setParameter("id", id)
            .setParameter("tokenHash", tokenHash)
            .setParameter("now", now)
            .executeUpdate() == 1;
    }

    /** The send failed: try again at {@code retryAt}, or ({@code retryAt} null) give up. */
    public boolean deliveryFailed(String id, String tokenHash, Long retryAt, String error) {
        return nullable(em.createNamedQuery("invitation.deliveryFailed"))
            .setParameter("id", id)
            .setParameter("tokenHash", tokenHash)
            .setParameter("delivery", (retryAt != null ? DeliveryStatus.QUEUED : DeliveryStatus.FAILED).name())
            .setParameter("dueAt", retryAt, Long.class)
            .setParameter("error", error)
            .executeUpdate() == 1;
    }

    /** A native statement whose parameters may be null: those are bound with their type, which PostgreSQL needs. */
    @SuppressWarnings("unchecked")
    private static org.hibernate.query.Query<Object> nullable(jakarta.persistence.Query query) {
        return query.unwrap(org.hibernate.query.Query.class);
    }

    /** Settles a due mail whose invitation ended before it could go out (see the query). */
    public boolean deliveryAbandoned(String id, long now, String expiredError) {
        return em.createNamedQuery("invitation.deliveryAbandoned")
            .setParameter("id", id)
            .setParameter("now", now)
            .setParameter("expired", expiredError)
            .executeUpdate() == 1;
    }

    /**
     * Ids of at most {@code max} invitations, of any realm and state, that expired before {@code cutoff}, oldest
     * first. Retention deletes in such batches: each transaction stays short, and the ordered, limited read follows
     * the expiry index however much of the table has expired (one unbounded DELETE … WHERE expires_at &lt; ? let
     * PostgreSQL's generic plan fall back to a sequential scan, QueryPlanIT).
     */
    public List<String> expiredBefore(long cutoff, int max) {
        return em.createNamedQuery("invitation.expiredBefore", String.class)
            .setParameter("cutoff", cutoff)
            .setMaxResults(max)
            .getResultList();
    }

    /** The invitations provisioned for this Entra object in the realm, newest first. */
    public List<InvitationEntity> byEntraObject(String realmId, String objectId) {
        return em.createNamedQuery("invitation.byEntraObject", InvitationEntity.class)
            .setParameter("realmId", realmId)
            .setParameter("oid", objectId)
            .getResultList();
    }

    /**
     * REVOKED to PENDING with a new expiry and a new token hash (no earlier link works); {@code false} when the row
     * is not REVOKED.
     *
     * @throws AddressTaken when another open invitation holds the address now
     */
    public boolean reopen(String realmId, String id, long expiresAt) {
        try {
            return em.createNamedQuery("invitation.reopen")
                .setParameter("realmId", realmId)
                .setParameter("id", id)
                .setParameter("expiresAt", expiresAt)
                .setParameter("tokenHash", InvitationTokens.hash(InvitationTokens.newToken()))
                .executeUpdate() == 1;
        } catch (RuntimeException e) {
            throw AddressTaken.orRethrow(e);
        }
    }

    /** What a SCIM client may change on an invitation not yet accepted (see the query); {@code false} once accepted. */
    public record ScimFields(String email, String firstName, String lastName, String entraObjectId, String scimUserName) {
    }

    /** @throws AddressTaken when the new address is held by another open invitation */
    public boolean scimUpdate(String realmId, String id, ScimFields fields) {
        try {
            return nullable(em.createNamedQuery("invitation.scimUpdate"))
                .setParameter("realmId", realmId)
                .setParameter("id", id)
                .setParameter("email", fields.email())
                .setParameter("firstName", fields.firstName(), String.class)
                .setParameter("lastName", fields.lastName(), String.class)
                .setParameter("oid", fields.entraObjectId(), String.class)
                .setParameter("userName", fields.scimUserName(), String.class)
                .executeUpdate() == 1;
        } catch (RuntimeException e) {
            throw AddressTaken.orRethrow(e);
        }
    }

    /** Deletes every invitation of a realm (the realm is being removed). */
    public int deleteRealm(String realmId) {
        return em.createNamedQuery("invitation.deleteByRealm").setParameter("realmId", realmId).executeUpdate();
    }

    /** Deletes these invitations (by primary key); returns how many there were. */
    public int delete(java.util.Collection<String> ids) {
        if (ids.isEmpty()) {
            return 0;
        }
        return em.createNamedQuery("invitation.deleteByIds")
            .setParameter("ids", ids)
            .executeUpdate();
    }

    /**
     * Which invitations a listing wants. {@code status} is the effective one (EXPIRED is derived from the expiry);
     * {@code email} is matched exactly when {@code exactEmail}, else as a substring of the stored address.
     */
    public record Filter(InvitationStatus status, String email, boolean exactEmail) {
    }

    /**
     * Where a page starts: after the row with this creation time and id (the last row of the page before).
     * Keyset paging: a deep page costs what the first one does, where an offset would read and skip every row
     * before it.
     */
    public record Cursor(long createdAt, String id) {
    }

    /**
     * One page, newest first; the id breaks ties so that paging is stable. Served by the (realm, created) index, or
     * the (realm, status, created, expires) one with a status filter, read backwards from the cursor until the page
     * is full. {@code first} skips rows (offset paging, kept for API compatibility); prefer {@code after}.
     */
    public List<InvitationEntity> list(String realmId, Filter filter, long now, Cursor after, int first, int max) {
        // createdAt <= c bounds the index range; the OR only sorts out rows created in the same millisecond.
        String keyset = after == null ? ""
            : " AND i.createdAt <= :afterCreated AND (i.createdAt < :afterCreated OR i.id < :afterId)";
        TypedQuery<InvitationEntity> query = em.createQuery("SELECT i FROM InvitationEntity i" + where(filter) + keyset
            + " ORDER BY i.createdAt DESC, i.id DESC", InvitationEntity.class);
        bind(query, realmId, filter, now);
        if (after != null) {
            query.setParameter("afterCreated", after.createdAt()).setParameter("afterId", after.id());
        }
        return query.setFirstResult(first).setMaxResults(max).getResultList();
    }

    /**
     * {@code COUNT(*)}, not {@code COUNT(i)}: counting the id column makes PostgreSQL fetch every row from the table,
     * counting rows lets it answer from the (realm, …) indexes alone (index-only scan).
     */
    public long count(String realmId, Filter filter, long now) {
        TypedQuery<Long> query = em.createQuery("SELECT COUNT(*) FROM InvitationEntity i" + where(filter), Long.class);
        bind(query, realmId, filter, now);
        return query.getSingleResult();
    }

    /**
     * How many, but counting stops after {@code limit}: a count of a million rows reads a million index entries,
     * and a page needs "more than 10,000" no more precisely. Reads only the creation time, which every listing index
     * holds, so the database need not visit the table. Ordered as the listing is, so that the plan is the listing's
     * index walk (without an order, PostgreSQL's generic plan for an email search is a sequential scan).
     */
    public long countUpTo(String realmId, Filter filter, long now, int limit) {
        TypedQuery<Long> query = em.createQuery("SELECT i.createdAt FROM InvitationEntity i" + where(filter)
            + " ORDER BY i.createdAt DESC", Long.class);
        bind(query, realmId, filter, now);
        return query.setMaxResults(limit).getResultList().size();
    }

    private static String where(Filter filter) {
        StringBuilder where = new StringBuilder(" WHERE i.realmId = :realmId");
        if (filter.status() != null) {
            switch (filter.status()) {
                case PENDING -> where.append(" AND i.status = :status AND i.expiresAt > :now");
                case EXPIRED -> where.append(" AND i.status = :status AND i.expiresAt <= :now");
                default -> where.append(" AND i.status = :status");
            }
        }
        if (filter.email() != null) {
            where.append(filter.exactEmail() ? " AND i.email = :email" : " AND i.email LIKE :email ESCAPE '!'");
        }
        return where.toString();
    }

    private static void bind(TypedQuery<?> query, String realmId, Filter filter, long now) {
        query.setParameter("realmId", realmId);
        if (filter.status() != null) {
            boolean derived = filter.status() == InvitationStatus.PENDING || filter.status() == InvitationStatus.EXPIRED;
            query.setParameter("status", derived ? InvitationStatus.PENDING : filter.status());
            if (derived) {
                query.setParameter("now", now);
            }
        }
        if (filter.email() != null) {
            query.setParameter("email", filter.exactEmail() ? filter.email()
                : "%" + filter.email().replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
        }
    }
}
