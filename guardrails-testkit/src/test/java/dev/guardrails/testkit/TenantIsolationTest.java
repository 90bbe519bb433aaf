package dev.guardrails.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.guardrails.core.Actor;
import dev.guardrails.data.RowLevelSecurity;
import dev.guardrails.testkit.TenantIsolation.Finding;
import dev.guardrails.testkit.TenantIsolation.Probe;
import dev.guardrails.testkit.TenantIsolation.Session;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opentest4j.AssertionFailedError;
import org.postgresql.ds.PGSimpleDataSource;

final class TenantIsolationTest {

  @RegisterExtension
  static final GuardrailsPostgres PG =
      GuardrailsPostgres.builder()
          .userMigrations("classpath:db/isolation")
          .applicationRole("isolation_app")
          .build();

  @BeforeAll
  static void guardTables() throws SQLException {
    try (Connection owner = PG.ownerDataSource().getConnection()) {
      RowLevelSecurity.enable(owner, "documents", "tenant_id");
      RowLevelSecurity.enable(owner, "session_notes", "tenant_id");
    }
  }

  static TenantIsolation isolationOf(String table) {
    return TenantIsolation.builder(PG.applicationDataSource())
        .table(table, "tenant_id", "INSERT INTO " + table + " (tenant_id) VALUES (?)")
        .build();
  }

  static List<Finding> findings(String table) {
    return isolationOf(table).check("acme", "globex");
  }

  @Test
  void check_tableGuardedByRowLevelSecurity_findsNothing() {
    TenantIsolation documents =
        TenantIsolation.builder(PG.applicationDataSource())
            .table(
                "documents",
                "tenant_id",
                "INSERT INTO documents (tenant_id, title) VALUES (?, 'x')")
            .build();

    assertThat(documents.check("acme", "globex")).isEmpty();
    assertThatCode(() -> documents.assertIsolated("tenant-1", "TENANT-1"))
        .doesNotThrowAnyException();
  }

  @Test
  void check_tableWithoutRowLevelSecurity_reachesRowsFromEverySession() {
    List<Finding> findings = findings("open_notes");

    assertThat(findings)
        .extracting(Finding::session, Finding::probe)
        .contains(
            tuple(Session.OTHER_TENANT, Probe.READ),
            tuple(Session.OTHER_TENANT, Probe.UPDATE),
            tuple(Session.OTHER_TENANT, Probe.DELETE),
            tuple(Session.OTHER_TENANT, Probe.INSERT),
            tuple(Session.OTHER_TENANT, Probe.MOVE),
            tuple(Session.NO_TENANT, Probe.READ),
            tuple(Session.EMPTY_TENANT, Probe.READ),
            tuple(Session.REUSED_CONNECTION, Probe.READ));
    assertThat(findings).allSatisfy(f -> assertThat(f.table()).isEqualTo("open_notes"));
  }

  @Test
  void check_policyThatFailsOpenWithoutTenant_reportsOnlyTheTenantlessSessions() {
    List<Finding> findings = findings("fail_open_notes");

    assertThat(findings).extracting(Finding::session).doesNotContain(Session.OTHER_TENANT);
    assertThat(findings)
        .extracting(Finding::session, Finding::probe)
        .contains(
            tuple(Session.NO_TENANT, Probe.READ),
            tuple(Session.NO_TENANT, Probe.DELETE),
            tuple(Session.EMPTY_TENANT, Probe.UPDATE),
            tuple(Session.REUSED_CONNECTION, Probe.READ));
  }

  @Test
  void check_writesCheckedAgainstNothing_reportsPlantedAndMovedRows() {
    List<Finding> findings = findings("plantable_notes");

    assertThat(findings)
        .extracting(Finding::session, Finding::probe)
        .contains(
            tuple(Session.OTHER_TENANT, Probe.INSERT), tuple(Session.OTHER_TENANT, Probe.MOVE))
        .doesNotContain(
            tuple(Session.OTHER_TENANT, Probe.READ),
            tuple(Session.OTHER_TENANT, Probe.UPDATE),
            tuple(Session.OTHER_TENANT, Probe.DELETE));
  }

  @Test
  void check_updatePolicyOpenWhileSelectIsScoped_reportsTheUpdateAsTheOtherTenant() {
    assertThat(findings("update_open_notes"))
        .extracting(Finding::session, Finding::probe)
        .contains(tuple(Session.OTHER_TENANT, Probe.UPDATE));
  }

  @Test
  void check_deletePolicyOpenToAnyTenantWhileSelectIsScoped_reportsTheDelete() {
    assertThat(findings("delete_open_notes"))
        .extracting(Finding::session, Finding::probe)
        .contains(tuple(Session.OTHER_TENANT, Probe.DELETE));
  }

  @Test
  void check_policyThatFailsOpenOnlyOnAFreshSession_reportsTheNoTenantSession() {
    assertThat(findings("fresh_session_notes"))
        .extracting(Finding::session, Finding::probe)
        .contains(tuple(Session.NO_TENANT, Probe.READ));
  }

  @Test
  void check_uuidTenantColumnGuarded_findsNothingWhateverTheCaseOfTheIds() {
    TenantIsolation uuids =
        TenantIsolation.builder(PG.applicationDataSource())
            .table(
                "uuid_documents", "tenant_id", "INSERT INTO uuid_documents (tenant_id) VALUES (?)")
            .build();

    assertThat(
            uuids.check(
                "3f2c1e9a-7b4d-4c1e-9f0a-2b6d8e4c1a55", "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"))
        .isEmpty();
    assertThat(
            uuids.check(
                "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", "3f2c1e9a-7b4d-4c1e-9f0a-2b6d8e4c1a55"))
        .isEmpty();
  }

  @Test
  void check_varcharTenantColumnGuarded_findsNothingForNearMissAndLongestIds() {
    TenantIsolation varchars =
        TenantIsolation.builder(PG.applicationDataSource())
            .table(
                "varchar_documents",
                "tenant_id",
                "INSERT INTO varchar_documents (tenant_id) VALUES (?)")
            .build();

    assertThat(varchars.check("tenant-1", "tenant-1 ")).isEmpty();
    assertThat(varchars.check("t".repeat(Actor.MAX_LENGTH), "tenant-%")).isEmpty();
  }

  @Test
  void check_manyTables_seedsThemInTheOrderTheyWereAdded() {
    List<String> tables =
        List.of(
            "open_notes",
            "fail_open_notes",
            "plantable_notes",
            "update_open_notes",
            "delete_open_notes",
            "fresh_session_notes",
            "public.open_notes",
            "public.fail_open_notes",
            "public.plantable_notes",
            "public.update_open_notes");
    List<String> seeded = new CopyOnWriteArrayList<>();
    TenantIsolation.Builder builder = TenantIsolation.builder(PG.applicationDataSource());
    for (String table : tables) {
      builder.table(
          table,
          "tenant_id",
          (connection, tenant) -> {
            seeded.add(table);
            try (PreparedStatement insert =
                connection.prepareStatement("INSERT INTO " + table + " (tenant_id) VALUES (?)")) {
              insert.setString(1, tenant);
              return insert.executeUpdate();
            }
          });
    }

    builder.build().check("acme", "globex");

    assertThat(seeded.subList(0, tables.size())).containsExactlyElementsOf(tables);
  }

  @Test
  void check_triggerStampsTheSessionsOwnTenant_findsNothing() {
    assertThat(findings("stamped_notes")).isEmpty();
  }

  @Test
  void check_viewRunningAsItsOwnerAddedAsATable_reportsItsRows() {
    TenantIsolation view =
        TenantIsolation.builder(PG.applicationDataSource())
            .table(
                "documents_everywhere",
                "tenant_id",
                "INSERT INTO documents_everywhere (tenant_id, title) VALUES (?, 'x')")
            .build();

    assertThat(view.check("acme", "globex"))
        .extracting(Finding::session, Finding::probe)
        .contains(tuple(Session.OTHER_TENANT, Probe.READ), tuple(Session.NO_TENANT, Probe.READ));
  }

  @Test
  void check_tenantSetForTheWholeSession_reportsTheLeftoverSettingOnTheReusedConnection() {
    TenantIsolation leaky =
        TenantIsolation.builder(PG.applicationDataSource())
            .table(
                "session_notes",
                "tenant_id",
                (connection, tenant) -> {
                  try (PreparedStatement set =
                          connection.prepareStatement(
                              "SELECT set_config('guardrails.tenant_id', ?, false)");
                      PreparedStatement insert =
                          connection.prepareStatement(
                              "INSERT INTO session_notes (tenant_id) VALUES (?)")) {
                    set.setString(1, tenant);
                    set.execute();
                    insert.setString(1, tenant);
                    return insert.executeUpdate();
                  }
                })
            .build();

    List<Finding> findings = leaky.check("acme", "globex");

    assertThat(findings)
        .extracting(Finding::session, Finding::probe)
        .contains(tuple(Session.REUSED_CONNECTION, Probe.SETTING));
    assertThat(findings)
        .filteredOn(f -> f.probe() == Probe.SETTING)
        .singleElement()
        .satisfies(f -> assertThat(f.detail()).contains("'acme'", "set_config(..., true)"));
  }

  @Test
  void check_connectedAsSuperuser_policiesAreBypassedAndReported() {
    TenantIsolation asOwner =
        TenantIsolation.builder(PG.ownerDataSource())
            .table(
                "documents",
                "tenant_id",
                "INSERT INTO documents (tenant_id, title) VALUES (?, 'x')")
            .build();

    assertThat(asOwner.check("acme", "globex"))
        .extracting(Finding::session, Finding::probe)
        .contains(tuple(Session.OTHER_TENANT, Probe.READ), tuple(Session.NO_TENANT, Probe.READ));
  }

  @Test
  void check_probesAreRolledBack_onlyTheTwoSeededRowsStay() throws SQLException {
    long before = countAll("open_notes");

    findings("open_notes");

    assertThat(countAll("open_notes")).isEqualTo(before + 2);
    assertThat(countWhere("open_notes", "globex")).isPositive();
  }

  @Test
  void assertIsolated_leakyTable_listsEveryFindingWithTableSessionAndProbe() {
    assertThatThrownBy(() -> isolationOf("open_notes").assertIsolated("acme", "globex"))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("tenant 'acme' against tenant 'globex'")
        .hasMessageContaining("open_notes OTHER_TENANT READ:")
        .hasMessageContaining("open_notes NO_TENANT READ:");
  }

  @Test
  void check_seederThatInsertsNothing_refusesToPassVacuously() {
    TenantIsolation vacuous =
        TenantIsolation.builder(PG.applicationDataSource())
            .table("documents", "tenant_id", (connection, tenant) -> 0)
            .build();

    assertThatThrownBy(() -> vacuous.check("acme", "globex"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("documents")
        .hasMessageContaining("vacuously");
  }

  @Test
  void check_seederWithABrokenStatement_namesTheTableAndSqlState() {
    TenantIsolation broken =
        TenantIsolation.builder(PG.applicationDataSource())
            .table("documents", "tenant_id", "INSERT INTO documents (no_such_column) VALUES (?)")
            .build();

    assertThatThrownBy(() -> broken.check("acme", "globex"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("documents")
        .hasMessageContaining("SQL state 42703");
  }

  @Test
  void check_wrongTenantColumn_failsLoudlyInsteadOfPassing() {
    TenantIsolation wrongColumn =
        TenantIsolation.builder(PG.applicationDataSource())
            .table("documents", "title", "INSERT INTO documents (tenant_id, title) VALUES (?, 'x')")
            .build();

    assertThatThrownBy(() -> wrongColumn.check("acme", "globex"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("vacuously");
  }

  @Test
  void check_h2_isRefusedWithWhatToDo() {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:isolation;DB_CLOSE_DELAY=-1");
    TenantIsolation onH2 =
        TenantIsolation.builder(h2)
            .table("documents", "tenant_id", "INSERT INTO documents (tenant_id) VALUES (?)")
            .build();

    assertThatThrownBy(() -> onH2.check("acme", "globex"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("H2")
        .hasMessageContaining("PostgreSQL");
  }

  @Test
  void check_serverUnreachable_saysWhyWithTheDatabasesMessage() {
    PGSimpleDataSource nowhere = new PGSimpleDataSource();
    nowhere.setServerNames(new String[] {"127.0.0.1"});
    nowhere.setPortNumbers(new int[] {1});
    TenantIsolation unreachable =
        TenantIsolation.builder(nowhere)
            .table("documents", "tenant_id", "INSERT INTO documents (tenant_id) VALUES (?)")
            .build();

    assertThatThrownBy(() -> unreachable.check("acme", "globex"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("SQL state 08001")
        .hasMessageContaining("127.0.0.1:1");
  }

  @Test
  void check_sameOrInvalidTenants_areRefused() {
    TenantIsolation documents = isolationOf("documents");

    assertThatThrownBy(() -> documents.check("acme", "acme"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two different tenants");
    assertThatThrownBy(() -> documents.check(" ", "acme"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tenant id");
    assertThatThrownBy(() -> new TenantIsolation.TenantPair("a", "a"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void builder_badConfiguration_isRefusedWithTheReason() {
    TenantIsolation.Builder builder = TenantIsolation.builder(PG.applicationDataSource());

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("at least one table");
    assertThatThrownBy(() -> builder.table("Docs; DROP", "tenant_id", "INSERT ? "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lower-case identifier");
    assertThatThrownBy(() -> builder.table("docs", "tenant id", "INSERT ?"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tenantColumn");
    assertThatThrownBy(() -> builder.table("docs", "tenant_id", "INSERT INTO docs VALUES (?, ?)"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exactly one ?");
    builder.table("docs", "tenant_id", "INSERT INTO docs (tenant_id) VALUES (?)");
    assertThatThrownBy(
            () -> builder.table("docs", "tenant_id", "INSERT INTO docs (tenant_id) VALUES (?)"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already added");
  }

  private static long countAll(String table) throws SQLException {
    return count("SELECT count(*) FROM " + table, null);
  }

  private static long countWhere(String table, String tenant) throws SQLException {
    return count("SELECT count(*) FROM " + table + " WHERE tenant_id = ?", tenant);
  }

  private static long count(String sql, String tenant) throws SQLException {
    try (Connection owner = PG.ownerDataSource().getConnection();
        PreparedStatement statement = owner.prepareStatement(sql)) {
      if (tenant != null) {
        statement.setString(1, tenant);
      }
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }
}
