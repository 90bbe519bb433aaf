package dev.guardrails.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The pool against a PostgreSQL server that stops answering in the middle of a transaction. */
final class ConnectionPoolPostgresTest {

  @Test
  void defaults_onPostgresql_bindEveryReadToASocketTimeoutAboveTheStatementTimeout()
      throws Exception {
    // regression: without a socket timeout a read from a server that went away without a reset
    // (network partition, frozen host, failover) blocks its thread and pooled connection forever;
    // the statement timeout is enforced by that same server and cannot help
    PGSimpleDataSource ds = TestDatabases.newPostgres("pooltimeout");
    try (HikariDataSource pool =
            ConnectionPool.builder(
                    "jdbc:postgresql://localhost:"
                        + ds.getPortNumbers()[0]
                        + "/"
                        + ds.getDatabaseName())
                .credentials(ds.getUser(), "")
                .maximumPoolSize(1)
                .build();
        Connection c = pool.getConnection()) {
      assertThat(c.getNetworkTimeout()).isEqualTo(60_000);
    }
  }

  @Test
  void serverGoneSilentMidTransaction_failsWithinTheSocketTimeoutInsteadOfHanging()
      throws Exception {
    PGSimpleDataSource ds = TestDatabases.newPostgres("poolgone");
    try (BlackholeProxy proxy = new BlackholeProxy(ds.getServerNames()[0], ds.getPortNumbers()[0]);
        HikariDataSource pool =
            ConnectionPool.builder(
                    "jdbc:postgresql://localhost:" + proxy.port() + "/" + ds.getDatabaseName())
                .credentials(ds.getUser(), "")
                .maximumPoolSize(1)
                .socketTimeout(Duration.ofSeconds(2))
                .build()) {
      Database database = Database.builder(pool, Dialect.postgresql()).build();

      assertTimeoutPreemptively(
          Duration.ofSeconds(30),
          () ->
              assertThatThrownBy(
                      () ->
                          Contexts.as(
                              "alice",
                              "acme",
                              () ->
                                  database.inTransaction(
                                      tx -> {
                                        tx.queryOne("SELECT 1", rs -> rs.getInt(1));
                                        proxy.blackhole();
                                        return tx.queryOne("SELECT 2", rs -> rs.getInt(1));
                                      })))
                  .isInstanceOfSatisfying(
                      DataAccessException.class, e -> assertThat(e.sqlState()).startsWith("08")));
      proxy.close();
    }
  }

  @Test
  void socketTimeout_isCheckedAndForPostgresqlOnly() {
    assertThatThrownBy(
            () ->
                ConnectionPool.builder("jdbc:postgresql://db/app")
                    .socketTimeout(Duration.ofMillis(500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("socketTimeout must be at least PT1S, but was PT0.5S");
    assertThatThrownBy(
            () -> ConnectionPool.builder("jdbc:h2:mem:x").socketTimeout(Duration.ofSeconds(5)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("PostgreSQL");
  }
}
