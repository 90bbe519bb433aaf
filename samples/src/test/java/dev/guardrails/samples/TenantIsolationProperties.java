package dev.guardrails.samples;

import dev.guardrails.testkit.GuardrailsPostgres;
import dev.guardrails.testkit.TenantIsolation;
import dev.guardrails.testkit.TenantIsolation.TenantPair;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Invoice Desk's own schema under the testkit's RLS property: for random pairs of firms, neither
 * clients nor invoices of one are reachable from the other, with no firm set, with an empty one, or
 * on a connection that just served another firm, as the application's role connects.
 */
class TenantIsolationProperties {

  static final GuardrailsPostgres PG =
      GuardrailsPostgres.builder()
          .userMigrations(DeskDatabase.MIGRATIONS)
          .applicationRole(DeskDatabase.APP_ROLE)
          .build();

  /** A client per firm with an id derived from the firm, so invoices can name it blind. */
  static final String CLIENT_ID = "md5('client:' || ?)::uuid";

  static TenantIsolation desk;

  @BeforeContainer
  static void start() throws SQLException {
    PG.start();
    try (Connection owner = PG.ownerDataSource().getConnection();
        Statement statement = owner.createStatement()) {
      statement.execute("GRANT SELECT ON firms TO " + DeskDatabase.APP_ROLE);
      statement.execute(
          "GRANT SELECT, INSERT, UPDATE, DELETE ON clients, invoices TO " + DeskDatabase.APP_ROLE);
    }
    desk =
        TenantIsolation.builder(PG.applicationDataSource())
            .table(
                "clients",
                "tenant_id",
                "INSERT INTO clients (id, tenant_id, owner_id, name, email, tax_id, version)"
                    + " VALUES (gen_random_uuid(), ?, 'owner', 'Client', 'c@example.com', 'T1', 1)")
            .table(
                "invoices",
                "tenant_id",
                (connection, firm) -> {
                  try (PreparedStatement insert =
                      connection.prepareStatement(
                          "INSERT INTO invoices (id, tenant_id, owner_id, client_id, number,"
                              + " description, amount_cents, currency, due_date, status, version)"
                              + " VALUES (gen_random_uuid(), ?, 'owner', "
                              + CLIENT_ID
                              + ", gen_random_uuid()::text, 'Work', 100, 'USD', DATE '2027-01-31',"
                              + " 'OPEN', 1)")) {
                    insert.setString(1, firm);
                    insert.setString(2, firm);
                    return insert.executeUpdate();
                  }
                })
            .build();
  }

  @Property(tries = 25)
  void noFirmReachesAnotherFirmsClientsOrInvoices(@ForAll("firms") TenantPair pair)
      throws SQLException {
    registerFirms(pair);
    desk.assertIsolated(pair);
  }

  @Provide
  Arbitrary<TenantPair> firms() {
    return TenantIsolation.tenantPairs();
  }

  /** Firms are reference data the owner registers, each with the client its invoices bill. */
  private static void registerFirms(TenantPair pair) throws SQLException {
    try (Connection owner = PG.ownerDataSource().getConnection();
        PreparedStatement firm =
            owner.prepareStatement(
                "INSERT INTO firms (id, name) VALUES (?, 'Firm') ON CONFLICT (id) DO NOTHING");
        PreparedStatement client =
            owner.prepareStatement(
                "INSERT INTO clients (id, tenant_id, owner_id, name, email, tax_id, version)"
                    + " VALUES ("
                    + CLIENT_ID
                    + ", ?, 'owner', 'Billed', 'b@example.com', 'T2', 1)"
                    + " ON CONFLICT (id) DO NOTHING")) {
      for (String id : new String[] {pair.tenant(), pair.otherTenant()}) {
        firm.setString(1, id);
        firm.executeUpdate();
        client.setString(1, id);
        client.setString(2, id);
        client.executeUpdate();
      }
    }
  }
}
