package dev.guardrails.data;

import static dev.guardrails.data.ConformanceProblem.Kind.FOREIGN_KEY_NOT_INDEXED;
import static dev.guardrails.data.ConformanceProblem.Kind.POLICY_MISSING;
import static dev.guardrails.data.ConformanceProblem.Kind.POLICY_NOT_FAIL_CLOSED;
import static dev.guardrails.data.ConformanceProblem.Kind.PRIMARY_KEY_MISSING;
import static dev.guardrails.data.ConformanceProblem.Kind.RLS_DISABLED;
import static dev.guardrails.data.ConformanceProblem.Kind.RLS_NOT_FORCED;
import static dev.guardrails.data.ConformanceProblem.Kind.ROLE_BYPASSES_RLS;
import static dev.guardrails.data.ConformanceProblem.Kind.ROLE_MISSING;
import static dev.guardrails.data.ConformanceProblem.Kind.ROLE_OWNS_TABLE;
import static dev.guardrails.data.ConformanceProblem.Kind.ROLE_SUPERUSER;
import static dev.guardrails.data.ConformanceProblem.Kind.TENANT_COLUMN_MISSING;
import static dev.guardrails.data.ConformanceProblem.Kind.TENANT_COLUMN_NOT_INDEXED;
import static dev.guardrails.data.ConformanceProblem.Kind.TENANT_COLUMN_NULLABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

final class ConformanceCheckPostgresTest {

  private static PGSimpleDataSource owner;
  private static PGSimpleDataSource app;
  private static ConformanceReport report;

  @BeforeAll
  static void setUp() throws SQLException {
    owner = TestDatabases.newPostgres("conf");
    app = TestDatabases.newRole(owner, "confapp");
    TestDatabases.execute(
        owner,
        // conforming
        "CREATE TABLE good (id bigint PRIMARY KEY, tenant_id text NOT NULL)",
        "CREATE INDEX good_tenant ON good (tenant_id)",
        // every problem at once
        "CREATE TABLE bad (id bigint, tenant_id text)",
        // enabled but not forced, one policy only, not fail-closed
        "CREATE TABLE half (id bigint PRIMARY KEY, tenant_id text NOT NULL)",
        "CREATE INDEX half_tenant ON half (tenant_id)",
        "ALTER TABLE half ENABLE ROW LEVEL SECURITY",
        "CREATE POLICY half_read ON half FOR SELECT"
            + " USING (tenant_id = current_setting('guardrails.tenant_id'))",
        // owned by the application role
        "CREATE TABLE owned (id bigint PRIMARY KEY, tenant_id text NOT NULL)",
        "CREATE INDEX owned_tenant ON owned (tenant_id)",
        "ALTER TABLE owned OWNER TO " + app.getUser(),
        // a foreign key without an index, on a global table
        "CREATE TABLE countries (code text PRIMARY KEY)",
        "CREATE TABLE cities (id bigint PRIMARY KEY, country text REFERENCES countries (code))",
        "CREATE TABLE cities_indexed (id bigint PRIMARY KEY, country text REFERENCES countries (code))",
        "CREATE INDEX cities_indexed_country ON cities_indexed (country, id)");
    try (Connection c = owner.getConnection()) {
      RowLevelSecurity.enable(c, "good", "tenant_id");
      RowLevelSecurity.enable(c, "owned", "tenant_id");
      report =
          ConformanceCheck.builder(app.getUser())
              .tenantTables("good", "bad", "half", "owned", "ghost")
              .build()
              .run(c);
    }
  }

  @Test
  void conformingTable_hasNoProblem() {
    assertThat(report.kinds("good")).isEmpty();
  }

  @Test
  void tableWithoutAnything_reportsEveryProblem() {
    assertThat(report.kinds("bad"))
        .contains(
            PRIMARY_KEY_MISSING,
            RLS_DISABLED,
            RLS_NOT_FORCED,
            POLICY_MISSING,
            TENANT_COLUMN_NULLABLE,
            TENANT_COLUMN_NOT_INDEXED);
    assertThat(report.byTable().get("bad"))
        .filteredOn(p -> p.kind() == POLICY_MISSING)
        .extracting(ConformanceProblem::detail)
        .containsExactlyInAnyOrder(
            "no policy for SELECT",
            "no policy for INSERT",
            "no policy for UPDATE",
            "no policy for DELETE");
  }

  @Test
  void enabledButNotForced_withOnePolicy_reportsTheGaps() {
    assertThat(report.kinds("half"))
        .contains(RLS_NOT_FORCED, POLICY_NOT_FAIL_CLOSED, POLICY_MISSING)
        .doesNotContain(RLS_DISABLED, PRIMARY_KEY_MISSING, TENANT_COLUMN_NOT_INDEXED);
    assertThat(report.byTable().get("half")).filteredOn(p -> p.kind() == POLICY_MISSING).hasSize(3);
  }

  @Test
  void tableOwnedByTheApplicationRole_isReported() {
    assertThat(report.kinds("owned")).containsExactly(ROLE_OWNS_TABLE);
  }

  @Test
  void foreignKeyWithoutIndex_isReportedOnlyWhereNoIndexLeadsWithItsColumns() {
    assertThat(report.kinds("cities")).containsExactly(FOREIGN_KEY_NOT_INDEXED);
    assertThat(report.kinds("cities_indexed")).isEmpty();
    assertThat(report.kinds("countries")).isEmpty();
  }

  @Test
  void declaredTenantTableThatDoesNotExist_isReported() {
    assertThat(report.kinds("ghost")).containsExactly(TENANT_COLUMN_MISSING);
    assertThat(report.passed()).isFalse();
  }

  @Test
  void superuserBypassRlsAndMissingRoles_areReported() throws SQLException {
    String suffix = Long.toString(System.nanoTime());
    TestDatabases.execute(
        owner,
        "CREATE ROLE conf_super_" + suffix + " NOLOGIN SUPERUSER",
        "CREATE ROLE conf_bypass_" + suffix + " NOLOGIN BYPASSRLS");
    try (Connection c = owner.getConnection()) {
      assertThat(
              ConformanceCheck.builder("conf_super_" + suffix)
                  .build()
                  .run(c)
                  .kinds(ConformanceProblem.ROLE))
          .contains(ROLE_SUPERUSER);
      assertThat(
              ConformanceCheck.builder("conf_bypass_" + suffix)
                  .build()
                  .run(c)
                  .kinds(ConformanceProblem.ROLE))
          .containsExactly(ROLE_BYPASSES_RLS);
      assertThat(
              ConformanceCheck.builder("nobody_here").build().run(c).kinds(ConformanceProblem.ROLE))
          .containsExactly(ROLE_MISSING);
    }
  }

  @Test
  void roleThatCanSetRoleToASuperuserBypassRlsRoleOrTheOwner_isReported() throws SQLException {
    // regression: only the role's own attributes and inherited ownership were checked, but a role
    // that is a member of a superuser, a BYPASSRLS role or (without INHERIT) the tables' owner
    // can SET ROLE to it and read every tenant's rows or turn row-level security off
    PGSimpleDataSource member = TestDatabases.newRole(owner, "confmember");
    String suffix = Long.toString(System.nanoTime());
    String tablesOwner = "conf_owner_" + suffix;
    TestDatabases.execute(
        owner,
        "CREATE ROLE conf_admin_" + suffix + " NOLOGIN SUPERUSER",
        "CREATE ROLE conf_reader_" + suffix + " NOLOGIN BYPASSRLS",
        "CREATE ROLE " + tablesOwner + " NOLOGIN",
        "CREATE TABLE member_notes (id bigint PRIMARY KEY, tenant_id text NOT NULL)",
        "CREATE INDEX member_notes_tenant ON member_notes (tenant_id)",
        "ALTER TABLE member_notes OWNER TO " + tablesOwner,
        "GRANT conf_admin_" + suffix + " TO " + member.getUser(),
        "GRANT conf_reader_" + suffix + " TO " + member.getUser(),
        "GRANT " + tablesOwner + " TO " + member.getUser() + " WITH INHERIT FALSE");
    try (Connection c = owner.getConnection()) {
      RowLevelSecurity.enable(c, "member_notes", "tenant_id");
      ConformanceReport memberReport =
          ConformanceCheck.builder(member.getUser()).tenantTables("member_notes").build().run(c);

      assertThat(memberReport.kinds(ConformanceProblem.ROLE))
          .containsExactlyInAnyOrder(ROLE_SUPERUSER, ROLE_BYPASSES_RLS);
      assertThat(memberReport.byTable().get(ConformanceProblem.ROLE))
          .extracting(ConformanceProblem::detail)
          .anySatisfy(d -> assertThat(d).contains("SET ROLE conf_admin_" + suffix))
          .anySatisfy(d -> assertThat(d).contains("SET ROLE conf_reader_" + suffix));
      assertThat(memberReport.kinds("member_notes")).containsExactly(ROLE_OWNS_TABLE);
    }
    // the member really can: the check reports what an attacker with the role could do
    try (Connection c = member.getConnection();
        Statement s = c.createStatement()) {
      s.execute("SET ROLE " + tablesOwner);
      s.execute("ALTER TABLE member_notes NO FORCE ROW LEVEL SECURITY");
    }
  }

  @Test
  void withoutDeclaredTables_everyTableWithTheTenantColumnIsATenantTable() throws SQLException {
    try (Connection c = owner.getConnection()) {
      ConformanceReport inferred = ConformanceCheck.builder(app.getUser()).build().run(c);

      assertThat(inferred.kinds("bad")).contains(RLS_DISABLED);
      assertThat(inferred.kinds("countries")).isEmpty();
      assertThat(inferred.byTable()).doesNotContainKey("ghost");
    }
  }

  @Test
  void h2_isRefused() throws SQLException {
    try (Connection c = TestDatabases.newH2("conf").getConnection()) {
      assertThatThrownBy(() -> ConformanceCheck.builder("app").build().run(c))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("the conformance check needs PostgreSQL");
    }
  }
}
