package dev.guardrails.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.guardrails.core.AccessDenied;
import dev.guardrails.core.Conflict;
import dev.guardrails.core.NotFound;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The repository behaviour every dialect must show; subclasses supply the database. */
abstract class RepositoryContract {

  /** The record under test. */
  record Note(UUID id, String ownerId, String title, String ssn, long version) {
    Note withTitle(String newTitle) {
      return new Note(id, ownerId, newTitle, ssn, version);
    }

    Note withOwner(String owner) {
      return new Note(id, owner, title, ssn, version);
    }
  }

  static final String NOTES_DDL =
      "CREATE TABLE notes (id uuid PRIMARY KEY, tenant_id varchar(256) NOT NULL,"
          + " owner_id varchar(256) NOT NULL, title varchar(200) NOT NULL, ssn varchar(20),"
          + " version bigint NOT NULL, deleted_at timestamp with time zone)";

  static final TableMapping<Note> NOTES =
      TableMapping.forRecord(Note.class, "notes")
          .resourceType("note")
          .ownerColumn("owner_id")
          .versionColumn("version")
          .softDeleteColumn("deleted_at")
          .sensitive("ssn")
          .build();

  private static final ObjectMapper JSON = new ObjectMapper();

  final MutableClock clock = new MutableClock(Contexts.T0);
  DataSource dataSource;
  Database database;
  AuditedRepository<Note> notes;

  /** A new database with the library's migrations applied. */
  abstract DataSource newDatabase();

  abstract Dialect dialect();

  @BeforeEach
  void setUp() {
    dataSource = newDatabase();
    TestDatabases.execute(dataSource, NOTES_DDL, "CREATE INDEX notes_tenant ON notes (tenant_id)");
    database = Database.builder(dataSource, dialect()).clock(clock).build();
    notes = AuditedRepository.of(database, NOTES, RowScope.tenant());
  }

  static Note note(String title) {
    return new Note(UUID.randomUUID(), null, title, "123-45-6789", 0);
  }

  @Test
  void insert_underContext_writesRecordAndAuditRowWithMaskedSensitiveField() throws Exception {
    Note stored = Contexts.as("alice", "acme", () -> notes.insert(note("hello")));

    assertThat(stored.version()).isEqualTo(1);
    List<Map<String, Object>> audit = auditRows(stored.id());
    assertThat(audit).hasSize(1);
    Map<String, Object> row = audit.get(0);
    assertThat(row)
        .containsEntry("table_name", "notes")
        .containsEntry("record_id", stored.id().toString())
        .containsEntry("action", "INSERT")
        .containsEntry("actor_id", "alice")
        .containsEntry("actor_kind", "PERSON")
        .containsEntry("tenant_id", "acme")
        .containsEntry("correlation_id", "corr-alice")
        .containsEntry("occurred_at", Contexts.T0.toString());
    assertThat((String) row.get("transaction_id")).hasSize(32);
    assertThat(row.get("before_values")).isNull();
    JsonNode after = JSON.readTree((String) row.get("after_values"));
    assertThat(after.get("title").asText()).isEqualTo("hello");
    assertThat(after.get("ssn").asText()).isEqualTo(TableMapping.MASK);
    assertThat(after.get("tenant_id").asText()).isEqualTo("acme");
    assertThat(after.get("owner_id").asText()).isEqualTo("alice");
    assertThat(row.get("after_values").toString()).doesNotContain("123-45-6789");
  }

  @Test
  void auditedWrites_publishAuditWrittenEventsOnlyAfterCommit() throws Exception {
    dev.guardrails.core.InMemoryEventSink events = new dev.guardrails.core.InMemoryEventSink();
    Database observed = Database.builder(dataSource, dialect()).eventSink(events).build();
    AuditedRepository<Note> repo = AuditedRepository.of(observed, NOTES, RowScope.tenant());

    Note stored = Contexts.as("alice", "acme", () -> repo.insert(note("seen")));
    assertThatThrownBy(
            () ->
                Contexts.as(
                    "alice",
                    "acme",
                    () ->
                        observed.inTransaction(
                            tx -> {
                              repo.insert(tx, note("rolled back"));
                              throw new IllegalStateException("abort");
                            })))
        .hasMessage("abort");

    assertThat(events.events(dev.guardrails.core.AuditWrittenEvent.class))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.recordId()).isEqualTo(stored.id().toString());
              assertThat(e.action()).isEqualTo("INSERT");
              assertThat(e.context().correlationId()).contains("corr-alice");
            });
  }

  /** A plain class, mapped with a reader and getters. */
  static final class Invoice {
    final UUID id;
    final long amount;
    final long version;

    Invoice(UUID id, long amount, long version) {
      this.id = id;
      this.amount = amount;
      this.version = version;
    }
  }

  @Test
  void classMapping_insertFindUpdateAndStaleVersion() throws Exception {
    TestDatabases.execute(
        dataSource,
        "CREATE TABLE invoices (id uuid PRIMARY KEY, tenant_id varchar(256) NOT NULL,"
            + " amount bigint NOT NULL, version bigint NOT NULL)");
    TableMapping<Invoice> mapping =
        TableMapping.forClass(
                Invoice.class,
                "invoices",
                rs ->
                    new Invoice(
                        rs.getObject("id", UUID.class),
                        rs.getLong("amount"),
                        rs.getLong("version")))
            .column("id", i -> i.id)
            .column("amount", i -> i.amount)
            .column("version", i -> i.version)
            .versionColumn("version", (i, v) -> new Invoice(i.id, i.amount, v))
            .build();
    AuditedRepository<Invoice> invoices =
        AuditedRepository.of(database, mapping, RowScope.tenant());
    Invoice stored =
        Contexts.as("alice", "acme", () -> invoices.insert(new Invoice(UUID.randomUUID(), 100, 0)));

    Invoice updated =
        Contexts.as(
            "alice", "acme", () -> invoices.update(new Invoice(stored.id, 250, stored.version)));

    assertThat(stored.version).isEqualTo(1);
    assertThat(updated.version).isEqualTo(2);
    assertThat(
            Contexts.as("alice", "acme", () -> invoices.findById(stored.id)).orElseThrow().amount)
        .isEqualTo(250);
    assertThat(Contexts.as("mallory", "evil", () -> invoices.findById(stored.id))).isEmpty();
    assertThatThrownBy(
            () -> Contexts.as("alice", "acme", () -> invoices.update(new Invoice(stored.id, 1, 1))))
        .isInstanceOf(Conflict.class);
    assertThat(count("SELECT count(*) FROM guardrails_audit WHERE table_name = 'invoices'"))
        .isEqualTo(2);
  }

  @Test
  void mappingBuilder_misuse_isRefusedWithAMessage() {
    assertThatThrownBy(() -> TableMapping.forRecord(Note.class, "notes; DROP TABLE x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("table must be a lower-case SQL identifier");
    assertThatThrownBy(() -> TableMapping.forRecord(Note.class, "notes").column("x", n -> 1))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(
            () -> TableMapping.forRecord(Note.class, "notes").versionColumn("title").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be a long or int component");
    assertThatThrownBy(() -> TableMapping.forRecord(Note.class, "notes").sensitive("nope").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sensitive column 'nope' must be mapped");
    assertThatThrownBy(() -> TableMapping.forRecord(Note.class, "notes").ownerColumn("id").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot play two roles");
    assertThatThrownBy(
            () ->
                TableMapping.forClass(Invoice.class, "invoices", rs -> null)
                    .column("amount", i -> i.amount)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("id column 'id' must be mapped");
  }

  @Test
  void insert_withoutContext_failsBeforeTouchingTheDatabase() {
    AtomicInteger borrowed = new AtomicInteger();
    DataSource counting = CountingDataSource.counting(dataSource, borrowed);
    AuditedRepository<Note> repo =
        AuditedRepository.of(
            Database.builder(counting, dialect()).build(), NOTES, RowScope.tenant());

    assertThatThrownBy(() -> repo.insert(note("x")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("GuardContext");
    assertThat(borrowed).hasValue(0);
  }

  @Test
  void findById_recordOfAnotherTenant_readsAsNotFound() throws Exception {
    Note stored = Contexts.as("alice", "acme", () -> notes.insert(note("secret")));

    Optional<Note> other = Contexts.as("mallory", "evil", () -> notes.findById(stored.id()));
    Optional<Note> own = Contexts.as("bob", "acme", () -> notes.findById(stored.id()));

    assertThat(other).isEmpty();
    assertThat(own).contains(stored.withOwner("alice"));
    assertThatThrownBy(
            () ->
                Contexts.as(
                    "mallory",
                    "evil",
                    () -> database.inTransaction(tx -> notes.getById(tx, stored.id()))))
        .isInstanceOf(NotFound.class);
  }

  @Test
  void updateAndDelete_recordOfAnotherTenant_areRefusedAsNotFoundAndWriteNothing()
      throws Exception {
    Note stored = Contexts.as("alice", "acme", () -> notes.insert(note("mine")));

    assertThatThrownBy(
            () -> Contexts.as("mallory", "evil", () -> notes.update(stored.withTitle("pwned"))))
        .isInstanceOf(NotFound.class);
    assertThatThrownBy(() -> Contexts.run("mallory", "evil", () -> notes.delete(stored.id())))
        .isInstanceOf(NotFound.class);

    assertThat(
            Contexts.as("alice", "acme", () -> notes.findById(stored.id())).orElseThrow().title())
        .isEqualTo("mine");
    assertThat(auditRows(stored.id())).hasSize(1);
  }

  @Test
  void update_currentVersion_bumpsVersionAndAuditsBeforeAndAfter() throws Exception {
    Note stored = Contexts.as("alice", "acme", () -> notes.insert(note("v1")));
    clock.advance(Duration.ofMinutes(1));

    Note updated = Contexts.as("alice", "acme", () -> notes.update(stored.withTitle("v2")));

    assertThat(updated.version()).isEqualTo(2);
    assertThat(Contexts.as("alice", "acme", () -> notes.findById(stored.id())).orElseThrow())
        .isEqualTo(updated.withOwner("alice"));
    Map<String, Object> audit = auditRows(stored.id()).get(1);
    assertThat(audit).containsEntry("action", "UPDATE");
    assertThat(audit)
        .containsEntry("occurred_at", Contexts.T0.plus(Duration.ofMinutes(1)).toString());
    assertThat(JSON.readTree((String) audit.get("before_values")).get("title").asText())
        .isEqualTo("v1");
    assertThat(JSON.readTree((String) audit.get("after_values")).get("title").asText())
        .isEqualTo("v2");
    assertThat(JSON.readTree((String) audit.get("after_values")).get("version").asLong())
        .isEqualTo(2);
  }

  @Test
  void update_staleVersion_failsWithConflictNamingBothVersionsAndOverwritesNothing()
      throws Exception {
    Note stored = Contexts.as("alice", "acme", () -> notes.insert(note("original")));
    Contexts.as("bob", "acme", () -> notes.update(stored.withTitle("bob's")));

    assertThatThrownBy(
            () -> Contexts.as("alice", "acme", () -> notes.update(stored.withTitle("alice's"))))
        .isInstanceOfSatisfying(
            Conflict.class,
            conflict -> {
              assertThat(conflict.reason()).isEqualTo(Conflict.Reason.STALE_VERSION);
              assertThat(conflict.publicMessage()).contains("version 1").contains("version is 2");
            });

    assertThat(
            Contexts.as("alice", "acme", () -> notes.findById(stored.id())).orElseThrow().title())
        .isEqualTo("bob's");
    assertThat(auditRows(stored.id())).hasSize(2);
  }

  @Test
  void delete_softDeleteMapping_keepsRowHidesItAndAuditsSoftDelete() throws Exception {
    Note stored = Contexts.as("alice", "acme", () -> notes.insert(note("temp")));

    Contexts.run("alice", "acme", () -> notes.delete(stored.id()));

    assertThat(Contexts.as("alice", "acme", () -> notes.findById(stored.id()))).isEmpty();
    assertThat(count("SELECT count(*) FROM notes WHERE deleted_at IS NOT NULL")).isEqualTo(1);
    Map<String, Object> audit = auditRows(stored.id()).get(1);
    assertThat(audit).containsEntry("action", "SOFT_DELETE");
    assertThat(JSON.readTree((String) audit.get("after_values")).get("deleted_at").asText())
        .isEqualTo(Contexts.T0.toString());
    assertThatThrownBy(() -> Contexts.run("alice", "acme", () -> notes.delete(stored.id())))
        .isInstanceOf(NotFound.class);
  }

  @Test
  void delete_hardDeleteMapping_removesRowAndAuditsBefore() throws Exception {
    TableMapping<Note> hard =
        TableMapping.forRecord(Note.class, "notes")
            .ownerColumn("owner_id")
            .versionColumn("version")
            .build();
    AuditedRepository<Note> repo = AuditedRepository.of(database, hard, RowScope.tenant());
    Note stored = Contexts.as("alice", "acme", () -> repo.insert(note("gone")));

    Contexts.run("alice", "acme", () -> repo.delete(stored.id()));

    assertThat(count("SELECT count(*) FROM notes")).isZero();
    Map<String, Object> audit = auditRows(stored.id()).get(1);
    assertThat(audit).containsEntry("action", "DELETE");
    assertThat(audit.get("after_values")).isNull();
    assertThat(JSON.readTree((String) audit.get("before_values")).get("title").asText())
        .isEqualTo("gone");
    assertThat(audit.get("before_values").toString()).contains("123-45-6789");
  }

  @Test
  void ownerScope_otherActorOfSameTenant_seesNothingAndCannotWrite() throws Exception {
    AuditedRepository<Note> owned = AuditedRepository.of(database, NOTES, RowScope.owner());
    Note alices = Contexts.as("alice", "acme", () -> owned.insert(note("alice only")));

    assertThat(Contexts.as("bob", "acme", () -> owned.findById(alices.id()))).isEmpty();
    assertThat(Contexts.as("bob", "acme", () -> owned.list(PageRequest.first(10))).items())
        .isEmpty();
    assertThatThrownBy(() -> Contexts.as("bob", "acme", () -> owned.update(alices.withTitle("x"))))
        .isInstanceOf(NotFound.class);
    assertThatThrownBy(
            () ->
                Contexts.as(
                    "bob",
                    "acme",
                    () -> owned.insert(new Note(UUID.randomUUID(), "alice", "forged", null, 0))))
        .isInstanceOf(AccessDenied.class);
    assertThat(Contexts.as("alice", "acme", () -> owned.findById(alices.id()))).isPresent();
  }

  @Test
  @SuppressWarnings("try")
  void scopeFromAPolicy_adminSeesTenantOthersOwnRows() throws Exception {
    RowScope policy =
        (actor, table) ->
            actor.hasRole("admin") ? RowScope.Visibility.TENANT : RowScope.Visibility.OWNED;
    AuditedRepository<Note> repo = AuditedRepository.of(database, NOTES, policy);
    Note alices = Contexts.as("alice", "acme", () -> repo.insert(note("a")));
    dev.guardrails.core.GuardContext admin =
        dev.guardrails.core.GuardContext.of(
            dev.guardrails.core.Actor.person("root", "acme", "admin"), "corr-root", Contexts.T0);

    Optional<Note> seenByAdmin;
    try (dev.guardrails.core.GuardContext.Scope ignored = admin.open()) {
      seenByAdmin = repo.findById(alices.id());
    }

    assertThat(seenByAdmin).isPresent();
    try (dev.guardrails.core.GuardContext.Scope ignored = admin.open()) {
      repo.update(seenByAdmin.get().withTitle("edited by admin").withOwner(null));
    }
    Map<String, Object> audit = auditRows(alices.id()).get(1);
    assertThat(audit).containsEntry("actor_id", "root");
    assertThat(JSON.readTree((String) audit.get("after_values")).get("owner_id").asText())
        .isEqualTo("alice");
    assertThat(Contexts.as("bob", "acme", () -> repo.findById(alices.id()))).isEmpty();
  }

  @Test
  void noneScope_readsNothingAndRefusesWrites() throws Exception {
    Note stored = Contexts.as("alice", "acme", () -> notes.insert(note("x")));
    AuditedRepository<Note> closed =
        AuditedRepository.of(database, NOTES, (actor, table) -> RowScope.Visibility.NONE);

    assertThat(Contexts.as("alice", "acme", () -> closed.findById(stored.id()))).isEmpty();
    assertThat(Contexts.as("alice", "acme", () -> closed.list(PageRequest.first(5))).items())
        .isEmpty();
    assertThatThrownBy(() -> Contexts.as("alice", "acme", () -> closed.insert(note("y"))))
        .isInstanceOf(AccessDenied.class);
    assertThatThrownBy(() -> Contexts.run("alice", "acme", () -> closed.delete(stored.id())))
        .isInstanceOf(AccessDenied.class);
  }

  @Test
  void list_pagesInSortOrderWithinTenantOnly() throws Exception {
    for (String title : List.of("delta", "alpha", "echo", "charlie", "bravo")) {
      Contexts.as("alice", "acme", () -> notes.insert(note(title)));
    }
    Contexts.as("mallory", "evil", () -> notes.insert(note("aaa-other-tenant")));

    Page<Note> first =
        Contexts.as("alice", "acme", () -> notes.list(PageRequest.first(2).sortedBy("title")));
    Page<Note> second = Contexts.as("alice", "acme", () -> notes.list(first.request().next()));
    Page<Note> third = Contexts.as("alice", "acme", () -> notes.list(second.request().next()));
    Page<Note> descending =
        Contexts.as(
            "alice", "acme", () -> notes.list(PageRequest.first(1).sortedDescendingBy("title")));

    assertThat(first.items()).extracting(Note::title).containsExactly("alpha", "bravo");
    assertThat(first.hasMore()).isTrue();
    assertThat(second.items()).extracting(Note::title).containsExactly("charlie", "delta");
    assertThat(third.items()).extracting(Note::title).containsExactly("echo");
    assertThat(third.hasMore()).isFalse();
    assertThat(descending.items()).extracting(Note::title).containsExactly("echo");
  }

  @Test
  void list_unmappedOrInjectedSortColumn_isRefused() {
    assertThatThrownBy(
            () ->
                Contexts.as(
                    "alice",
                    "acme",
                    () -> notes.list(PageRequest.first(2).sortedBy("title; DROP TABLE notes"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sort column must be one of");
    assertThatThrownBy(() -> PageRequest.first(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PageRequest.first(PageRequest.MAX_LIMIT + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void transaction_workThrows_neitherRecordNorAuditRowRemains() throws Exception {
    UUID id = UUID.randomUUID();

    assertThatThrownBy(
            () ->
                Contexts.as(
                    "alice",
                    "acme",
                    () ->
                        database.inTransaction(
                            tx -> {
                              notes.insert(tx, new Note(id, null, "doomed", null, 0));
                              throw new IllegalStateException("boom");
                            })))
        .hasMessage("boom");

    assertThat(count("SELECT count(*) FROM notes")).isZero();
    assertThat(count("SELECT count(*) FROM guardrails_audit")).isZero();
  }

  @Test
  void insert_duplicateId_failsWithDuplicateConflict() throws Exception {
    Note stored = Contexts.as("alice", "acme", () -> notes.insert(note("one")));

    assertThatThrownBy(() -> Contexts.as("alice", "acme", () -> notes.insert(stored)))
        .isInstanceOfSatisfying(
            Conflict.class, c -> assertThat(c.reason()).isEqualTo(Conflict.Reason.DUPLICATE));
    assertThat(count("SELECT count(*) FROM guardrails_audit")).isEqualTo(1);
  }

  @Test
  void bulkDeleteAndUpdate_writeOneAuditRowPerRecord() throws Exception {
    List<Note> stored = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int n = i;
      stored.add(Contexts.as("alice", "acme", () -> notes.insert(note("n" + n))));
    }

    Contexts.as(
        "alice",
        "acme",
        () ->
            database.inTransaction(
                tx -> notes.updateAll(tx, stored.stream().map(n -> n.withTitle("u")).toList())));
    Contexts.as(
        "alice",
        "acme",
        () ->
            database.inTransaction(
                tx -> {
                  notes.deleteAll(tx, stored.stream().map(Note::id).toList());
                  return true;
                }));

    assertThat(count("SELECT count(*) FROM guardrails_audit WHERE action = 'UPDATE'")).isEqualTo(3);
    assertThat(count("SELECT count(*) FROM guardrails_audit WHERE action = 'SOFT_DELETE'"))
        .isEqualTo(3);
  }

  @Test
  void nestedTransaction_joinsTheOpenOne() throws Exception {
    String[] ids =
        Contexts.as(
            "alice",
            "acme",
            () ->
                database.inTransaction(
                    outer -> {
                      Note a = notes.insert(note("a"));
                      Note b = notes.insert(outer, note("b"));
                      return new String[] {
                        outer.transactionId(), a.id().toString(), b.id().toString()
                      };
                    }));

    List<Map<String, Object>> audit = new ArrayList<>(auditRows(UUID.fromString(ids[1])));
    audit.addAll(auditRows(UUID.fromString(ids[2])));
    assertThat(audit).extracting(r -> r.get("transaction_id")).containsOnly(ids[0]);
  }

  @Test
  void convenienceCalls_insideAnOpenTransaction_neverCommitIt() throws Exception {
    assertThatThrownBy(
            () ->
                Contexts.as(
                    "alice",
                    "acme",
                    () ->
                        database.inTransaction(
                            tx -> {
                              Note a = notes.insert(note("a"));
                              assertThat(notes.findById(a.id())).isPresent();
                              assertThat(notes.list(PageRequest.first(10)).items()).hasSize(1);
                              notes.insert(tx, note("b"));
                              assertThat(notes.findById(tx, a.id())).isPresent();
                              throw new IllegalStateException("boom");
                            })))
        .hasMessage("boom");

    assertThat(count("SELECT count(*) FROM notes")).isZero();
    assertThat(count("SELECT count(*) FROM guardrails_audit")).isZero();
  }

  @Test
  void convenienceCalls_inTheirOwnTransactions_commitRecordAndAuditTogether() throws Exception {
    Note a = Contexts.as("alice", "acme", () -> notes.insert(note("a")));
    Note b = Contexts.as("alice", "acme", () -> notes.insert(note("b")));

    assertThat(Contexts.as("alice", "acme", () -> notes.findById(a.id())))
        .map(Note::title)
        .contains("a");
    assertThat(Contexts.as("alice", "acme", () -> notes.list(PageRequest.first(10)).items()))
        .extracting(Note::id)
        .containsExactlyInAnyOrder(a.id(), b.id());
    assertThat(Contexts.as("bob", "other", () -> notes.findById(a.id()))).isEmpty();
    assertThat(count("SELECT count(*) FROM notes")).isEqualTo(2);
    assertThat(count("SELECT count(*) FROM guardrails_audit WHERE action = 'INSERT'")).isEqualTo(2);
  }

  // ---- helpers ----

  List<Map<String, Object>> auditRows(UUID recordId) throws SQLException {
    List<Map<String, Object>> rows = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT * FROM guardrails_audit WHERE record_id = ? ORDER BY seq")) {
      ps.setString(1, recordId.toString());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Map<String, Object> row = new java.util.HashMap<>();
          for (String column :
              List.of(
                  "table_name",
                  "record_id",
                  "action",
                  "actor_id",
                  "actor_kind",
                  "tenant_id",
                  "correlation_id",
                  "transaction_id",
                  "before_values",
                  "after_values")) {
            row.put(column, rs.getString(column));
          }
          row.put(
              "occurred_at",
              rs.getObject("occurred_at", java.time.OffsetDateTime.class).toInstant().toString());
          rows.add(row);
        }
      }
    }
    return rows;
  }

  long count(String sql) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
