package dev.guardrails.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.guardrails.core.Conflict;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.core.TransactionState;
import org.postgresql.ds.PGSimpleDataSource;
import org.postgresql.jdbc.AutoSave;
import org.postgresql.jdbc.PgConnection;

final class RepositoryPostgresTest extends RepositoryContract {

  @Override
  DataSource newDatabase() {
    return TestDatabases.newPostgresWithLibrary("repo");
  }

  @Override
  Dialect dialect() {
    return Dialect.postgresql();
  }

  @Test
  void insert_firstStatementOfTransaction_sendsSettingsRecordAndAuditAsOneStatement()
      throws Exception {
    List<String> prepared = new CopyOnWriteArrayList<>();
    DataSource recording = CountingDataSource.recording(dataSource, new AtomicInteger(), prepared);
    AuditedRepository<Note> repo =
        AuditedRepository.of(
            Database.builder(recording, dialect()).build(), NOTES, RowScope.tenant());

    Contexts.as("alice", "acme", () -> repo.insert(note("one trip")));

    assertThat(prepared).hasSize(1);
    assertThat(prepared.get(0))
        .startsWith("SELECT set_config(?, ?, true)")
        .contains("INSERT INTO notes")
        .contains("INSERT INTO guardrails_audit");
  }

  @Test
  void findById_sendsSettingsAndQueryAsOneStatement() throws Exception {
    Note stored = Contexts.as("alice", "acme", () -> notes.insert(note("x")));
    List<String> prepared = new CopyOnWriteArrayList<>();
    DataSource recording = CountingDataSource.recording(dataSource, new AtomicInteger(), prepared);
    AuditedRepository<Note> repo =
        AuditedRepository.of(
            Database.builder(recording, dialect()).build(), NOTES, RowScope.tenant());

    assertThat(Contexts.as("alice", "acme", () -> repo.findById(stored.id()))).isPresent();

    assertThat(prepared).hasSize(1);
    assertThat(prepared.get(0))
        .startsWith("SELECT set_config(?, ?, true)")
        .contains("FROM notes WHERE id = ?");
  }

  @Test
  void settings_areSentOncePerTransaction_withItsFirstStatement() throws Exception {
    List<String> prepared = new CopyOnWriteArrayList<>();
    DataSource recording = CountingDataSource.recording(dataSource, new AtomicInteger(), prepared);
    Database db = Database.builder(recording, dialect()).build();
    AuditedRepository<Note> repo = AuditedRepository.of(db, NOTES, RowScope.tenant());

    Contexts.as(
        "alice",
        "acme",
        () ->
            db.inTransaction(
                tx -> {
                  Note stored = repo.insert(tx, note("a"));
                  return repo.findById(tx, stored.id());
                }));

    assertThat(prepared).hasSize(2);
    assertThat(prepared.get(0)).startsWith("SELECT set_config(");
    assertThat(prepared.get(1)).doesNotContain("set_config").startsWith("SELECT id");
    assertThat(prepared).noneMatch(sql -> sql.contains("COMMIT"));
  }

  @Test
  void insertAndFind_inTheirOwnTransactions_carryTheCommitInTheSameStatement() throws Exception {
    List<String> prepared = new CopyOnWriteArrayList<>();
    DataSource recording = CountingDataSource.recording(dataSource, new AtomicInteger(), prepared);
    AuditedRepository<Note> repo =
        AuditedRepository.of(
            Database.builder(recording, dialect()).build(), NOTES, RowScope.tenant());

    Note stored = Contexts.as("alice", "acme", () -> repo.insert(note("one trip")));
    Contexts.as("alice", "acme", () -> repo.findById(stored.id()));
    Contexts.as("alice", "acme", () -> repo.list(PageRequest.first(5)));

    assertThat(prepared).hasSize(3);
    assertThat(prepared.get(0))
        .startsWith("SELECT set_config(?, ?, true)")
        .contains(";\nWITH w AS (INSERT INTO notes")
        .contains(") INSERT INTO guardrails_audit")
        .endsWith(";\nCOMMIT");
    assertThat(prepared.get(1)).contains("FROM notes WHERE id = ?").endsWith(";\nCOMMIT");
    assertThat(prepared.get(2)).contains("FROM notes WHERE").endsWith(";\nCOMMIT");
    assertThat(count("SELECT count(*) FROM guardrails_audit")).isEqualTo(1);
  }

  @Test
  void ridingCommit_pooledConnection_isLeftIdleWithoutSettings_evenAfterAFailedInsert()
      throws Exception {
    PGSimpleDataSource pg = (PGSimpleDataSource) dataSource;
    try (HikariDataSource pool =
        ConnectionPool.builder(pg.getURL())
            .credentials(pg.getUser(), "")
            .maximumPoolSize(1)
            .poolName("ride-test")
            .build()) {
      AuditedRepository<Note> repo =
          AuditedRepository.of(Database.builder(pool, dialect()).build(), NOTES, RowScope.tenant());
      Note stored = Contexts.as("alice", "acme", () -> repo.insert(note("a")));
      assertIdleWithoutSettings(pool);
      assertThat(Contexts.as("alice", "acme", () -> repo.findById(stored.id())))
          .map(Note::id)
          .contains(stored.id());
      assertIdleWithoutSettings(pool);

      assertThatThrownBy(() -> Contexts.as("alice", "acme", () -> repo.insert(stored)))
          .isInstanceOf(Conflict.class);
      assertIdleWithoutSettings(pool);

      assertThat(Contexts.as("bob", "other", () -> repo.findById(stored.id()))).isEmpty();
      assertIdleWithoutSettings(pool);
    }
    assertThat(count("SELECT count(*) FROM notes")).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM guardrails_audit")).isEqualTo(1);
  }

  @Test
  void ridingCommit_withTheDriversAutosaveAndSavepointCleanup_commitsOnceAndReportsSuccess()
      throws Exception {
    PGSimpleDataSource pg = (PGSimpleDataSource) dataSource;
    PGSimpleDataSource autosave = new PGSimpleDataSource();
    autosave.setURL(pg.getURL());
    autosave.setUser(pg.getUser());
    autosave.setAutosave(AutoSave.ALWAYS);
    autosave.setCleanupSavepoints(true);
    AuditedRepository<Note> repo =
        AuditedRepository.of(
            Database.builder(autosave, dialect()).build(), NOTES, RowScope.tenant());

    Note stored = Contexts.as("alice", "acme", () -> repo.insert(note("saved")));

    assertThat(Contexts.as("alice", "acme", () -> repo.findById(stored.id()))).isPresent();
    assertThat(count("SELECT count(*) FROM notes")).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM guardrails_audit")).isEqualTo(1);
  }

  private static void assertIdleWithoutSettings(HikariDataSource pool) throws SQLException {
    try (Connection connection = pool.getConnection()) {
      assertThat(connection.unwrap(PgConnection.class).getTransactionState())
          .isEqualTo(TransactionState.IDLE);
      try (PreparedStatement ps =
              connection.prepareStatement(
                  "SELECT current_setting('guardrails.tenant_id', true),"
                      + " current_setting('guardrails.actor_id', true),"
                      + " current_setting('statement_timeout')");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertThat(rs.getString(1)).isNullOrEmpty();
        assertThat(rs.getString(2)).isNullOrEmpty();
        assertThat(rs.getString(3)).isEqualTo("0");
      }
      connection.rollback();
    }
  }

  @Test
  void insert_skippedByATrigger_writesNoAuditRow() throws Exception {
    TestDatabases.execute(
        dataSource,
        "CREATE FUNCTION skip_note() RETURNS trigger LANGUAGE plpgsql AS"
            + " $$ BEGIN RETURN NULL; END; $$",
        "CREATE TRIGGER skip_note BEFORE INSERT ON notes FOR EACH ROW EXECUTE FUNCTION"
            + " skip_note()");

    assertThatThrownBy(() -> Contexts.as("alice", "acme", () -> notes.insert(note("skipped"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("must write exactly one row and one audit row");

    assertThat(count("SELECT count(*) FROM notes")).isZero();
    assertThat(count("SELECT count(*) FROM guardrails_audit")).isZero();
  }
}
