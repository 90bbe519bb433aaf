package dev.guardrails.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

final class MigrationsTest {

  @Test
  void migrate_h2_runsLibraryThenUserMigrationsOnce() {
    DataSource h2 = TestDatabases.newH2("mig");
    Migrations migrations =
        Migrations.builder(h2, Dialect.h2()).userLocations("classpath:db/user").build();

    assertThat(migrations.migrate()).isEqualTo(new Migrations.Result(2, 1));
    assertThat(migrations.migrate()).isEqualTo(new Migrations.Result(0, 0));
  }

  @Test
  void clean_isDisabledByDefault() {
    DataSource h2 = TestDatabases.newH2("clean");
    Migrations migrations = Migrations.builder(h2, Dialect.h2()).build();
    migrations.migrate();

    assertThatThrownBy(migrations::clean)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("clean is disabled");
  }

  @Test
  void clean_allowedByName_dropsTheSchema() throws SQLException {
    DataSource h2 = TestDatabases.newH2("clean2");
    Migrations migrations = Migrations.builder(h2, Dialect.h2()).allowClean().build();
    migrations.migrate();

    migrations.clean();

    try (Connection c = h2.getConnection()) {
      assertThat(MigrationLint.tables(c)).doesNotContainKey("guardrails_audit");
    }
  }

  @Test
  void lint_h2_tableWithoutPrimaryKey_failsTheMigration() {
    DataSource h2 = TestDatabases.newH2("lint");
    Migrations migrations =
        Migrations.builder(h2, Dialect.h2())
            .userLocations("classpath:db/lintbad_pk")
            .lint(MigrationLint.builder().build())
            .build();

    assertThatThrownBy(migrations::migrate)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("V1__log.sql fails the lint: table event_log has no primary key");
  }

  @Test
  void lint_postgres_tenantTableWithoutForcedRls_failsAndIsRolledBack() throws SQLException {
    DataSource pg = TestDatabases.newPostgres("lint");
    Migrations migrations =
        Migrations.builder(pg, Dialect.postgresql())
            .userLocations("classpath:db/lintbad_rls")
            .lint(MigrationLint.builder().tenantScoped("orders", "invoices").build())
            .build();

    assertThatThrownBy(migrations::migrate)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("tenant-scoped table orders does not have forced row-level security");
    try (Connection c = pg.getConnection()) {
      assertThat(MigrationLint.tables(c))
          .doesNotContainKey("orders")
          .containsKey("guardrails_audit");
    }
  }

  @Test
  void lint_postgres_tenantTableWithoutTenantColumn_fails() {
    DataSource pg = TestDatabases.newPostgres("lint2");
    Migrations migrations =
        Migrations.builder(pg, Dialect.postgresql())
            .userLocations("classpath:db/lintbad_rls")
            .lint(MigrationLint.builder().tenantScoped("invoices").build())
            .build();

    assertThatThrownBy(migrations::migrate)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("tenant-scoped table invoices has no column tenant_id");
  }

  @Test
  void lint_postgres_conformingMigration_passes() {
    DataSource pg = TestDatabases.newPostgres("lint3");
    Migrations migrations =
        Migrations.builder(pg, Dialect.postgresql())
            .userLocations("classpath:db/lintok")
            .lint(MigrationLint.builder().tenantScoped("orders").build())
            .build();

    assertThat(migrations.migrate()).isEqualTo(new Migrations.Result(2, 1));
  }

  @Test
  void lint_postgres_laterMigrationUnforcingATenantTable_failsAndIsRolledBack()
      throws SQLException {
    // regression: only tables a migration created were linted, so a later ALTER TABLE ... NO
    // FORCE (or DISABLE) ROW LEVEL SECURITY on a tenant-scoped table passed the lint
    DataSource pg = TestDatabases.newPostgres("lint4");
    Migrations migrations =
        Migrations.builder(pg, Dialect.postgresql())
            .userLocations("classpath:db/lintbad_unforce")
            .lint(MigrationLint.builder().tenantScoped("orders").build())
            .build();

    assertThatThrownBy(migrations::migrate)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(
            "V2__orders_unforced.sql fails the lint: tenant-scoped table orders does not have"
                + " forced row-level security");
    try (Connection c = pg.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT relforcerowsecurity FROM pg_class WHERE relname = 'orders'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getBoolean(1)).as("V2 rolled back").isTrue();
    }
  }

  @Test
  void builder_rejectsInjectedRoleNames() {
    assertThatThrownBy(
            () ->
                Migrations.builder(TestDatabases.newH2("x"), Dialect.h2())
                    .applicationRole("app; DROP TABLE x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("applicationRole must be a lower-case SQL identifier");
  }
}
