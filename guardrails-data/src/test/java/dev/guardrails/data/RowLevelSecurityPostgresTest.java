package dev.guardrails.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** Row-level security as the application role sees it: a plain role, not owner, no BYPASSRLS. */
final class RowLevelSecurityPostgresTest {

  private PGSimpleDataSource owner;
  private PGSimpleDataSource app;
  private Database database;
  private AuditedRepository<RepositoryContract.Note> notes;

  @BeforeEach
  void setUp() throws SQLException {
    owner = TestDatabases.newPostgresWithLibrary("rls");
    TestDatabases.execute(
        owner, RepositoryContract.NOTES_DDL, "CREATE INDEX notes_tenant ON notes (tenant_id)");
    try (Connection c = owner.getConnection()) {
      RowLevelSecurity.enable(c, "notes", "tenant_id");
    }
    app = TestDatabases.newRole(owner, "app");
    TestDatabases.execute(
        owner, "GRANT SELECT, INSERT, UPDATE, DELETE ON notes TO " + app.getUser());
    Migrations.builder(owner, Dialect.postgresql())
        .applicationRole(app.getUser())
        .build()
        .migrate();
    database = Database.builder(app, Dialect.postgresql()).build();
    notes = AuditedRepository.of(database, RepositoryContract.NOTES, RowScope.tenant());
  }

  @Test
  void rawQuery_asApplicationRole_seesOnlyTheContextsTenant() throws Exception {
    Contexts.as("alice", "acme", () -> notes.insert(RepositoryContract.note("a1")));
    Contexts.as("alice", "acme", () -> notes.insert(RepositoryContract.note("a2")));
    Contexts.as("mallory", "evil", () -> notes.insert(RepositoryContract.note("e1")));

    long acme =
        Contexts.as("alice", "acme", () -> countInTransaction("SELECT count(*) FROM notes"));
    long evil =
        Contexts.as("mallory", "evil", () -> countInTransaction("SELECT count(*) FROM notes"));

    assertThat(acme).isEqualTo(2);
    assertThat(evil).isEqualTo(1);
    assertThat(count(owner, "SELECT count(*) FROM notes")).isEqualTo(3);
  }

  @Test
  void findAndList_inTheirOwnTransactions_seeTheirSettingsAndOnlyTheContextsTenant()
      throws Exception {
    RepositoryContract.Note a =
        Contexts.as("alice", "acme", () -> notes.insert(RepositoryContract.note("a1")));
    RepositoryContract.Note e =
        Contexts.as("mallory", "evil", () -> notes.insert(RepositoryContract.note("e1")));

    // the policy fails closed without the setting: finding the row proves the SELECT saw it
    assertThat(Contexts.as("alice", "acme", () -> notes.findById(a.id())))
        .map(RepositoryContract.Note::id)
        .contains(a.id());
    assertThat(Contexts.as("alice", "acme", () -> notes.findById(e.id()))).isEmpty();
    assertThat(Contexts.as("mallory", "evil", () -> notes.findById(e.id())))
        .map(RepositoryContract.Note::id)
        .contains(e.id());
    assertThat(Contexts.as("alice", "acme", () -> notes.list(PageRequest.first(10)).items()))
        .extracting(RepositoryContract.Note::id)
        .containsExactly(a.id());
    assertThat(count(owner, "SELECT count(*) FROM guardrails_audit")).isEqualTo(2);
  }

  @Test
  void missingOrEmptySetting_failsClosedForReadsAndWrites() throws Exception {
    Contexts.as("alice", "acme", () -> notes.insert(RepositoryContract.note("a1")));

    assertThat(count(app, "SELECT count(*) FROM notes")).isZero();
    try (Connection c = app.getConnection();
        Statement s = c.createStatement()) {
      s.execute("SELECT set_config('guardrails.tenant_id', '', false)");
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM notes")) {
        rs.next();
        assertThat(rs.getLong(1)).isZero();
      }
      assertThatThrownBy(
              () ->
                  s.execute(
                      "INSERT INTO notes (id, tenant_id, owner_id, title, version)"
                          + " VALUES (gen_random_uuid(), '', 'x', 'x', 1)"))
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
    }
  }

  @Test
  void rawWrite_forAnotherTenant_isRejectedByWithCheck() {
    assertThatThrownBy(
            () ->
                Contexts.as(
                    "alice",
                    "acme",
                    () ->
                        database.inTransaction(
                            tx ->
                                tx.update(
                                    "INSERT INTO notes (id, tenant_id, owner_id, title, version)"
                                        + " VALUES (?, 'evil', 'alice', 'planted', 1)",
                                    UUID.randomUUID()))))
        .isInstanceOfSatisfying(
            DataAccessException.class, e -> assertThat(e.sqlState()).isEqualTo("42501"));
  }

  @Test
  void rawUpdate_movingARowToAnotherTenant_isRejected() throws Exception {
    RepositoryContract.Note stored =
        Contexts.as("alice", "acme", () -> notes.insert(RepositoryContract.note("mine")));

    assertThatThrownBy(
            () ->
                Contexts.as(
                    "alice",
                    "acme",
                    () ->
                        database.inTransaction(
                            tx ->
                                tx.update(
                                    "UPDATE notes SET tenant_id = 'evil' WHERE id = ?",
                                    stored.id()))))
        .isInstanceOfSatisfying(
            DataAccessException.class, e -> assertThat(e.sqlState()).isEqualTo("42501"));
  }

  @Test
  void auditLog_applicationRole_mayInsertAndReadButNeverUpdateOrDelete() throws Exception {
    Contexts.as("alice", "acme", () -> notes.insert(RepositoryContract.note("audited")));

    assertThat(count(app, "SELECT count(*) FROM guardrails_audit")).isEqualTo(1);
    for (String sql :
        new String[] {
          "UPDATE guardrails_audit SET actor_id = 'someone-else'",
          "DELETE FROM guardrails_audit",
          "TRUNCATE guardrails_audit",
          "DELETE FROM guardrails_audit_seal"
        }) {
      assertThatThrownBy(() -> TestDatabasesRaw.run(app, sql))
          .as(sql)
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
    }
  }

  @Test
  void auditLog_evenTheOwner_cannotUpdateOrDeleteThroughTheTriggers() throws Exception {
    Contexts.as("alice", "acme", () -> notes.insert(RepositoryContract.note("audited")));

    for (String sql :
        new String[] {
          "UPDATE guardrails_audit SET actor_id = 'x'", "DELETE FROM guardrails_audit"
        }) {
      assertThatThrownBy(() -> TestDatabasesRaw.run(owner, sql))
          .as(sql)
          .hasMessageContaining("append-only");
    }
    assertThat(count(owner, "SELECT count(*) FROM guardrails_audit")).isEqualTo(1);
  }

  @Test
  void statements_coverEveryCommandAndRefuseInjectedNames() {
    assertThat(RowLevelSecurity.statements("app.notes", "tenant_id"))
        .contains(
            "ALTER TABLE app.notes ENABLE ROW LEVEL SECURITY",
            "ALTER TABLE app.notes FORCE ROW LEVEL SECURITY")
        .anySatisfy(s -> assertThat(s).contains("FOR SELECT USING"))
        .anySatisfy(s -> assertThat(s).contains("FOR INSERT WITH CHECK"))
        .anySatisfy(s -> assertThat(s).contains("FOR UPDATE USING").contains("WITH CHECK"))
        .anySatisfy(s -> assertThat(s).contains("FOR DELETE USING"))
        .allSatisfy(
            s -> {
              if (s.startsWith("CREATE POLICY")) {
                assertThat(s)
                    .contains(
                        "tenant_id = nullif(current_setting('guardrails.tenant_id', true), '')");
              }
            });
    assertThatThrownBy(() -> RowLevelSecurity.statements("notes; DROP TABLE x", "tenant_id"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RowLevelSecurity.statements("notes", "Tenant"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void conformance_ofTheSetUpSchema_passes() throws SQLException {
    try (Connection c = owner.getConnection()) {
      ConformanceReport report =
          ConformanceCheck.builder(app.getUser()).tenantTables("notes").build().run(c);

      assertThat(report.passed()).as(report.toString()).isTrue();
      assertThat(report.checkedTables()).contains("notes", "guardrails_audit");
    }
  }

  private long countInTransaction(String sql) {
    return database.inTransaction(tx -> tx.queryOne(sql, rs -> rs.getLong(1)).orElseThrow());
  }

  static long count(PGSimpleDataSource ds, String sql) throws SQLException {
    return countRows(ds, sql);
  }

  static long countRows(javax.sql.DataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Runs one statement in auto-commit mode, letting its SQLException through. */
  static final class TestDatabasesRaw {
    private TestDatabasesRaw() {}

    static void run(PGSimpleDataSource ds, String sql) throws SQLException {
      try (Connection c = ds.getConnection();
          Statement s = c.createStatement()) {
        s.execute(sql);
      }
    }
  }
}
