package dev.guardrails.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.guardrails.cost.PostgresBudgetStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The budget invariants on guardrails-cost's PostgreSQL store, over random call sequences. */
final class BudgetInvariantsPostgresTest {

  @RegisterExtension static final GuardrailsPostgres PG = GuardrailsPostgres.builder().build();

  @BeforeAll
  static void createSchema() {
    PostgresBudgetStore.create(PG.ownerDataSource()).createSchema();
  }

  @Test
  void postgresStore_underRandomConcurrentSequences_keepsEveryInvariant() throws SQLException {
    DataSource db = PG.ownerDataSource();
    List<List<BudgetCall>> sequences =
        BudgetInvariantsProperties.calls().sampleStream().limit(8).toList();
    int granted = 0;
    for (List<BudgetCall> calls : sequences) {
      truncate(db);
      TestClock clock = TestClock.at(BudgetInvariantsProperties.NOON);
      BudgetInvariants.Outcome outcome =
          BudgetInvariants.runner(
                  BudgetInvariantsProperties.guard(PostgresBudgetStore.create(db), clock), clock)
              .threads(4)
              .check(calls);
      granted += outcome.granted();
    }
    assertThat(granted).isPositive();
  }

  private static void truncate(DataSource db) throws SQLException {
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.execute("TRUNCATE gr_budget_usage, gr_budget_rolling, gr_budget_reservation");
    }
  }
}
