package io.github.flowisesso.invitation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.flowisesso.testsupport.InvitationSql;
import io.github.flowisesso.testsupport.InvitationSql.Statement;
import io.github.flowisesso.testsupport.KeycloakExtension;
import io.github.flowisesso.testsupport.TestEnvironment;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every statement the extension sends to PostgreSQL is served by an index: with {@value #ROWS} invitations in
 * {@value #REALMS} realms, the generic plan of each statement has no sequential scan on FLOWISE_INVITATION. Generic
 * plans, because Keycloak's JDBC driver switches to server-side prepared statements after a few executions and
 * PostgreSQL then plans without knowing the parameter values (its estimate for {@code realm_id = $1} is then one
 * realm's share of the table).
 *
 * <p>Why several realms: a point lookup (by email, token hash or id) must be an index scan however the rows are
 * spread, and it is checked here. A per-realm listing or count must cost in proportion to that realm, not to the
 * whole table, which is what several realms in one table show. When one realm holds every row, counting all of
 * its invitations reads all rows whatever the plan, and PostgreSQL rightly prefers a sequential scan for that.
 *
 * <p>The statements are the ones Hibernate generates for {@link InvitationStore} (see {@link InvitationSql}); the
 * table and its indexes are the ones the extension's Liquibase changelog created in the running server. A statement
 * that scans the table is fixed in the design (an index in a new changeset, or another query), not here.
 *
 * <p>PostgreSQL only: {@code -Dit.db=postgres}. On H2 it is skipped.
 */
@ExtendWith(KeycloakExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryPlanIT {

    static final int ROWS = 50_000;
    static final int REALMS = 10;

    /** Realms of their own: no other IT sees these rows. */
    private final List<String> realmIds = Stream.generate(() -> UUID.randomUUID().toString()).limit(REALMS).toList();
    private Connection db;
    private List<Statement> statements;

    @BeforeAll
    void seed(TestEnvironment env) throws SQLException, java.io.IOException {
        assumeTrue("postgres".equals(System.getProperty("it.db")), "EXPLAIN checks need PostgreSQL (-Dit.db=postgres)");
        env.keycloak(); // the server has run the extension's changelog
        String url = System.getProperty("it.db.url");
        db = DriverManager.getConnection(url, System.getProperty("it.db.username"), System.getProperty("it.db.password"));
        seedRows(db, realmIds, ROWS);
        java.nio.file.Files.deleteIfExists(plansFile());
        try (InvitationSql sql = new InvitationSql(url, System.getProperty("it.db.username"), System.getProperty("it.db.password"))) {
            statements = sql.everyStatement();
        }
    }

    /**
     * Invitations one every ~10 minutes, the realms' rows interleaved as concurrent tenants write them: 70 %
     * accepted, 15 % pending (a third of them expired), 10 % revoked, 5 % for password login; emails spread over 50
     * domains; a unique token hash each. Then VACUUM ANALYZE, as autovacuum leaves a table in steady state.
     */
    static void seedRows(Connection db, List<String> realmIds, int rows) throws SQLException {
        try (PreparedStatement insert = db.prepareStatement("""
            INSERT INTO flowise_invitation (id, realm_id, email, login_type, idp_alias, roles, groups_json, status,
                token_hash, created_at, expires_at, accepted_at, created_by, accepted_user_id)
            SELECT gen_random_uuid()::text, (?::text[])[1 + abs(hashint4(n)) % ?], 'user' || n || '@domain' || (n % 50) || '.example',
                   CASE WHEN n % 20 = 0 THEN 'PASSWORD' ELSE 'SSO' END,
                   CASE WHEN n % 20 = 0 THEN NULL ELSE 'entra' END,
                   '["member"]', '[]',
                   CASE WHEN n % 20 < 14 THEN 'ACCEPTED' WHEN n % 20 < 17 THEN 'PENDING' ELSE 'REVOKED' END,
                   encode(sha256((?::text || n)::bytea), 'hex'),
                   ? + n * 600000::bigint,
                   ? + n * 600000::bigint + CASE WHEN n % 20 = 15 THEN -3600000 ELSE 7 * 86400000::bigint END,
                   CASE WHEN n % 20 < 14 THEN ? + n * 600000::bigint + 3600000 END,
                   'admin',
                   CASE WHEN n % 20 < 14 THEN gen_random_uuid()::text END
            FROM generate_series(0, ? - 1) AS n
            """)) {
            long start = System.currentTimeMillis() - rows * 600_000L;
            insert.setArray(1, db.createArrayOf("text", realmIds.toArray()));
            insert.setInt(2, realmIds.size());
            insert.setString(3, UUID.randomUUID().toString());
            insert.setLong(4, start);
            insert.setLong(5, start);
            insert.setLong(6, start);
            insert.setInt(7, rows);
            insert.executeUpdate();
        }
        try (java.sql.Statement vacuum = db.createStatement()) {
            vacuum.execute("VACUUM ANALYZE flowise_invitation");
        }
    }

    @AfterAll
    void removeRows() throws SQLException {
        if (db != null) {
            try (PreparedStatement delete = db.prepareStatement("DELETE FROM flowise_invitation WHERE realm_id = ANY (?)")) {
                delete.setArray(1, db.createArrayOf("text", realmIds.toArray()));
                delete.executeUpdate();
            }
            db.close();
        }
    }

    @Test
    void everyNamedQueryIsChecked() {
        List<String> checked = statements.stream().map(Statement::operation).toList();
        for (String named : InvitationSql.namedQueries()) {
            assertThat(checked).as("statements checked").anyMatch(operation -> operation.startsWith(named));
        }
    }

    @TestFactory
    Stream<DynamicTest> noStatementScansTheTable() {
        return statements.stream().filter(s -> !s.isInsert()).map(statement -> DynamicTest.dynamicTest(
            statement.operation() + ": " + abbreviated(statement.sql()), () -> {
                String plan = genericPlan(db, statement);
                record(statement, plan);
                assertThat(plan).as("generic plan of %s%n%s%n%s", statement.operation(), statement.sql(), plan)
                    .doesNotContainIgnoringCase("Seq Scan on flowise_invitation");
            }));
    }

    /**
     * A statement that names a realm reads that realm's rows only: an index condition on realm_id, or one row by
     * primary key, or (the only exception) the rows not yet expired, which are at most one maximum validity
     * (30 days) of invitations whatever the table holds.
     */
    @TestFactory
    Stream<DynamicTest> realmStatementsReadOnlyThatRealm() {
        return statements.stream().filter(s -> s.sql().matches("(?s).*REALM_ID\\s*=\\s*\\?.*")).map(statement -> DynamicTest.dynamicTest(
            statement.operation() + ": " + abbreviated(statement.sql()), () -> {
                String plan = genericPlan(db, statement);
                assertThat(plan).as("generic plan of %s%n%s%n%s", statement.operation(), statement.sql(), plan)
                    .containsPattern("(Index|Recheck) Cond: \\(+(realm_id|id\\)::text = |expires_at > )");
            }));
    }

    /** Every plan also lands in target/query-plans.txt, for whoever wants to read them. */
    private static synchronized void record(Statement statement, String plan) throws java.io.IOException {
        java.nio.file.Files.writeString(plansFile(), "-- " + statement.operation() + "\n" + statement.sql() + "\n" + plan + "\n\n",
            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    private static String abbreviated(String sql) {
        return sql.length() <= 200 ? sql : sql.substring(0, 200) + "…";
    }

    private static java.nio.file.Path plansFile() {
        return java.nio.file.Path.of(System.getProperty("keycloak.dist.dir")).getParent().resolve("query-plans.txt");
    }

    /** {@code EXPLAIN} of the plan PostgreSQL uses for the prepared statement whatever the parameter values. */
    static String genericPlan(Connection db, Statement statement) throws SQLException {
        try (java.sql.Statement sql = db.createStatement()) {
            sql.execute("SET plan_cache_mode = force_generic_plan");
            sql.execute("PREPARE plan_check AS " + statement.numbered());
            try {
                String nulls = Stream.generate(() -> "NULL").limit(statement.parameterCount()).collect(Collectors.joining(", "));
                List<String> lines = new ArrayList<>();
                try (ResultSet plan = sql.executeQuery("EXPLAIN EXECUTE plan_check" + (nulls.isEmpty() ? "" : "(" + nulls + ")"))) {
                    while (plan.next()) {
                        lines.add(plan.getString(1));
                    }
                }
                return String.join("\n", lines);
            } finally {
                sql.execute("DEALLOCATE plan_check");
                sql.execute("RESET plan_cache_mode");
            }
        }
    }
}
