package io.github.flowisesso.testsupport;

import io.github.flowisesso.invitation.InvitationEntity;
import io.github.flowisesso.invitation.InvitationStatus;
import io.github.flowisesso.invitation.InvitationStore;
import io.github.flowisesso.invitation.LoginType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.NamedNativeQueries;
import jakarta.persistence.NamedNativeQuery;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;

/**
 * The SQL that the extension sends to PostgreSQL, as Hibernate ORM (the version inside the Keycloak distribution)
 * translates it: every method of {@link InvitationStore} is called once on a real PostgreSQL connection, in a
 * transaction that is rolled back, and each statement is recorded on its way to the driver. QueryPlanIT EXPLAINs
 * these; the lookup benchmark times them.
 *
 * <p>Keycloak builds its persistence unit with the same Hibernate version, dialect and mapping annotations, so the
 * statements are the ones the server issues (compared against {@code --log-level=org.hibernate.SQL:debug} output of
 * a running server when this class was written).
 */
public final class InvitationSql implements AutoCloseable {

    /** One statement the store issued for one of its operations. */
    public record Statement(String operation, String sql) {

        /** The statement with JDBC's {@code ?} placeholders numbered {@code $1..$n}, as PREPARE wants them. */
        public String numbered() {
            StringBuilder out = new StringBuilder();
            boolean quoted = false;
            int n = 0;
            for (char c : sql.toCharArray()) {
                if (c == '\'') {
                    quoted = !quoted;
                }
                if (c == '?' && !quoted) {
                    out.append('$').append(++n);
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }

        public int parameterCount() {
            return (int) numbered().chars().filter(c -> c == '$').count();
        }

        public boolean isInsert() {
            return sql.stripLeading().toLowerCase(java.util.Locale.ROOT).startsWith("insert");
        }
    }

    private final SessionFactory factory;
    private final List<String> captured = new CopyOnWriteArrayList<>();

    public InvitationSql(String jdbcUrl, String username, String password) {
        Configuration configuration = new Configuration().addAnnotatedClass(InvitationEntity.class);
        configuration.setProperty("hibernate.connection.url", jdbcUrl);
        configuration.setProperty("hibernate.connection.username", username == null ? "" : username);
        configuration.setProperty("hibernate.connection.password", password == null ? "" : password);
        configuration.setProperty("hibernate.connection.pool_size", "1");
        configuration.setProperty("hibernate.dialect", "org.hibernate.dialect.PostgreSQLDialect");
        configuration.setProperty("hibernate.hbm2ddl.auto", "none");
        configuration.setStatementInspector(sql -> {
            captured.add(sql);
            return sql;
        });
        factory = configuration.buildSessionFactory();
    }

    /**
     * The names of the named (JPQL and native) queries that {@link InvitationEntity} declares for PostgreSQL: all but
     * the flavours of a native statement written for another database (their name ends in its name, like ".h2").
     */
    public static List<String> namedQueries() {
        List<String> names = new ArrayList<>(Arrays.stream(InvitationEntity.class.getAnnotation(NamedQueries.class).value())
            .map(NamedQuery::name).toList());
        NamedNativeQueries natives = InvitationEntity.class.getAnnotation(NamedNativeQueries.class);
        if (natives != null) {
            Arrays.stream(natives.value()).map(NamedNativeQuery::name).filter(name -> !name.endsWith(".h2")).forEach(names::add);
        }
        return names;
    }

    /**
     * Every statement of every store operation, keyed by an operation label that starts with the named query it
     * runs (for the named ones) or describes the dynamic query (listings and counts).
     */
    public List<Statement> everyStatement() {
        String realm = UUID.randomUUID().toString();
        String id = UUID.randomUUID().toString();
        long now = System.currentTimeMillis();
        Map<String, Consumer<InvitationStore>> operations = new LinkedHashMap<>();
        operations.put("find by id (em.find)", s -> s.find(realm, id));
        operations.put("invitation.pendingByRealmAndEmail", s -> s.pendingFor(realm, "someone@example.com"));
        operations.put("invitation.pendingByRealmAndEmails (bulk batch)",
            s -> s.pendingFor(realm, List.of("a@example.com", "b@example.com", "c@example.com")));
        operations.put("invitation.acceptedByRealmAndEmail", s -> s.acceptedFor(realm, "someone@example.com"));
        operations.put("invitation.byTokenHash", s -> s.findByTokenHash("0".repeat(64)));
        operations.put("invitation.claim", s -> s.claim(id, UUID.randomUUID().toString(), now));
        operations.put("invitation.claimByToken", s -> s.claimByToken(id, "2".repeat(64), UUID.randomUUID().toString(), now));
        operations.put("invitation.claimOpen.postgres",
            s -> s.claimOpen(realm, "someone@example.com", "entra", "oid", UUID.randomUUID().toString(), now));
        operations.put("invitation.revoke", s -> s.revoke(realm, id));
        operations.put("invitation.replaceToken", s -> s.replaceToken(realm, id, "1".repeat(64), now,
            new InvitationStore.QueuedMail(now, "https://sso.example.com/", "An Admin")));
        operations.put("invitation.dueForDelivery (outbox workers)", s -> s.dueForDelivery(now, 10));
        operations.put("invitation.claimForDelivery", s -> s.claimForDelivery(id, "3".repeat(64), now, now + 300_000));
        operations.put("invitation.deliverySent", s -> s.deliverySent(id, "3".repeat(64), now));
        operations.put("invitation.deliveryFailed", s -> s.deliveryFailed(id, "3".repeat(64), now + 30_000, "refused"));
        operations.put("invitation.deliveryAbandoned", s -> s.deliveryAbandoned(id, now, "expired"));
        operations.put("invitation.deleteByRealm (realm removed)", s -> s.deleteRealm(realm));
        operations.put("invitation.byEntraObject (SCIM externalId filter)", s -> s.byEntraObject(realm, "oid"));
        operations.put("invitation.reopen (SCIM re-assignment)", s -> s.reopen(realm, id, now));
        operations.put("invitation.scimUpdate", s -> s.scimUpdate(realm, id,
            new InvitationStore.ScimFields("someone@example.com", "Ada", null, "oid", "ada@example.com")));
        operations.put("invitation.releaseExpiredAddresses", s -> s.releaseExpiredAddresses(realm, List.of("someone@example.com"), now));
        operations.put("invitation.expiredBefore (retention batch)", s -> s.expiredBefore(now, 1000));
        operations.put("invitation.deleteByIds (retention batch)",
            s -> s.delete(java.util.stream.IntStream.range(0, 1000).mapToObj(i -> UUID.randomUUID().toString()).toList()));
        Map<String, InvitationStore.Filter> filters = new LinkedHashMap<>();
        filters.put("no filter", new InvitationStore.Filter(null, null, false));
        filters.put("status PENDING", new InvitationStore.Filter(InvitationStatus.PENDING, null, false));
        filters.put("status EXPIRED", new InvitationStore.Filter(InvitationStatus.EXPIRED, null, false));
        filters.put("status ACCEPTED", new InvitationStore.Filter(InvitationStatus.ACCEPTED, null, false));
        filters.put("exact email", new InvitationStore.Filter(null, "someone@example.com", true));
        filters.put("email substring", new InvitationStore.Filter(null, "someone", false));
        filters.put("status PENDING + exact email", new InvitationStore.Filter(InvitationStatus.PENDING, "someone@example.com", true));
        filters.put("status PENDING + email substring", new InvitationStore.Filter(InvitationStatus.PENDING, "someone", false));
        filters.forEach((name, filter) -> {
            operations.put("list newest first, " + name, s -> s.list(realm, filter, now, null, 0, 100));
            operations.put("list newest first after a cursor, " + name,
                s -> s.list(realm, filter, now, new InvitationStore.Cursor(now, id), 0, 100));
            operations.put("count, " + name, s -> s.count(realm, filter, now));
            operations.put("count up to 1,000, " + name, s -> s.countUpTo(realm, filter, now, 1_001));
        });
        operations.put("list newest first, no filter, second page", s -> s.list(realm, filters.get("no filter"), now, null, 100, 100));
        operations.put("list newest first, email substring, second page", s -> s.list(realm, filters.get("email substring"), now, null, 100, 100));
        operations.put("add + refresh (persist, em.refresh)", s -> {
            InvitationEntity invitation = sample(realm, now);
            s.add(invitation);
            s.flush();
            s.refresh(invitation);
        });

        List<Statement> statements = new ArrayList<>();
        operations.forEach((operation, action) -> {
            captured.clear();
            try (Session session = factory.openSession()) {
                session.beginTransaction();
                try {
                    action.accept(store(session));
                } finally {
                    session.getTransaction().rollback();
                }
            }
            if (captured.isEmpty()) {
                throw new IllegalStateException(operation + " issued no SQL");
            }
            captured.forEach(sql -> statements.add(new Statement(operation, sql)));
        });
        return statements;
    }

    /** The statement of one named query (the first one its operation issued). */
    public Statement of(String operation) {
        return everyStatement().stream().filter(s -> s.operation().equals(operation)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no operation " + operation));
    }

    private static InvitationEntity sample(String realm, long now) {
        InvitationEntity invitation = new InvitationEntity();
        invitation.setId(UUID.randomUUID().toString());
        invitation.setRealmId(realm);
        invitation.setEmail("someone@example.com");
        invitation.setLoginType(LoginType.SSO);
        invitation.setIdentityProvider("entra");
        invitation.setStatus(InvitationStatus.PENDING);
        invitation.setTokenHash(UUID.randomUUID().toString().replace("-", "") + UUID.randomUUID().toString().replace("-", ""));
        invitation.setCreatedAt(now);
        invitation.setExpiresAt(now + 3_600_000L);
        return invitation;
    }

    private static InvitationStore store(EntityManager em) {
        try {
            Constructor<InvitationStore> constructor = InvitationStore.class.getDeclaredConstructor(EntityManager.class);
            constructor.setAccessible(true);
            return constructor.newInstance(em);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("InvitationStore(EntityManager) is gone; adapt InvitationSql", e);
        }
    }

    @Override
    public void close() {
        factory.close();
    }
}
