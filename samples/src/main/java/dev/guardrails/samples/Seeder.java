package dev.guardrails.samples;

import dev.guardrails.core.Actor;
import dev.guardrails.core.GuardContext;
import dev.guardrails.data.AuditedRepository;
import dev.guardrails.data.PageRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seeds the demo firms, their clients and invoices (one of them overdue) once, through the audited
 * repositories, so that the audit trail starts with the seed.
 */
final class Seeder {

  private static final Logger LOG = LoggerFactory.getLogger(Seeder.class);

  private final AuditedRepository<Client> clients;
  private final AuditedRepository<Invoice> invoices;
  private final Clock clock;

  Seeder(AuditedRepository<Client> clients, AuditedRepository<Invoice> invoices, Clock clock) {
    this.clients = clients;
    this.invoices = invoices;
    this.clock = clock;
  }

  /**
   * Inserts the firms as the schema owner (the application role may only read them), then each
   * firm's data unless it has some already.
   *
   * @param owner the schema owner's data source
   */
  void seed(DataSource owner) {
    try (Connection connection = owner.getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO firms (id, name) VALUES (?, ?) ON CONFLICT (id) DO NOTHING")) {
      connection.setAutoCommit(true);
      for (DemoUsers.Firm firm : DemoUsers.FIRMS) {
        insert.setString(1, firm.id());
        insert.setString(2, firm.name());
        insert.executeUpdate();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("the demo firms could not be inserted", e);
    }
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    seedFirm(
        DemoUsers.NORTH.id(),
        today,
        new String[][] {
          {"anna", "Acme GmbH", "billing@acme.example", "DE811234567"},
          {"ben", "Birch & Co", "accounts@birch.example", "GB123456789"}
        },
        new Object[][] {
          {0, "anna", "N-1001", "Annual accounts 2025", 240_000L, 14},
          {1, "ben", "N-1002", "Payroll, October", 85_000L, -10},
          {0, "anna", "N-1003", "VAT return Q3", 42_500L, 30}
        });
    seedFirm(
        DemoUsers.SOUTH.id(),
        today,
        new String[][] {{"dmitri", "Harbor Ltd", "ap@harbor.example", "GB987654321"}},
        new Object[][] {{0, "dmitri", "S-2001", "Tax advice, merger", 1_250_000L, 21}});
  }

  private void seedFirm(
      String firm, LocalDate today, String[][] clientRows, Object[][] invoiceRows) {
    Actor seed = Actor.service("seed", firm, "system");
    try (GuardContext.Scope scope = GuardContext.start(seed, clock).open()) {
      if (!clients.list(PageRequest.first(1)).items().isEmpty()) {
        LOG.info("firm {} already has data; not seeding", firm);
        return;
      }
      UUID[] clientIds = new UUID[clientRows.length];
      for (int i = 0; i < clientRows.length; i++) {
        String[] c = clientRows[i];
        clientIds[i] =
            clients.insert(new Client(UUID.randomUUID(), firm, c[0], c[1], c[2], c[3], 0)).id();
      }
      for (Object[] row : invoiceRows) {
        invoices.insert(
            new Invoice(
                UUID.randomUUID(),
                firm,
                (String) row[1],
                clientIds[(Integer) row[0]],
                (String) row[2],
                (String) row[3],
                (Long) row[4],
                "EUR",
                today.plusDays((Integer) row[5]),
                "OPEN",
                0,
                0));
      }
      LOG.info(
          "seeded firm {}: {} clients, {} invoices", firm, clientRows.length, invoiceRows.length);
    }
  }
}
