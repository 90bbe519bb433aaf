package dev.guardrails.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.guardrails.core.Actor;
import dev.guardrails.core.EventSink;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** The single check, the batch filter and the SQL scope never disagree. */
final class GuardScopeProperties {

  private static final List<String> TENANTS = List.of("t1", "t2", "t3");
  private static final List<String> USERS = List.of("u1", "u2", "u3");
  private static final List<Invoice> RECORDS = new ArrayList<>();
  private static Connection db;

  private static final Guard GUARD =
      Guard.builder()
          .grant("reader", "doc:read")
          .grantOnOwn("author", "doc:read", "doc:write")
          .inherit("editor", "author")
          .grant("editor", "doc:write")
          .grantAcrossTenants("admin", "doc:read", "doc:delete")
          .ownersMay("doc:delete")
          .eventSink(EventSink.noop())
          .build();

  @BeforeContainer
  static void createTable() throws SQLException {
    db = DriverManager.getConnection("jdbc:h2:mem:scope;DB_CLOSE_DELAY=-1");
    try (Statement statement = db.createStatement()) {
      statement.execute(
          "CREATE TABLE invoice (id VARCHAR(20) PRIMARY KEY, tenant_id VARCHAR(20) NOT NULL,"
              + " owner_id VARCHAR(20))");
    }
    int n = 0;
    try (PreparedStatement insert = db.prepareStatement("INSERT INTO invoice VALUES (?, ?, ?)")) {
      for (String tenant : TENANTS) {
        for (String user : USERS) {
          for (int copy = 0; copy < 2; copy++) {
            Invoice invoice = new Invoice("inv-" + n++, tenant, user);
            RECORDS.add(invoice);
            insert.setString(1, invoice.id());
            insert.setString(2, invoice.tenantId());
            insert.setString(3, invoice.ownerId());
            insert.executeUpdate();
          }
        }
      }
    }
  }

  @AfterContainer
  static void dropTable() throws SQLException {
    db.close();
  }

  @Property(tries = 300)
  void singleCheck_filterAndSqlScope_agree(
      @ForAll("actors") Actor actor, @ForAll("permissions") String permission) throws SQLException {
    Set<String> bySingleCheck = new TreeSet<>();
    for (Invoice invoice : RECORDS) {
      if (GUARD.decide(actor, permission, Invoice.TYPE, invoice).allowed()) {
        bySingleCheck.add(invoice.id());
      }
    }
    Set<String> byFilter = new TreeSet<>();
    GUARD.filter(actor, permission, Invoice.TYPE, RECORDS).forEach(i -> byFilter.add(i.id()));
    Set<String> bySql = new TreeSet<>();
    ListScope scope = GUARD.scope(actor, permission, Invoice.TYPE);
    try (PreparedStatement query =
        db.prepareStatement("SELECT id FROM invoice WHERE " + scope.whereClause())) {
      List<String> parameters = scope.parameters();
      for (int i = 0; i < parameters.size(); i++) {
        query.setString(i + 1, parameters.get(i));
      }
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          bySql.add(rows.getString(1));
        }
      }
    }

    Set<String> byBatch = new TreeSet<>();
    List<Decision> decisions = GUARD.decideAll(actor, permission, Invoice.TYPE, RECORDS);
    for (int i = 0; i < RECORDS.size(); i++) {
      assertThat(decisions.get(i))
          .isSameAs(GUARD.decide(actor, permission, Invoice.TYPE, RECORDS.get(i)));
      if (decisions.get(i).allowed()) {
        byBatch.add(RECORDS.get(i).id());
      }
    }

    assertThat(byFilter).isEqualTo(bySingleCheck);
    assertThat(byBatch).isEqualTo(bySingleCheck);
    assertThat(bySql).isEqualTo(bySingleCheck);
  }

  @Property(tries = 300)
  void reachableRecord_isAlwaysInActorsTenantUnlessCrossTenantGrant(
      @ForAll("actors") Actor actor, @ForAll("permissions") String permission) {
    for (Invoice invoice : RECORDS) {
      Decision decision = GUARD.decide(actor, permission, Invoice.TYPE, invoice);
      if (decision.allowed() && !invoice.tenantId().equals(actor.tenantId())) {
        assertThat(decision.reason()).isEqualTo(Decision.Reason.CROSS_TENANT_GRANT);
        assertThat(actor.roles()).contains("admin");
      }
    }
  }

  @Provide
  Arbitrary<Actor> actors() {
    return Combinators.combine(
            Arbitraries.of(USERS),
            Arbitraries.of(TENANTS),
            Arbitraries.of("reader", "author", "editor", "admin", "stranger").set().ofMaxSize(3))
        .as((user, tenant, roles) -> Actor.person(user, tenant, roles));
  }

  @Provide
  Arbitrary<String> permissions() {
    return Arbitraries.of("doc:read", "doc:write", "doc:delete", "doc:unknown");
  }
}
