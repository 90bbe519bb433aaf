package dev.guardrails.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

final class RestoreDrillPostgresTest {

  private static final String[] SCHEMA = {
    RepositoryContract.NOTES_DDL,
    "CREATE TABLE comments (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
        + " note_id uuid NOT NULL REFERENCES notes (id), body jsonb NOT NULL,"
        + " posted_at timestamptz NOT NULL, amount numeric(12, 2))",
    "CREATE INDEX comments_note ON comments (note_id)"
  };

  private PGSimpleDataSource source;

  @BeforeEach
  void setUp() throws Exception {
    source = TestDatabases.newPostgresWithLibrary("drillsrc");
    TestDatabases.execute(source, SCHEMA);
    Database database = Database.builder(source, Dialect.postgresql()).build();
    AuditedRepository<RepositoryContract.Note> notes =
        AuditedRepository.of(database, RepositoryContract.NOTES, RowScope.tenant());
    for (int i = 0; i < 5; i++) {
      RepositoryContract.Note note =
          Contexts.as("alice", "acme", () -> notes.insert(RepositoryContract.note("n")));
      TestDatabases.execute(
          source,
          "INSERT INTO comments (note_id, body, posted_at, amount) VALUES ('"
              + note.id()
              + "', '{\"text\": \"hi\", \"n\": "
              + i
              + "}', now(), 10.50)");
    }
  }

  private static void prepare(DataSource scratch) {
    Migrations.builder(scratch, Dialect.postgresql()).build().migrate();
    TestDatabases.execute(scratch, SCHEMA);
  }

  @Test
  void run_withForeignKeysIdentityJsonAndTimestamps_restoresFaithfully() {
    DrillReport report =
        RestoreDrill.builder(source, TestDatabases.newPostgres("drillscratch"))
            .prepareScratch(RestoreDrillPostgresTest::prepare)
            .build()
            .run();

    assertThat(report.succeeded()).as(report.summary()).isTrue();
    assertThat(report.tables())
        .extracting(DrillReport.TableResult::table)
        .containsSubsequence("notes", "comments");
    assertThat(report.restoredRows()).isEqualTo(5 + 5 + 5);
  }

  @Test
  void run_restoreThatAltersData_isReportedAsAMismatch() {
    DrillReport report =
        RestoreDrill.builder(source, TestDatabases.newPostgres("drillbad"))
            .prepareScratch(
                scratch -> {
                  prepare(scratch);
                  TestDatabases.execute(
                      scratch,
                      "CREATE FUNCTION shout() RETURNS trigger LANGUAGE plpgsql AS"
                          + " $$ BEGIN NEW.title := upper(NEW.title); RETURN NEW; END $$",
                      "CREATE TRIGGER shout BEFORE INSERT ON notes FOR EACH ROW EXECUTE FUNCTION shout()");
                })
            .build()
            .run();

    assertThat(report.succeeded()).isFalse();
    assertThat(report.tables())
        .filteredOn(t -> !t.matches())
        .extracting(DrillReport.TableResult::table)
        .containsExactly("notes");
    assertThat(report.summary()).contains("mismatches in [notes]");
  }

  @Test
  void run_asARoleSubjectToRowLevelSecurity_failsInsteadOfCopyingNoRows() throws Exception {
    // regression: a role under forced row-level security (the application role, or the owner)
    // read the tenant tables without a tenant setting, saw no row, restored no row, found both
    // sides equal and reported a good drill of an empty backup
    try (Connection c = source.getConnection()) {
      RowLevelSecurity.enable(c, "notes", "tenant_id");
    }
    PGSimpleDataSource app = TestDatabases.newRole(source, "drillapp");
    TestDatabases.execute(
        source,
        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + app.getUser(),
        "GRANT INSERT ON guardrails_restore_drill TO " + app.getUser());

    DrillReport report =
        RestoreDrill.builder(app, TestDatabases.newPostgres("drillrls"))
            .tables("notes")
            .prepareScratch(RestoreDrillPostgresTest::prepare)
            .build()
            .run();

    assertThat(report.succeeded()).as(report.summary()).isFalse();
    assertThat(report.summary())
        .contains("notes")
        .contains("row-level security")
        .contains("BYPASSRLS");
  }

  @Test
  void run_whileTheSourceTakesWrites_copiesOnePointInTime() throws Exception {
    // regression: each table was read in a snapshot of its own (READ COMMITTED), so a note and
    // its comment committed while the drill ran came back as a comment without its note: the
    // restore failed on the foreign key, and without one the backup mixed two points in time
    Database database = Database.builder(source, Dialect.postgresql()).build();
    AuditedRepository<RepositoryContract.Note> notes =
        AuditedRepository.of(database, RepositoryContract.NOTES, RowScope.tenant());
    AtomicBoolean written = new AtomicBoolean();
    DataSource writtenToWhileRead =
        beforeReading(
            "\"comments\"",
            () -> {
              if (written.compareAndSet(false, true)) {
                RepositoryContract.Note late =
                    Contexts.as(
                        "alice", "acme", () -> notes.insert(RepositoryContract.note("late")));
                TestDatabases.execute(
                    source,
                    "INSERT INTO comments (note_id, body, posted_at) VALUES ('"
                        + late.id()
                        + "', '{}', now())");
              }
              return null;
            });

    DrillReport report =
        RestoreDrill.builder(writtenToWhileRead, TestDatabases.newPostgres("drillsnap"))
            .prepareScratch(RestoreDrillPostgresTest::prepare)
            .build()
            .run();

    assertThat(written).isTrue();
    assertThat(report.succeeded()).as(report.summary()).isTrue();
    assertThat(report.restoredRows()).isEqualTo(5 + 5 + 5);
  }

  /** The source, with an action run before each statement that reads the named table. */
  private DataSource beforeReading(String table, java.util.concurrent.Callable<?> action) {
    return (DataSource)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
              Object result = invoke(source, method, args);
              if (!(result instanceof Connection connection)) {
                return result;
              }
              return Proxy.newProxyInstance(
                  getClass().getClassLoader(),
                  new Class<?>[] {Connection.class},
                  (p, m, a) -> {
                    if (m.getName().equals("prepareStatement")
                        && ((String) a[0]).startsWith("SELECT")
                        && ((String) a[0]).contains("FROM " + table)) {
                      action.call();
                    }
                    return invoke(connection, m, a);
                  });
            });
  }

  private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args)
      throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
