package dev.guardrails.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

final class DatabaseTest {

  @Test
  void inTransaction_withoutContext_failsBeforeBorrowingAConnection() {
    AtomicInteger borrowed = new AtomicInteger();
    DataSource counting = CountingDataSource.counting(TestDatabases.newH2("noctx"), borrowed);
    Database database = Database.builder(counting, Dialect.h2()).build();

    assertThatThrownBy(() -> database.inTransaction(tx -> tx.update("SELECT 1")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("needs a GuardContext bound to the calling thread");
    assertThat(borrowed).hasValue(0);
  }

  @Test
  void inTransaction_h2_runsWorkAndCommits() throws Exception {
    DataSource h2 = TestDatabases.newH2("commit");
    TestDatabases.execute(h2, "CREATE TABLE t (id int PRIMARY KEY)");
    Database database = Database.builder(h2, Dialect.h2()).build();

    Contexts.as(
        "alice",
        "acme",
        () -> database.inTransaction(tx -> tx.update("INSERT INTO t VALUES (?)", 1)));
    long count =
        Contexts.as(
            "alice",
            "acme",
            () ->
                database.inTransaction(
                    tx ->
                        tx.queryOne("SELECT count(*) FROM t", rs -> rs.getLong(1)).orElseThrow()));

    assertThat(count).isEqualTo(1);
  }

  @Test
  void transaction_usedAfterItEnded_isRefused() throws Exception {
    Database database = Database.builder(TestDatabases.newH2("ended"), Dialect.h2()).build();
    Transaction escaped = Contexts.as("alice", "acme", () -> database.inTransaction(tx -> tx));

    assertThatThrownBy(() -> escaped.update("SELECT 1"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("has ended");
  }

  @Test
  void inTransaction_underAnotherContextInsideATransaction_isRefused() {
    Database database = Database.builder(TestDatabases.newH2("nested"), Dialect.h2()).build();

    assertThatThrownBy(
            () ->
                Contexts.as(
                    "alice",
                    "acme",
                    () ->
                        database.inTransaction(
                            tx -> {
                              try {
                                return Contexts.as(
                                    "mallory", "evil", () -> database.inTransaction(inner -> 1));
                              } catch (Exception e) {
                                throw new IllegalStateException(e.getMessage(), e);
                              }
                            })))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("must not join transaction");
  }

  @Test
  void builder_conflictingTimeoutOptions_areRefused() {
    Database.Builder builder =
        Database.builder(TestDatabases.newH2("b"), Dialect.h2())
            .statementTimeout(Duration.ofSeconds(1));

    assertThatThrownBy(builder::withoutStatementTimeout)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot be combined");
    assertThatThrownBy(
            () ->
                Database.builder(TestDatabases.newH2("c"), Dialect.h2())
                    .statementTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("statement timeout must be at least 1 ms, but was PT0S");
  }

  @Test
  void dialect_detect_recognisesH2AndRejectsNothingElseSilently() throws Exception {
    try (var connection = TestDatabases.newH2("d").getConnection()) {
      assertThat(Dialect.detect(connection)).isSameAs(Dialect.h2());
    }
    assertThat(Dialect.postgresql().transactionSettingsSql(2))
        .contains("SELECT set_config(?, ?, true), set_config(?, ?, true)");
    assertThat(Dialect.h2().transactionSettingsSql(2)).isEmpty();
    assertThatThrownBy(() -> Dialect.postgresql().transactionSettingsSql(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void connectionPool_rejectsUnsafeSettings() {
    assertThatThrownBy(() -> ConnectionPool.builder("postgres://x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must start with 'jdbc:'");
    assertThatThrownBy(() -> ConnectionPool.builder("jdbc:h2:mem:x").maximumPoolSize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maximumPoolSize must be between 1 and 1000, but was 0");
    assertThatThrownBy(
            () -> ConnectionPool.builder("jdbc:h2:mem:x").connectionTimeout(Duration.ofMillis(10)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void connectionPool_defaults_areProductionSafe() {
    try (var pool = ConnectionPool.builder("jdbc:h2:mem:pooldefaults;DB_CLOSE_DELAY=-1").build()) {
      assertThat(pool.getMaximumPoolSize()).isEqualTo(10);
      assertThat(pool.getConnectionTimeout()).isEqualTo(5_000);
      assertThat(pool.getLeakDetectionThreshold()).isEqualTo(30_000);
      assertThat(pool.getMaxLifetime()).isEqualTo(1_800_000);
      assertThat(pool.isAutoCommit()).isFalse();
    }
  }
}
