package dev.guardrails.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

final class DatabasePostgresTest {

  private HikariDataSource pool;
  private Database database;

  @BeforeEach
  void setUp() {
    PGSimpleDataSource ds = TestDatabases.newPostgres("tx");
    pool =
        ConnectionPool.builder(ds.getURL())
            .credentials(ds.getUser(), "")
            .maximumPoolSize(1)
            .poolName("tx-test")
            .build();
    database = Database.builder(pool, Dialect.postgresql()).build();
  }

  @AfterEach
  void tearDown() {
    pool.close();
  }

  @Test
  void firstStatement_seesTheContextsSettings() throws Exception {
    String[] settings =
        Contexts.as(
            "alice",
            "acme",
            () ->
                database.inTransaction(
                    tx ->
                        tx.queryOne(
                                "SELECT current_setting('guardrails.tenant_id'),"
                                    + " current_setting('guardrails.actor_id'),"
                                    + " current_setting('guardrails.actor_kind'),"
                                    + " current_setting('guardrails.correlation_id'),"
                                    + " current_setting('statement_timeout')",
                                rs ->
                                    new String[] {
                                      rs.getString(1),
                                      rs.getString(2),
                                      rs.getString(3),
                                      rs.getString(4),
                                      rs.getString(5)
                                    })
                            .orElseThrow()));

    assertThat(settings).containsExactly("acme", "alice", "PERSON", "corr-alice", "30s");
  }

  @Test
  void settings_afterCommitOrRollback_doNotLeakToTheNextBorrowerOfThePooledConnection()
      throws Exception {
    int pidInTransaction =
        Contexts.as(
            "alice",
            "acme",
            () ->
                database.inTransaction(
                    tx ->
                        tx.queryOne("SELECT pg_backend_pid()", rs -> rs.getInt(1)).orElseThrow()));
    assertThatThrownBy(
            () ->
                Contexts.as(
                    "bob",
                    "other",
                    () ->
                        database.inTransaction(
                            tx -> {
                              tx.query("SELECT 1", rs -> 1);
                              throw new IllegalStateException("roll back");
                            })))
        .hasMessage("roll back");

    try (Connection connection = pool.getConnection();
        PreparedStatement ps =
            connection.prepareStatement(
                "SELECT pg_backend_pid(), current_setting('guardrails.tenant_id', true),"
                    + " current_setting('statement_timeout')");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(pidInTransaction);
      assertThat(rs.getString(2)).isNullOrEmpty();
      assertThat(rs.getString(3)).isEqualTo("0");
      connection.rollback();
    }
  }

  @Test
  void statementTimeout_longQuery_isCancelledAndRolledBack() {
    Database strict =
        Database.builder(pool, Dialect.postgresql())
            .statementTimeout(Duration.ofMillis(100))
            .build();

    assertThatThrownBy(
            () ->
                Contexts.as(
                    "alice",
                    "acme",
                    () -> strict.inTransaction(tx -> tx.query("SELECT pg_sleep(5)", rs -> 1))))
        .isInstanceOfSatisfying(
            DataAccessException.class, e -> assertThat(e.sqlState()).isEqualTo("57014"));
  }

  @Test
  void withoutStatementTimeout_setsNone() throws Exception {
    Database loose = Database.builder(pool, Dialect.postgresql()).withoutStatementTimeout().build();

    String timeout =
        Contexts.as(
            "alice",
            "acme",
            () ->
                loose.inTransaction(
                    tx ->
                        tx.queryOne(
                                "SELECT current_setting('statement_timeout')",
                                rs -> rs.getString(1))
                            .orElseThrow()));

    assertThat(timeout).isEqualTo("0");
  }

  @Test
  void sqlError_isWrappedOnceWithItsSqlState() {
    assertThatThrownBy(
            () ->
                Contexts.as(
                    "alice",
                    "acme",
                    () -> database.inTransaction(tx -> tx.update("SELECT * FROM missing"))))
        .isInstanceOfSatisfying(
            DataAccessException.class,
            e -> {
              assertThat(e.sqlState()).isEqualTo("42P01");
              assertThat(e.getCause()).isInstanceOf(SQLException.class);
            });
  }
}
