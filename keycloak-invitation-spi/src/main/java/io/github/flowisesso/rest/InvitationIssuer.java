package io.github.flowisesso.rest;

import io.github.flowisesso.email.InvitationEmail;
import io.github.flowisesso.email.MailOutbox;
import io.github.flowisesso.invitation.InvitationLinks;
import io.github.flowisesso.invitation.Enrollment;
import io.github.flowisesso.invitation.InvitationEntity;
import io.github.flowisesso.invitation.InvitationStatus;
import io.github.flowisesso.invitation.InvitationStore;
import io.github.flowisesso.invitation.InvitationTokens;
import io.github.flowisesso.invitation.NewInvitation;
import io.github.flowisesso.invitation.StringLists;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * Writes invitations and hands their token out exactly once: as the {@code link} of the answer when no email is
 * sent, else never (the outbox worker makes the emailed link's token when it sends). Only tokens' hashes are stored.
 */
final class InvitationIssuer {

    /** The written invitation; {@code link} is set only when it was not emailed. */
    record Issued(InvitationEntity invitation, String link) {
    }

    private final KeycloakSession session;
    private final RealmModel realm;
    private final InvitationStore store;
    private final Inviter inviter;
    private final InvitationLinks links;
    private final MailOutbox outbox;
    private boolean wakeEnlisted;
    /**
     * Pending, unexpired invitations this issuer knows of (email → id): those it created in its transaction (a bulk
     * batch writes its rows at commit, so a later row would not find an earlier one in the database) and those
     * {@link #preloadPending} read for a whole batch.
     */
    private final Map<String, String> knownPending = new HashMap<>();
    /** Addresses whose pending invitations are all in {@link #knownPending}: no query per row for them. */
    private final Set<String> preloaded = new HashSet<>();
    /**
     * A bulk batch writes its rows at commit, where a taken address fails the whole batch; a single request writes
     * its row at once, so that a simultaneous create for the same address gets a 409 of its own.
     */
    private boolean writesAtCommit;

    InvitationIssuer(KeycloakSession session, RealmModel realm, Inviter inviter, InvitationLinks links, MailOutbox outbox) {
        this.session = session;
        this.realm = realm;
        this.store = InvitationStore.of(session);
        this.inviter = inviter;
        this.links = links;
        this.outbox = outbox;
    }

    Issued create(ValidInvitation valid, boolean sendEmail) {
        long now = Time.currentTimeMillis();
        refuseIfPendingElsewhere(valid.email(), null, now);
        refuseIfUserExists(valid.email());
        String token = InvitationTokens.newToken();
        InvitationEntity invitation = NewInvitation.pending(realm.getId(), valid.email(), valid.loginType(), now,
            now + TimeUnit.HOURS.toMillis(valid.expiresInHours()), inviter.username());
        invitation.setIdentityProvider(valid.identityProvider());
        invitation.setRoles(StringLists.toJson(valid.roles()));
        invitation.setGroups(StringLists.toJson(valid.groups()));
        invitation.setFirstName(valid.firstName());
        invitation.setLastName(valid.lastName());
        invitation.setRedirectUri(valid.redirectUri());
        invitation.setLocale(valid.locale());
        if (sendEmail) {
            requireMailServer();
            // The token is made by the outbox worker when it sends.
            NewInvitation.queueEmail(invitation, queuedMail(now));
        } else {
            // The link in the answer carries this token.
            invitation.setTokenHash(InvitationTokens.hash(token));
        }
        store.add(invitation);
        if (!writesAtCommit) {
            flushOrConflict();
        }
        knownPending.put(invitation.getEmail(), invitation.getId());
        return issued(invitation, token, sendEmail);
    }

    /**
     * New token and expiry for a PENDING (possibly expired) invitation; the old token stops matching in the same
     * transaction. With {@code sendEmail} the new link goes out by the outbox, else it is in the answer.
     */
    Issued resend(String id, int expiresInHours, boolean sendEmail) {
        InvitationEntity invitation = store.find(realm.getId(), id).orElseThrow(InvitationError::notFound);
        long now = Time.currentTimeMillis();
        if (invitation.getStatus() != InvitationStatus.PENDING) {
            throw notPending(invitation);
        }
        refuseIfPendingElsewhere(invitation.getEmail(), invitation.getId(), now);
        refuseIfUserExists(invitation.getEmail());
        if (sendEmail) {
            requireMailServer();
        }
        String token = InvitationTokens.newToken();
        boolean replaced;
        try {
            replaced = store.replaceToken(realm.getId(), id, InvitationTokens.hash(token),
                now + TimeUnit.HOURS.toMillis(expiresInHours), sendEmail ? queuedMail(now) : null);
        } catch (InvitationStore.AddressTaken e) {
            throw addressTaken();
        }
        if (!replaced) {
            store.refresh(invitation);
            throw notPending(invitation); // accepted or revoked meanwhile
        }
        store.refresh(invitation);
        return issued(invitation, token, sendEmail);
    }

    private static InvitationError notPending(InvitationEntity invitation) {
        return InvitationError.conflict(InvitationError.NOT_PENDING, null, "The invitation is "
            + invitation.getStatus() + (invitation.getStatus() == InvitationStatus.REVOKED
            ? "; create a new invitation instead" : "; there is nothing to resend"));
    }

    /**
     * A bulk batch: one query for the pending invitations of all its addresses instead of one per row, and one
     * statement giving back the addresses of the expired ones.
     */
    void preloadPending(List<String> emails) {
        writesAtCommit = true;
        long now = Time.currentTimeMillis();
        Set<String> expired = new HashSet<>();
        for (InvitationEntity pending : store.pendingFor(realm.getId(), emails)) {
            if (pending.getExpiresAt() > now) {
                knownPending.putIfAbsent(pending.getEmail(), pending.getId());
            } else {
                expired.add(pending.getEmail());
            }
        }
        store.releaseExpiredAddresses(realm.getId(), expired, now);
        preloaded.addAll(emails);
    }

    private void refuseIfPendingElsewhere(String email, String exceptId, long now) {
        String pendingId = knownPending.get(email);
        if (pendingId == null && !preloaded.contains(email)) {
            List<InvitationEntity> pending = store.pendingFor(realm.getId(), email);
            pendingId = pending.stream()
                .filter(i -> i.getExpiresAt() > now && !i.getId().equals(exceptId))
                .map(InvitationEntity::getId)
                .findFirst().orElse(null);
            if (pendingId == null && pending.stream().anyMatch(i -> i.getExpiresAt() <= now)) {
                store.releaseExpiredAddresses(realm.getId(), List.of(email), now);
            }
        }
        if (pendingId != null && !pendingId.equals(exceptId)) {
            throw InvitationError.conflict(InvitationError.INVITATION_EXISTS, InvitationInput.EMAIL,
                "A pending invitation for this email exists (id " + pendingId + "): resend it instead");
        }
    }

    private void flushOrConflict() {
        try {
            store.flush();
        } catch (InvitationStore.AddressTaken e) {
            if (writesAtCommit) {
                // A bulk batch: the failed write has doomed the batch's transaction, so the whole batch goes round
                // again (BulkInvitations retries it once) rather than carry on row by row.
                throw e;
            }
            throw addressTaken();
        }
    }

    private static InvitationError addressTaken() {
        return InvitationError.conflict(InvitationError.INVITATION_EXISTS, InvitationInput.EMAIL,
            "Another request created a pending invitation for this email at the same moment: resend that one instead");
    }

    private void refuseIfUserExists(String email) {
        if (Enrollment.accountExists(session, realm, email)) {
            throw InvitationError.conflict(InvitationError.USER_EXISTS, InvitationInput.EMAIL,
                "A user with this email or username already exists in the realm");
        }
    }

    /** The answer: the link when nobody else will carry it, else (after commit) a wake-up for the outbox. */
    private Issued issued(InvitationEntity invitation, String token, boolean sendEmail) {
        if (!sendEmail) {
            return new Issued(invitation, links.accept(realm.getName(), token));
        }
        if (!wakeEnlisted) {
            outbox.wakeAfterCommit(session);
            wakeEnlisted = true;
        }
        return new Issued(invitation, null);
    }

    private InvitationStore.QueuedMail queuedMail(long now) {
        return new InvitationStore.QueuedMail(now, links.frontendBase().toString(), inviter.displayName());
    }

    /**
     * A realm without a mail server can never send: say so now, rather than queue a mail that fails ten times. (A
     * server that is configured but down is the outbox's business: the mail waits and goes out when it is back.)
     */
    private void requireMailServer() {
        if (!InvitationEmail.hasMailServer(realm)) {
            throw InvitationError.invalid(InvitationInput.SEND_EMAIL, "The realm has no email server (Realm settings,"
                + " Email): configure one, or use sendEmail=false to get the link");
        }
    }
}
