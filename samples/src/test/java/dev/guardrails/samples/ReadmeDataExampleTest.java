package dev.guardrails.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.guardrails.core.Actor;
import dev.guardrails.core.Conflict;
import dev.guardrails.core.GuardContext;
import dev.guardrails.data.AuditedRepository;
import dev.guardrails.data.Database;
import dev.guardrails.data.Dialect;
import dev.guardrails.data.Migrations;
import dev.guardrails.data.PageRequest;
import dev.guardrails.data.RowScope;
import dev.guardrails.data.TableMapping;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** The README's data example, compiled and run on H2. */
final class ReadmeDataExampleTest {

  record Client(UUID id, String ownerId, String name, String taxId, long version) {}

  @Test
  void auditedTenantScopedRepository_writesAuditRowsAndHidesOtherTenants() throws Exception {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL(
        "jdbc:h2:mem:readme;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1");
    execute(
        dataSource,
        "CREATE TABLE clients (id uuid PRIMARY KEY, tenant_id varchar(256) NOT NULL,"
            + " owner_id varchar(256) NOT NULL, name varchar(200) NOT NULL,"
            + " tax_id varchar(20), version bigint NOT NULL)");
    Clock clock = Clock.systemUTC();

    // --- README: an audited, tenant-scoped repository ---
    Migrations.builder(dataSource, Dialect.h2()).build().migrate(); // audit + idempotency tables
    Database database = Database.builder(dataSource, Dialect.h2()).clock(clock).build();
    AuditedRepository<Client> clients =
        AuditedRepository.of(
            database,
            TableMapping.forRecord(Client.class, "clients")
                .ownerColumn("owner_id")
                .versionColumn("version")
                .sensitive("tax_id") // masked in the audit row's JSON
                .build(),
            RowScope.tenant()); // every query is scoped to the actor's tenant

    Actor clerk = Actor.person("user-42", "firm-7", "clerk");
    try (GuardContext.Scope scope = GuardContext.start(clerk, clock).open()) {
      Client saved = clients.insert(new Client(UUID.randomUUID(), "user-42", "Acme", "DE123", 0));
      clients.update(new Client(saved.id(), "user-42", "Acme GmbH", "DE123", saved.version()));
    }
    // --- end ---

    UUID id;
    try (GuardContext.Scope scope = GuardContext.start(clerk, clock).open()) {
      Client current = clients.list(PageRequest.first(10)).items().get(0);
      id = current.id();
      assertThat(current.name()).isEqualTo("Acme GmbH");
      Client stale = new Client(id, "user-42", "Stale", "DE123", current.version() - 1);
      assertThatThrownBy(() -> clients.update(stale)).isInstanceOf(Conflict.class);
    }
    Actor otherFirm = Actor.person("user-9", "firm-8", "clerk");
    try (GuardContext.Scope scope = GuardContext.start(otherFirm, clock).open()) {
      assertThat(clients.findById(id)).isEmpty();
    }
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT count(*) FROM guardrails_audit WHERE table_name = 'clients'")) {
      assertThat(rows.next()).isTrue();
      assertThat(rows.getInt(1)).isEqualTo(2);
    }
  }

  private static void execute(DataSource dataSource, String sql) throws Exception {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
