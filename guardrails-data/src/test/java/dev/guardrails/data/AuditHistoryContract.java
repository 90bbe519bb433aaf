package dev.guardrails.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.guardrails.core.Actor;
import dev.guardrails.core.ActorKind;
import dev.guardrails.core.GuardContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reading the audit log on every dialect; subclasses supply the database. */
abstract class AuditHistoryContract {

  private static final ObjectMapper JSON = new ObjectMapper();

  final MutableClock clock = new MutableClock(Contexts.T0);
  DataSource dataSource;
  Database database;
  AuditedRepository<RepositoryContract.Note> notes;
  AuditHistory audit;

  /** A new database with the library's migrations applied. */
  abstract DataSource newDatabase();

  abstract Dialect dialect();

  @BeforeEach
  void setUp() {
    dataSource = newDatabase();
    TestDatabases.execute(dataSource, RepositoryContract.NOTES_DDL);
    database = Database.builder(dataSource, dialect()).clock(clock).build();
    notes = AuditedRepository.of(database, RepositoryContract.NOTES, RowScope.tenant());
    audit = AuditHistory.of(database);
  }

  private RepositoryContract.Note insert(String actor, String tenant, String title)
      throws Exception {
    return Contexts.as(actor, tenant, () -> notes.insert(RepositoryContract.note(title)));
  }

  private RepositoryContract.Note update(
      String actor, String tenant, RepositoryContract.Note note, String title) throws Exception {
    return Contexts.as(actor, tenant, () -> notes.update(note.withTitle(title)));
  }

  private Page<AuditEntry> history(String actor, String tenant, Object id, PageRequest page)
      throws Exception {
    return Contexts.as(actor, tenant, () -> audit.history("notes", id.toString(), page));
  }

  @Test
  void history_insertUpdateDelete_oldestFirstWithEveryField() throws Exception {
    RepositoryContract.Note note = insert("alice", "acme", "draft");
    clock.advance(Duration.ofMinutes(5));
    RepositoryContract.Note updated = update("bob", "acme", note, "final");
    clock.advance(Duration.ofMinutes(5));
    GuardContext job =
        GuardContext.of(Actor.job("cleanup", "acme"), "job-run-1", Contexts.T0.plusSeconds(600));
    try (GuardContext.Scope scope = job.open()) {
      notes.delete(updated.id());
    }

    Page<AuditEntry> page =
        Contexts.as("carol", "acme", () -> audit.history("notes", note.id().toString()));

    assertThat(page.hasMore()).isFalse();
    assertThat(page.request()).isEqualTo(PageRequest.first(AuditHistory.DEFAULT_LIMIT));
    List<AuditEntry> entries = page.items();
    assertThat(entries).hasSize(3);
    assertThat(entries)
        .extracting(AuditEntry::action)
        .containsExactly(AuditAction.INSERT, AuditAction.UPDATE, AuditAction.SOFT_DELETE);
    assertThat(entries).extracting(AuditEntry::seq).isSorted().doesNotHaveDuplicates();
    assertThat(entries).extracting(AuditEntry::actorId).containsExactly("alice", "bob", "cleanup");
    assertThat(entries)
        .extracting(AuditEntry::actorKind)
        .containsExactly(ActorKind.PERSON, ActorKind.PERSON, ActorKind.JOB);
    assertThat(entries)
        .extracting(AuditEntry::correlationId)
        .containsExactly("corr-alice", "corr-bob", "job-run-1");
    assertThat(entries)
        .extracting(AuditEntry::occurredAt)
        .containsExactly(Contexts.T0, Contexts.T0.plusSeconds(300), Contexts.T0.plusSeconds(600));
    assertThat(entries).allSatisfy(e -> assertThat(e.tenantId()).isEqualTo("acme"));
    assertThat(entries).allSatisfy(e -> assertThat(e.table()).isEqualTo("notes"));
    assertThat(entries).allSatisfy(e -> assertThat(e.recordId()).isEqualTo(note.id().toString()));
    assertThat(entries)
        .extracting(AuditEntry::transactionId)
        .allSatisfy(id -> assertThat(id).hasSize(32))
        .doesNotHaveDuplicates();

    AuditEntry inserted = entries.get(0);
    assertThat(inserted.beforeJson()).isNull();
    JsonNode after = JSON.readTree(inserted.afterJson());
    assertThat(after.get("title").asText()).isEqualTo("draft");
    assertThat(after.get("ssn").asText()).isEqualTo(TableMapping.MASK);
    assertThat(inserted.afterJson()).doesNotContain("123-45-6789");
    AuditEntry changed = entries.get(1);
    assertThat(JSON.readTree(changed.beforeJson()).get("title").asText()).isEqualTo("draft");
    assertThat(JSON.readTree(changed.afterJson()).get("title").asText()).isEqualTo("final");
  }

  @Test
  void history_recordOfAnotherTenant_emptyLikeARecordWithoutHistory() throws Exception {
    RepositoryContract.Note acmeNote = insert("alice", "acme", "secret plan");

    Page<AuditEntry> otherTenant = history("mallory", "evil", acmeNote.id(), PageRequest.first(10));
    Page<AuditEntry> unknown =
        history("alice", "acme", java.util.UUID.randomUUID(), PageRequest.first(10));

    assertThat(otherTenant.items()).isEmpty();
    assertThat(otherTenant.hasMore()).isFalse();
    assertThat(otherTenant).isEqualTo(unknown);
    assertThat(history("alice", "acme", acmeNote.id(), PageRequest.first(10)).items()).hasSize(1);
  }

  @Test
  void history_noContextBound_failsWithCoreMessageBeforeTouchingTheDatabase() {
    AtomicInteger borrowed = new AtomicInteger();
    AuditHistory counted =
        AuditHistory.of(
            Database.builder(CountingDataSource.counting(dataSource, borrowed), dialect()).build());

    assertThatThrownBy(() -> counted.history("notes", "n-1"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no GuardContext is bound to thread")
        .hasMessageContaining("GuardContext.start(actor, clock).open()");
    assertThatThrownBy(() -> counted.changes(PageRequest.first(10)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no GuardContext is bound");
    assertThat(borrowed).hasValue(0);
  }

  @Test
  void history_hotRecord_readInBoundedPages() throws Exception {
    RepositoryContract.Note note = insert("alice", "acme", "v0");
    for (int i = 1; i <= 4; i++) {
      note = update("alice", "acme", note, "v" + i);
    }

    Page<AuditEntry> first = history("alice", "acme", note.id(), PageRequest.first(2));
    Page<AuditEntry> second = history("alice", "acme", note.id(), first.request().next());
    Page<AuditEntry> third = history("alice", "acme", note.id(), second.request().next());

    assertThat(first.items()).hasSize(2);
    assertThat(first.hasMore()).isTrue();
    assertThat(second.items()).hasSize(2);
    assertThat(second.hasMore()).isTrue();
    assertThat(third.items()).hasSize(1);
    assertThat(third.hasMore()).isFalse();
    assertThat(first.items().get(0).action()).isEqualTo(AuditAction.INSERT);
    assertThat(first.items().get(1).seq()).isLessThan(second.items().get(0).seq());
    assertThat(JSON.readTree(third.items().get(0).afterJson()).get("title").asText())
        .isEqualTo("v4");

    Page<AuditEntry> newest =
        history(
            "alice",
            "acme",
            note.id(),
            PageRequest.first(1).sortedDescendingBy(AuditHistory.SORT_COLUMN));
    assertThat(newest.items()).containsExactlyElementsOf(third.items());
    assertThat(newest.hasMore()).isTrue();
  }

  @Test
  void changes_newestFirst_onlyTheCurrentTenant() throws Exception {
    insert("alice", "acme", "a1");
    insert("mallory", "evil", "e1");
    RepositoryContract.Note a2 = insert("alice", "acme", "a2");

    Page<AuditEntry> latest =
        Contexts.as(
            "alice", "acme", () -> audit.changes(PageRequest.first(10).sortedDescendingBy("seq")));

    assertThat(latest.items()).hasSize(2);
    assertThat(latest.items().get(0).recordId()).isEqualTo(a2.id().toString());
    assertThat(latest.items()).allSatisfy(e -> assertThat(e.tenantId()).isEqualTo("acme"));
  }

  @Test
  void history_insideOpenTransaction_seesItsOwnChanges() throws Exception {
    RepositoryContract.Note note = RepositoryContract.note("pending");
    List<AuditEntry> seen =
        Contexts.as(
            "alice",
            "acme",
            () ->
                database.inTransaction(
                    tx -> {
                      notes.insert(tx, note);
                      return audit.history("notes", note.id().toString()).items();
                    }));
    assertThat(seen).singleElement().satisfies(e -> assertThat(e.transactionId()).hasSize(32));
  }

  @Test
  void history_badArguments_rejectedWithTheArgumentNamed() throws Exception {
    Contexts.run(
        "alice",
        "acme",
        () -> {
          assertThatThrownBy(() -> audit.history(" ", "n-1"))
              .isInstanceOf(IllegalArgumentException.class)
              .hasMessage("table must not be blank, but was ' '");
          assertThatThrownBy(() -> audit.history("notes", ""))
              .isInstanceOf(IllegalArgumentException.class)
              .hasMessage("recordId must not be blank, but was ''");
          assertThatThrownBy(() -> audit.history(null, "n-1"))
              .isInstanceOf(NullPointerException.class)
              .hasMessage("table");
          assertThatThrownBy(() -> audit.history("notes", "n-1", null))
              .isInstanceOf(NullPointerException.class)
              .hasMessage("page");
          assertThatThrownBy(
                  () -> audit.history("notes", "n-1", PageRequest.first(5).sortedBy("actor_id")))
              .isInstanceOf(IllegalArgumentException.class)
              .hasMessage(
                  "audit entries are sorted by 'seq' only, but the page asks for column"
                      + " 'actor_id'");
        });
    assertThatThrownBy(() -> AuditHistory.of(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("database");
  }
}
