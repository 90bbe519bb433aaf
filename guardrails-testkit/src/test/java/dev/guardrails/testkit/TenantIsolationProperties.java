package dev.guardrails.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.guardrails.data.RowLevelSecurity;
import dev.guardrails.testkit.TenantIsolation.Finding;
import dev.guardrails.testkit.TenantIsolation.Probe;
import dev.guardrails.testkit.TenantIsolation.Session;
import dev.guardrails.testkit.TenantIsolation.TenantPair;
import java.sql.Connection;
import java.sql.SQLException;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;

/** The RLS property as a consumer writes it, over random pairs of tenants on real PostgreSQL. */
class TenantIsolationProperties {

  static final GuardrailsPostgres PG =
      GuardrailsPostgres.builder()
          .userMigrations("classpath:db/isolation")
          .applicationRole("isolation_app")
          .build();

  static TenantIsolation guarded;
  static TenantIsolation unguarded;

  @BeforeContainer
  static void start() throws SQLException {
    PG.start();
    try (Connection owner = PG.ownerDataSource().getConnection()) {
      RowLevelSecurity.enable(owner, "documents", "tenant_id");
    }
    guarded =
        TenantIsolation.builder(PG.applicationDataSource())
            .table(
                "documents",
                "tenant_id",
                "INSERT INTO documents (tenant_id, title) VALUES (?, 't')")
            .build();
    unguarded =
        TenantIsolation.builder(PG.applicationDataSource())
            .table("open_notes", "tenant_id", "INSERT INTO open_notes (tenant_id) VALUES (?)")
            .build();
  }

  @Property(tries = 40)
  void rowLevelSecurity_keepsEveryPairOfTenantsApart(@ForAll("pairs") TenantPair pair) {
    guarded.assertIsolated(pair);
  }

  @Property(tries = 15)
  void tableWithoutRowLevelSecurity_isCaughtForEveryPair(@ForAll("pairs") TenantPair pair) {
    assertThat(unguarded.check(pair.tenant(), pair.otherTenant()))
        .extracting(Finding::session, Finding::probe)
        .contains(
            org.assertj.core.groups.Tuple.tuple(Session.OTHER_TENANT, Probe.READ),
            org.assertj.core.groups.Tuple.tuple(Session.NO_TENANT, Probe.READ));
  }

  @Provide
  Arbitrary<TenantPair> pairs() {
    return TenantIsolation.tenantPairs();
  }
}
