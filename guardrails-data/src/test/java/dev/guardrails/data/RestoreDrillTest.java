package dev.guardrails.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.guardrails.core.InMemoryEventSink;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

final class RestoreDrillTest {

  private final MutableClock clock = new MutableClock(Contexts.T0);
  private final InMemoryEventSink events = new InMemoryEventSink();
  private DataSource source;

  @BeforeEach
  void setUp() throws Exception {
    source = h2WithSchema("source");
    Database database = Database.builder(source, Dialect.h2()).clock(clock).build();
    AuditedRepository<RepositoryContract.Note> notes =
        AuditedRepository.of(database, RepositoryContract.NOTES, RowScope.tenant());
    for (int i = 0; i < 7; i++) {
      int n = i;
      Contexts.as("alice", "acme", () -> notes.insert(RepositoryContract.note("note " + n)));
    }
  }

  private static DataSource h2WithSchema(String label) {
    DataSource h2 = TestDatabases.newH2(label);
    prepare(h2);
    return h2;
  }

  private static void prepare(DataSource ds) {
    Migrations.builder(ds, Dialect.h2()).build().migrate();
    TestDatabases.execute(ds, RepositoryContract.NOTES_DDL);
  }

  private RestoreDrill drill(DataSource scratch) {
    return RestoreDrill.builder(source, scratch)
        .prepareScratch(RestoreDrillTest::prepare)
        .clock(clock)
        .eventSink(events)
        .build();
  }

  @Test
  void run_restoresEveryTableComparesAndRecordsSuccess() {
    DrillReport report = drill(TestDatabases.newH2("scratch")).run();

    assertThat(report.succeeded()).as(report.summary()).isTrue();
    assertThat(report.tables())
        .extracting(DrillReport.TableResult::table)
        .contains("notes", "guardrails_audit")
        .doesNotContain("guardrails_schema_history", "guardrails_restore_drill");
    DrillReport.TableResult notes =
        report.tables().stream().filter(t -> t.table().equals("notes")).findFirst().orElseThrow();
    assertThat(notes.sourceRows()).isEqualTo(7);
    assertThat(notes.restoredRows()).isEqualTo(7);
    assertThat(notes.sourceChecksum()).isEqualTo(notes.restoredChecksum()).hasSize(64);
    assertThat(report.startedAt()).isEqualTo(Contexts.T0);
    assertThat(report.summary()).startsWith("restore drill succeeded: ");
    assertThat(events.events(RestoreDrillEvent.class))
        .singleElement()
        .satisfies(e -> assertThat(e.type()).isEqualTo("restore_drill.succeeded"));
  }

  @Test
  void checkFreshness_alertsWhenTheLastGoodDrillIsTooOld() {
    RestoreDrill drill = drill(TestDatabases.newH2("scratch"));
    assertThat(drill.checkFreshness(Duration.ofDays(7))).isFalse();
    assertThat(events.events(RestoreDrillEvent.class).get(0).detail())
        .isEqualTo("no restore drill has ever succeeded");

    drill.run();
    clock.advance(Duration.ofDays(7));
    assertThat(drill.lastSuccess()).contains(Contexts.T0);
    assertThat(drill.checkFreshness(Duration.ofDays(7))).isTrue();

    clock.advance(Duration.ofSeconds(1));
    events.clear();
    assertThat(drill.checkFreshness(Duration.ofDays(7))).isFalse();
    assertThat(events.events(RestoreDrillEvent.class))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.type()).isEqualTo("restore_drill.overdue");
              assertThat(e.severity()).isEqualTo(dev.guardrails.core.Severity.ERROR);
            });
  }

  @Test
  void run_scratchWithData_refusesToWriteAndRecordsFailure() {
    DataSource scratch = h2WithSchema("dirty");
    TestDatabases.execute(
        scratch,
        "INSERT INTO notes (id, tenant_id, owner_id, title, version)"
            + " VALUES (RANDOM_UUID(), 't', 'o', 'keep me', 1)");

    DrillReport report =
        RestoreDrill.builder(source, scratch)
            .prepareScratch(ds -> {})
            .clock(clock)
            .eventSink(events)
            .build()
            .run();

    assertThat(report.succeeded()).isFalse();
    assertThat(report.failure()).hasValueSatisfying(f -> assertThat(f).contains("is not empty"));
    assertThat(events.events(RestoreDrillEvent.class).get(0).type())
        .isEqualTo("restore_drill.failed");
    assertThat(drill(TestDatabases.newH2("unused")).lastSuccess()).isEmpty();
  }

  @Test
  void run_restoreRefusedByTheDatabase_summaryNamesTheStateButNoRowValue() {
    DrillReport report =
        RestoreDrill.builder(source, TestDatabases.newH2("constrained"))
            .prepareScratch(
                ds -> {
                  prepare(ds);
                  TestDatabases.execute(
                      ds,
                      "ALTER TABLE notes ADD CONSTRAINT one_note_per_tenant UNIQUE (tenant_id)");
                })
            .clock(clock)
            .eventSink(events)
            .build()
            .run();

    assertThat(report.succeeded()).isFalse();
    assertThat(report.summary()).contains("SQL state 23505").doesNotContain("acme");
    assertThat(events.events(RestoreDrillEvent.class).get(0).detail()).doesNotContain("acme");
  }

  @Test
  void builder_misuse_isRefused() {
    assertThatThrownBy(() -> RestoreDrill.builder(source, TestDatabases.newH2("s")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("prepareScratch must be set");
    assertThatThrownBy(() -> RestoreDrill.builder(source, source).prepareScratch(ds -> {}).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("another database");
    assertThatThrownBy(() -> drill(TestDatabases.newH2("s2")).checkFreshness(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
