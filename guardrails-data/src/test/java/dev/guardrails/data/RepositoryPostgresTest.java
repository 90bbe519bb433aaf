package dev.guardrails.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

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
  }
}
