package io.github.flowisesso.invitation;

import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Optional;
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

    public Optional<InvitationEntity> find(String realmId, String id) {
        return em.createNamedQuery("invitation.byRealmAndId", InvitationEntity.class)
            .setParameter("realmId", realmId)
            .setParameter("id", id)
            .getResultStream().findFirst();
    }

    /** PENDING invitations for an address, newest first; expired ones included, the caller decides. */
    public List<InvitationEntity> pendingFor(String realmId, String canonicalEmail) {
        return em.createNamedQuery("invitation.pendingByRealmAndEmail", InvitationEntity.class)
            .setParameter("realmId", realmId)
            .setParameter("email", canonicalEmail)
            .getResultList();
    }

    public Optional<InvitationEntity> findByTokenHash(String tokenHash) {
        return em.createNamedQuery("invitation.byTokenHash", InvitationEntity.class)
            .setParameter("tokenHash", tokenHash)
            .getResultStream().findFirst();
    }

    /**
     * Moves a PENDING, unexpired invitation to ACCEPTED. A conditional update rather than read-then-write:
     * of concurrent completions exactly one sees {@code true}; the database row lock orders them.
     */
    public boolean claim(String id, long now) {
        return em.createNamedQuery("invitation.claim")
            .setParameter("id", id)
            .setParameter("now", now)
            .executeUpdate() == 1;
    }

    public void recordAcceptedUser(String id, String userId) {
        em.createNamedQuery("invitation.recordAcceptedUser")
            .setParameter("id", id)
            .setParameter("userId", userId)
            .executeUpdate();
    }
}
