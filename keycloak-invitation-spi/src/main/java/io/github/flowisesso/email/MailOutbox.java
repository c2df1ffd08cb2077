package io.github.flowisesso.email;

import io.github.flowisesso.invitation.InvitationEntity;
import io.github.flowisesso.invitation.InvitationLinks;
import io.github.flowisesso.invitation.InvitationStore;
import io.github.flowisesso.invitation.InvitationTokens;
import io.github.flowisesso.invitation.Labels;
import io.github.flowisesso.invitation.LoginType;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.email.EmailException;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Sends queued invitation emails after the request that queued them has committed: a durable outbox in Keycloak's
 * database (the invitation row), worked by every node.
 *
 * <p>A worker takes a due mail with one conditional update (see {@code invitation.claimForDelivery}): a lease, so that
 * no other node takes it while it is being sent, and a fresh token, whose hash replaces the stored one, so that the
 * usable token exists only in this worker's memory and in the mail. Then it sends and records the outcome, only while
 * the row still carries that token. A failure is tried again by {@link RetrySchedule}; a node that dies mid-send
 * leaves its lease to run out, and any node sends the mail again (with a new link: the unsent one never worked).
 *
 * <p>Requests wake the worker of their node after commit; a periodic look catches retries and other nodes' leftovers.
 */
public final class MailOutbox {

    private static final Logger LOG = Logger.getLogger(MailOutbox.class);

    /** Mails one worker takes per transaction: short locks, and little to redo when a node dies. */
    static final int BATCH = 10;
    static final String EXPIRED = "The invitation expired before its email could be sent";

    private final KeycloakSessionFactory factory;
    private final OutboxConfig config;
    private final ScheduledExecutorService executor;
    private final AtomicInteger running = new AtomicInteger();
    /** Set by a wake-up; a worker that finds nothing to do looks once more if it is set, so no wake-up is lost. */
    private final AtomicBoolean more = new AtomicBoolean();
    private volatile boolean stopped;
    /** Bulk calls running on this node: its workers wait for them (see {@link #holdDuring}). */
    private final AtomicInteger holds = new AtomicInteger();

    public MailOutbox(KeycloakSessionFactory factory, OutboxConfig config) {
        this.factory = factory;
        this.config = config;
        this.executor = Executors.newScheduledThreadPool(config.senders(), runnable -> {
            Thread thread = new Thread(runnable, "flowise-invitation-mail");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts this node's periodic look for due mails (the first one at once); call once the database is migrated. */
    public void start() {
        executor.scheduleWithFixedDelay(this::wake, 0, config.pollSeconds(), TimeUnit.SECONDS);
    }

    /** Wakes this node's workers once {@code session}'s transaction has committed (nothing happens on rollback). */
    public void wakeAfterCommit(KeycloakSession session) {
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                wake();
            }

            @Override
            protected void rollbackImpl() {
            }
        });
    }

    /**
     * Runs a bulk call while this node's workers send nothing, then wakes them. Sending competes for the same cores as
     * the call, which made a 10,000-row call with emails nearly twice as slow as one without; the mails lose only the
     * seconds the call takes (other nodes go on sending meanwhile).
     */
    public <T> T holdDuring(java.util.function.Supplier<T> call) {
        holds.incrementAndGet();
        try {
            return call.get();
        } finally {
            holds.decrementAndGet();
            wake();
        }
    }

    /** Lets idle workers look for due mails now. */
    public void wake() {
        if (stopped || holds.get() > 0) {
            return;
        }
        more.set(true);
        int now = running.get();
        while (now < config.senders()) {
            if (running.compareAndSet(now, now + 1)) {
                try {
                    executor.execute(this::work);
                } catch (java.util.concurrent.RejectedExecutionException stopping) {
                    running.decrementAndGet(); // the node is stopping: the mail waits for the next start
                }
                return;
            }
            now = running.get();
        }
    }

    /** Stops taking mails; one being sent is finished. Unsent mails stay queued for the next start or another node. */
    public void stop() {
        stopped = true;
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private void work() {
        boolean failed = false;
        try {
            while (!stopped && holds.get() == 0) {
                more.set(false);
                List<Claimed> claimed = claim();
                if (claimed.isEmpty() && !more.get()) {
                    break;
                }
                if (claimed.size() == BATCH) {
                    wake(); // a full batch: likely more to do, so an idle sender joins in
                }
                for (Claimed mail : claimed) {
                    send(mail);
                }
            }
        } catch (RuntimeException e) {
            // The database or the session factory is away (shutting down, failing over): the periodic look retries.
            LOG.warnf("Invitation emails: the worker stopped early (%s); the next look goes on", e.toString());
            failed = true;
        } finally {
            running.decrementAndGet();
            if (!failed && more.get()) {
                wake(); // a wake-up that came while every worker was busy and this one was leaving
            }
        }
    }

    /** A mail this worker holds: the row, the token its link carries, and what the mail says. */
    private record Claimed(String id, String realmId, String tokenHash, int attempts, InvitationEmail.Content content) {
    }

    private List<Claimed> claim() {
        return KeycloakModelUtils.runJobInTransactionWithResult(factory, session -> {
            InvitationStore store = InvitationStore.of(session);
            long now = Time.currentTimeMillis();
            List<Claimed> claimed = new ArrayList<>();
            for (String id : store.dueForDelivery(now, BATCH)) {
                String token = InvitationTokens.newToken();
                String hash = InvitationTokens.hash(token);
                if (store.claimForDelivery(id, hash, now, now + TimeUnit.SECONDS.toMillis(config.leaseSeconds()))) {
                    InvitationEntity invitation = store.find(id).orElseThrow();
                    RealmModel realm = session.realms().getRealm(invitation.getRealmId());
                    if (realm == null) {
                        store.deliveryFailed(id, hash, null, "The realm no longer exists");
                        continue;
                    }
                    try {
                        claimed.add(claimed(session, realm, invitation, token, hash, now));
                    } catch (RuntimeException e) {
                        // One row that cannot become a mail must not hold up every other mail behind it.
                        store.deliveryFailed(id, hash, null, "The email could not be prepared: " + rootMessage(e));
                        LOG.errorf("Invitation email %s could not be prepared: %s", id, e.toString());
                    }
                } else if (store.deliveryAbandoned(id, now, EXPIRED)) {
                    LOG.debugf("Invitation %s ended before its email went out", id);
                }
            }
            return claimed;
        });
    }

    private static Claimed claimed(KeycloakSession session, RealmModel realm, InvitationEntity invitation, String token,
                                   String hash, long now) {
        String link = new InvitationLinks(URI.create(invitation.getMailBaseUrl())).accept(realm.getName(), token);
        InvitationEmail.Content content = new InvitationEmail.Content(invitation.getEmail(), invitation.getFirstName(),
            invitation.getLastName(), invitation.getLocale(), invitation.getLoginType() == LoginType.SSO,
            identityProviderName(session, realm, invitation.getIdentityProvider()), invitation.getInviterName(), link,
            invitation.getExpiresAt(), invitation.getExpiresAt() - now);
        return new Claimed(invitation.getId(), invitation.getRealmId(), hash, invitation.getDeliveryAttempts(), content);
    }

    private static String identityProviderName(KeycloakSession session, RealmModel realm, String alias) {
        if (alias == null) {
            return null;
        }
        session.getContext().setRealm(realm);
        IdentityProviderModel idp = session.identityProviders().getByAlias(alias);
        return idp == null ? alias : Labels.identityProvider(idp);
    }

    /** Sends one mail and records the outcome in the same transaction. */
    private void send(Claimed mail) {
        KeycloakModelUtils.runJobInTransaction(factory, session -> {
            long now;
            String error = null;
            RealmModel realm = session.realms().getRealm(mail.realmId());
            if (realm == null) {
                return; // the realm was deleted, and its invitations with it
            }
            session.getContext().setRealm(realm);
            try {
                InvitationEmail.send(session, realm, mail.content());
            } catch (EmailException | RuntimeException e) {
                error = rootMessage(e);
            }
            now = Time.currentTimeMillis();
            InvitationStore store = InvitationStore.of(session);
            if (error == null) {
                store.deliverySent(mail.id(), mail.tokenHash(), now);
                return;
            }
            Long retryAt = config.retries().nextAttemptAt(mail.attempts(), now);
            store.deliveryFailed(mail.id(), mail.tokenHash(), retryAt, error);
            if (retryAt == null) {
                LOG.errorf("Invitation email %s in realm %s failed %d times and is given up: %s", mail.id(),
                    realm.getName(), mail.attempts(), error);
            } else {
                LOG.warnf("Invitation email %s in realm %s failed (try %d), next try in %d s: %s", mail.id(),
                    realm.getName(), mail.attempts(), TimeUnit.MILLISECONDS.toSeconds(retryAt - now), error);
            }
        });
    }

    /** The innermost cause: the mail server's or the network's own words, cut to what the row keeps. */
    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage().strip();
        return message.length() <= 500 ? message : message.substring(0, 497) + "...";
    }
}
