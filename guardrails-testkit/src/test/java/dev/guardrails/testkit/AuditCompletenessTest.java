package dev.guardrails.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.guardrails.core.Actor;
import dev.guardrails.core.GuardContext;
import dev.guardrails.data.AuditedRepository;
import dev.guardrails.data.Database;
import dev.guardrails.data.Dialect;
import dev.guardrails.data.RowScope;
import dev.guardrails.data.TableMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opentest4j.AssertionFailedError;

final class AuditCompletenessTest {

  @RegisterExtension
  static final GuardrailsPostgres PG =
      GuardrailsPostgres.builder().userMigrations("classpath:db/auditkit").build();

  record Memo(UUID id, String title) {}

  static final TableMapping<Memo> MEMOS = TableMapping.forRecord(Memo.class, "memos").build();
  static final TableMapping<Memo> DRAFTS =
      TableMapping.forRecord(Memo.class, "memo_drafts").build();

  static AuditCompleteness audit;
  static AuditedRepository<Memo> memos;
  static AuditedRepository<Memo> drafts;

  @BeforeAll
  static void setUp() {
    DataSource owner = PG.ownerDataSource();
    audit =
        AuditCompleteness.builder(owner)
            .watch("memos", "id", "tenant_id")
            .watch("memo_drafts", "id", "tenant_id")
            .build();
    audit.install();
    audit.install(); // idempotent
    Database db = Database.builder(owner, Dialect.postgresql()).build();
    memos = AuditedRepository.of(db, MEMOS, RowScope.tenant());
    drafts = AuditedRepository.of(db, DRAFTS, RowScope.tenant());
  }

  /** Runs raw SQL as the owner, outside any guardrails transaction. */
  static void raw(String sql) throws SQLException {
    try (Connection c = PG.ownerDataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** Empties memo_drafts and returns a mark after that, so a test starts from a known table. */
  static long emptyDraftsAndMark() throws SQLException {
    raw("TRUNCATE memo_drafts");
    return audit.mark();
  }

  static Memo draft(String title) throws Exception {
    return as("alice", "acme", () -> drafts.insert(new Memo(UUID.randomUUID(), title)));
  }

  @SuppressWarnings("try")
  static <T> T as(String actor, String tenant, Callable<T> work) throws Exception {
    GuardContext context =
        GuardContext.of(Actor.person(actor, tenant), "corr-" + actor, Instant.now());
    try (GuardContext.Scope scope = context.open()) {
      return work.call();
    }
  }

  @Test
  void assertComplete_writesThroughTheAuditedRepository_passes() throws Exception {
    long mark = audit.mark();
    Memo memo = as("alice", "acme", () -> memos.insert(new Memo(UUID.randomUUID(), "hello")));
    as("alice", "acme", () -> memos.update(new Memo(memo.id(), "changed")));
    as(
        "bob",
        "acme",
        () -> {
          memos.delete(memo.id());
          return null;
        });

    assertThat(audit.findings(mark)).isEmpty();
    assertThatCode(() -> audit.assertComplete(mark)).doesNotThrowAnyException();
  }

  @Test
  void findings_rawWriteOutsideTheRepository_reportedAsRawWrite() throws Exception {
    long mark = audit.mark();
    UUID id = UUID.randomUUID();
    as("alice", "acme", () -> memos.insert(new Memo(UUID.randomUUID(), "audited")));
    try (Connection c = PG.ownerDataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO memos (id, tenant_id, title) VALUES (?, 'acme', 'x')")) {
      ps.setObject(1, id);
      ps.executeUpdate();
    }

    List<AuditFinding> findings = audit.findings(mark);

    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.kind()).isEqualTo(AuditFinding.Kind.RAW_WRITE);
              assertThat(f.table()).isEqualTo("memos");
              assertThat(f.recordId()).isEqualTo(id.toString());
              assertThat(f.operation()).isEqualTo("INSERT");
              assertThat(f.detail()).contains("outside any guardrails transaction");
            });
    assertThatThrownBy(() -> audit.assertComplete(mark))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("1 audit finding(s)")
        .hasMessageContaining("RAW_WRITE memos/" + id + " INSERT");
  }

  @Test
  void findings_rawUpdateInsideAGuardrailsTransaction_reportedAsRawWrite() throws Exception {
    Memo memo = as("alice", "acme", () -> memos.insert(new Memo(UUID.randomUUID(), "hello")));
    long mark = audit.mark();
    Database db = Database.builder(PG.ownerDataSource(), Dialect.postgresql()).build();
    as(
        "alice",
        "acme",
        () ->
            db.inTransaction(
                tx -> {
                  try (PreparedStatement ps =
                      tx.connection()
                          .prepareStatement("UPDATE memos SET title = 'raw' WHERE id = ?")) {
                    ps.setObject(1, memo.id());
                    return ps.executeUpdate();
                  }
                }));

    assertThat(audit.findings(mark))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.kind()).isEqualTo(AuditFinding.Kind.RAW_WRITE);
              assertThat(f.operation()).isEqualTo("UPDATE");
              assertThat(f.detail()).doesNotContain("outside");
            });
  }

  @Test
  void findings_auditRowWithWrongActorOrTenant_reportedAsMismatch() throws SQLException {
    long mark = audit.mark();
    UUID id = UUID.randomUUID();
    try (Connection c = PG.ownerDataSource().getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement settings =
              c.prepareStatement(
                  "SELECT set_config('guardrails.actor_id', 'alice', true),"
                      + " set_config('guardrails.correlation_id', 'corr-1', true)");
          PreparedStatement write =
              c.prepareStatement(
                  "INSERT INTO memos (id, tenant_id, title) VALUES (?, 'acme', 'x')");
          PreparedStatement forged =
              c.prepareStatement(
                  "INSERT INTO guardrails_audit (tenant_id, table_name, record_id, action,"
                      + " actor_id, actor_kind, correlation_id, transaction_id, occurred_at)"
                      + " VALUES ('other', 'memos', ?, 'INSERT', 'mallory', 'PERSON', 'corr-1',"
                      + " 'tx', now())")) {
        settings.executeQuery().close();
        write.setObject(1, id);
        write.executeUpdate();
        forged.setString(1, id.toString());
        forged.executeUpdate();
      }
      c.commit();
    }

    assertThat(audit.findings(mark))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.kind()).isEqualTo(AuditFinding.Kind.MISMATCH);
              assertThat(f.detail())
                  .contains("tenant other instead of the row's acme")
                  .contains("actor mallory instead of the transaction's alice")
                  .doesNotContain("correlation");
            });
  }

  @Test
  void findings_auditRowWithoutAChange_reportedAsExtra() throws SQLException {
    long mark = audit.mark();
    try (Connection c = PG.ownerDataSource().getConnection();
        PreparedStatement forged =
            c.prepareStatement(
                "INSERT INTO guardrails_audit (tenant_id, table_name, record_id, action,"
                    + " actor_id, actor_kind, correlation_id, transaction_id, occurred_at)"
                    + " VALUES ('acme', 'memos', 'ghost', 'DELETE', 'alice', 'PERSON', 'c',"
                    + " 'tx', now())")) {
      forged.executeUpdate();
    }

    assertThat(audit.findings(mark))
        .singleElement()
        .satisfies(f -> assertThat(f.kind()).isEqualTo(AuditFinding.Kind.EXTRA_AUDIT_ROW));
  }

  @Test
  void findings_rolledBackRawWrite_isNotAFinding() throws SQLException {
    long mark = audit.mark();
    try (Connection c = PG.ownerDataSource().getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO memos (id, tenant_id, title) VALUES (?, 'acme', 'x')")) {
        ps.setObject(1, UUID.randomUUID());
        ps.executeUpdate();
      }
      c.rollback();
    }

    assertThat(audit.findings(mark)).isEmpty();
  }

  @Test
  void findings_rawTruncateOfAFilledTable_reportsEveryRemovedRow() throws Exception {
    emptyDraftsAndMark();
    Memo first = draft("one");
    Memo second = draft("two");
    long mark = audit.mark();

    raw("TRUNCATE memo_drafts");

    List<AuditFinding> findings = audit.findings(mark);
    assertThat(findings)
        .extracting(AuditFinding::recordId)
        .containsExactlyInAnyOrder(first.id().toString(), second.id().toString());
    assertThat(findings)
        .allSatisfy(
            f -> {
              assertThat(f.kind()).isEqualTo(AuditFinding.Kind.RAW_WRITE);
              assertThat(f.table()).isEqualTo("memo_drafts");
              assertThat(f.operation()).isEqualTo("TRUNCATE");
            });
    assertThatThrownBy(() -> audit.assertComplete(mark))
        .hasMessageContaining("RAW_WRITE memo_drafts/" + first.id() + " TRUNCATE");
  }

  @Test
  void findings_rawTruncateOfAnEmptyTable_reportedOnceForTheTable() throws Exception {
    long mark = emptyDraftsAndMark();

    raw("TRUNCATE memo_drafts");

    assertThat(audit.findings(mark))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.kind()).isEqualTo(AuditFinding.Kind.RAW_WRITE);
              assertThat(f.table()).isEqualTo("memo_drafts");
              assertThat(f.recordId()).isEqualTo("*");
              assertThat(f.operation()).isEqualTo("TRUNCATE");
              assertThat(f.detail()).contains("empty");
            });
  }

  @Test
  void findings_rawTruncateCascadingToAWatchedTable_reportsItsRows() throws Exception {
    emptyDraftsAndMark();
    Memo memo = draft("cascaded");
    long mark = audit.mark();

    raw("TRUNCATE draft_parents CASCADE");

    assertThat(audit.findings(mark))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.recordId()).isEqualTo(memo.id().toString());
              assertThat(f.operation()).isEqualTo("TRUNCATE");
            });
  }

  @Test
  void findings_truncateAfterAuditingEachRowsDelete_passes() throws Exception {
    emptyDraftsAndMark();
    Memo memo = draft("audited away");
    long mark = audit.mark();
    try (Connection c = PG.ownerDataSource().getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement settings =
              c.prepareStatement(
                  "SELECT set_config('guardrails.tenant_id', 'acme', true),"
                      + " set_config('guardrails.actor_id', 'alice', true),"
                      + " set_config('guardrails.correlation_id', 'corr-1', true)");
          PreparedStatement audited =
              c.prepareStatement(
                  "INSERT INTO guardrails_audit (tenant_id, table_name, record_id, action,"
                      + " actor_id, actor_kind, correlation_id, transaction_id, occurred_at)"
                      + " VALUES ('acme', 'memo_drafts', ?, 'DELETE', 'alice', 'PERSON',"
                      + " 'corr-1', 'tx', now())");
          Statement truncate = c.createStatement()) {
        settings.executeQuery().close();
        audited.setString(1, memo.id().toString());
        audited.executeUpdate();
        truncate.execute("TRUNCATE memo_drafts");
      }
      c.commit();
    }

    assertThat(audit.findings(mark)).isEmpty();
  }

  @Test
  void findings_rolledBackTruncate_isNotAFinding() throws Exception {
    emptyDraftsAndMark();
    draft("kept");
    long mark = audit.mark();
    try (Connection c = PG.ownerDataSource().getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("TRUNCATE memo_drafts");
      }
      c.rollback();
    }

    assertThat(audit.findings(mark)).isEmpty();
  }

  @Test
  void findings_rawDeleteOfAFilledTable_reportsEveryRow() throws Exception {
    emptyDraftsAndMark();
    draft("one");
    draft("two");
    long mark = audit.mark();

    raw("DELETE FROM memo_drafts");

    assertThat(audit.findings(mark))
        .hasSize(2)
        .allSatisfy(
            f -> {
              assertThat(f.kind()).isEqualTo(AuditFinding.Kind.RAW_WRITE);
              assertThat(f.operation()).isEqualTo("DELETE");
            });
  }

  @Test
  void findings_rawDeleteOfAnEmptyTable_changesNothingAndIsNotAFinding() throws Exception {
    long mark = emptyDraftsAndMark();

    raw("DELETE FROM memo_drafts");

    assertThat(audit.findings(mark)).isEmpty();
  }

  @Test
  void builder_misuse_failsWithAMessage() {
    DataSource owner = PG.ownerDataSource();
    assertThatThrownBy(() -> AuditCompleteness.builder(owner).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("call watch(...)");
    assertThatThrownBy(
            () -> AuditCompleteness.builder(owner).watch("memos; DROP TABLE x", "id", "tenant_id"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("table must be a plain SQL identifier, but was 'memos; DROP TABLE x'");
    assertThatThrownBy(() -> audit.findings(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("mark must not be negative, but was -1");
  }
}
