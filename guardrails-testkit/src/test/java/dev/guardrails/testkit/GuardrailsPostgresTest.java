package dev.guardrails.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

final class GuardrailsPostgresTest {

  @RegisterExtension
  static final GuardrailsPostgres PG =
      GuardrailsPostgres.builder()
          .userMigrations("classpath:db/testkit")
          .applicationRole("testkit_app")
          .build();

  @Test
  void dataSourceParameter_connectsAsAnUnprivilegedApplicationRole(DataSource app)
      throws SQLException {
    try (Connection connection = app.getConnection();
        Statement statement = connection.createStatement();
        ResultSet row =
            statement.executeQuery(
                "SELECT current_user, r.rolsuper, r.rolbypassrls FROM pg_roles r"
                    + " WHERE r.rolname = current_user")) {
      assertThat(row.next()).isTrue();
      assertThat(row.getString(1)).isEqualTo("testkit_app");
      assertThat(row.getBoolean(2)).as("superuser").isFalse();
      assertThat(row.getBoolean(3)).as("bypassrls").isFalse();
    }
  }

  @Test
  void migrations_libraryAndUserTablesExist_andTheAuditLogIsAppendOnlyForTheApp()
      throws SQLException {
    try (Connection connection = PG.applicationDataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("INSERT INTO notes (id, tenant_id, body) VALUES (1, 't1', 'hello')");
      try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM guardrails_audit")) {
        assertThat(rows.next()).isTrue();
      }
      assertThatThrownBy(() -> statement.execute("DELETE FROM guardrails_audit"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("permission denied");
      assertThatThrownBy(() -> statement.execute("DROP TABLE notes"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("must be owner");
    }
  }

  @Test
  void ownerDataSource_isADifferentRoleThanTheApplication() throws SQLException {
    try (Connection connection = PG.ownerDataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT current_user")) {
      assertThat(row.next()).isTrue();
      assertThat(row.getString(1)).isNotEqualTo("testkit_app");
    }
  }

  @Test
  void start_calledAgain_keepsTheSameDatabaseAndItsRows() throws SQLException {
    DataSource before = PG.ownerDataSource();
    try (Connection connection = before.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("INSERT INTO notes (id, tenant_id, body) VALUES (77, 't1', 'kept')");
    }

    assertThat(PG.start()).isSameAs(PG);

    assertThat(PG.ownerDataSource()).isSameAs(before);
    try (Connection connection = PG.ownerDataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT body FROM notes WHERE id = 77")) {
      assertThat(row.next()).isTrue();
      assertThat(row.getString(1)).isEqualTo("kept");
    }
  }

  @Test
  void dataSources_beforeStart_sayHowToStart() {
    GuardrailsPostgres notStarted = GuardrailsPostgres.builder().build();

    assertThatThrownBy(notStarted::ownerDataSource)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("@RegisterExtension")
        .hasMessageContaining("start()");
  }

  @Test
  void start_migrationFails_dataSourcesStillSayItHasNotStarted() {
    GuardrailsPostgres broken =
        GuardrailsPostgres.builder()
            .userMigrations("classpath:db/broken")
            .applicationRole("broken_app")
            .build();

    assertThatThrownBy(broken::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("V1__broken.sql");
    assertThatThrownBy(broken::applicationDataSource)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("has not started");
    assertThatThrownBy(broken::ownerDataSource)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("has not started");
  }

  @Test
  void sharedPassword_sameForEveryRunOnOneServer_differentPerRoleAndCredentials() {
    org.postgresql.ds.PGSimpleDataSource admin = new org.postgresql.ds.PGSimpleDataSource();
    admin.setURL("jdbc:postgresql://db.test:5432/postgres");
    admin.setUser("ci");
    admin.setPassword("one");
    org.postgresql.ds.PGSimpleDataSource sameServer = new org.postgresql.ds.PGSimpleDataSource();
    sameServer.setURL("jdbc:postgresql://db.test:5432/postgres");
    sameServer.setUser("ci");
    sameServer.setPassword("one");
    org.postgresql.ds.PGSimpleDataSource otherCredentials =
        new org.postgresql.ds.PGSimpleDataSource();
    otherCredentials.setURL("jdbc:postgresql://db.test:5432/postgres");
    otherCredentials.setUser("ci");
    otherCredentials.setPassword("two");

    String password = GuardrailsPostgres.sharedPassword(admin, "invoice_app");

    assertThat(password).hasSize(32).doesNotContain("one");
    assertThat(GuardrailsPostgres.sharedPassword(sameServer, "invoice_app")).isEqualTo(password);
    assertThat(GuardrailsPostgres.sharedPassword(admin, "billing_app")).isNotEqualTo(password);
    assertThat(GuardrailsPostgres.sharedPassword(otherCredentials, "invoice_app"))
        .isNotEqualTo(password);
  }

  @Test
  void builder_badOrRepeatedRole_isRefused() {
    assertThatThrownBy(() -> GuardrailsPostgres.builder().applicationRole("App; DROP"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lower-case identifier");
    assertThatThrownBy(() -> GuardrailsPostgres.builder().applicationRole("a").applicationRole("b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("application role was already set to 'a'");
  }
}
