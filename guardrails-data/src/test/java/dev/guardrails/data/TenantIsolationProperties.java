package dev.guardrails.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.guardrails.core.NotFound;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Invariants of the audited repository under random operations by actors of several tenants. */
final class TenantIsolationProperties {

  enum Kind {
    INSERT,
    UPDATE,
    DELETE,
    FIND,
    LIST
  }

  record Op(Kind kind, String tenant, String actor, int pick) {}

  private final DataSource dataSource;
  private final AuditedRepository<RepositoryContract.Note> notes;
  // the database lives as long as the property, across tries, and so does what it holds
  private final Map<UUID, String> tenantOf = new HashMap<>();
  private final List<UUID> ids = new ArrayList<>();

  TenantIsolationProperties() {
    dataSource = TestDatabases.newH2("props");
    Migrations.builder(dataSource, Dialect.h2()).build().migrate();
    TestDatabases.execute(dataSource, RepositoryContract.NOTES_DDL);
    notes =
        AuditedRepository.of(
            Database.builder(dataSource, Dialect.h2()).build(),
            RepositoryContract.NOTES,
            RowScope.tenant());
  }

  @Provide
  Arbitrary<List<Op>> operations() {
    Arbitrary<Op> op =
        Combinators.combine(
                Arbitraries.of(Kind.class),
                Arbitraries.of("t1", "t2", "t3"),
                Arbitraries.of("a", "b"),
                Arbitraries.integers().between(0, 1000))
            .as(Op::new);
    return op.list().ofMinSize(1).ofMaxSize(12);
  }

  @Property(tries = 25)
  void scopedOperations_neverCrossTenantsAndEveryStoredRowIsAudited(
      @ForAll("operations") List<Op> ops) throws Exception {
    for (Op op : ops) {
      Contexts.run(op.actor(), op.tenant(), () -> apply(op, ids, tenantOf));
    }

    assertThat(
            RowLevelSecurityPostgresTest.countRows(
                dataSource,
                "SELECT count(*) FROM notes n WHERE (SELECT count(*) FROM guardrails_audit a"
                    + " WHERE a.record_id = CAST(n.id AS varchar) AND a.action = 'INSERT'"
                    + " AND a.tenant_id = n.tenant_id) <> 1"))
        .as("rows without exactly one insert audit row in their tenant")
        .isZero();
    assertThat(
            RowLevelSecurityPostgresTest.countRows(
                dataSource,
                "SELECT count(*) FROM guardrails_audit a WHERE NOT EXISTS (SELECT 1 FROM notes n"
                    + " WHERE CAST(n.id AS varchar) = a.record_id AND n.tenant_id = a.tenant_id)"))
        .as("audit rows without their record in the same tenant")
        .isZero();
  }

  private void apply(Op op, List<UUID> ids, Map<UUID, String> tenantOf) {
    Optional<UUID> picked =
        ids.isEmpty() ? Optional.empty() : Optional.of(ids.get(op.pick() % ids.size()));
    switch (op.kind()) {
      case INSERT -> {
        RepositoryContract.Note note = notes.insert(RepositoryContract.note("p"));
        ids.add(note.id());
        tenantOf.put(note.id(), op.tenant());
      }
      case FIND ->
          picked.ifPresent(
              id -> {
                Optional<RepositoryContract.Note> found = notes.findById(id);
                if (found.isPresent()) {
                  assertThat(tenantOf.get(id)).isEqualTo(op.tenant());
                }
              });
      case LIST ->
          assertThat(notes.list(PageRequest.first(PageRequest.MAX_LIMIT)).items())
              .allSatisfy(n -> assertThat(tenantOf.get(n.id())).isEqualTo(op.tenant()));
      case UPDATE ->
          picked.ifPresent(
              id -> {
                Optional<RepositoryContract.Note> current = notes.findById(id);
                if (current.isPresent()) {
                  notes.update(current.get().withTitle("u" + op.pick()));
                } else {
                  assertNotFound(
                      () -> notes.update(new RepositoryContract.Note(id, null, "x", null, 1)));
                }
              });
      case DELETE ->
          picked.ifPresent(
              id -> {
                if (notes.findById(id).isPresent()) {
                  notes.delete(id);
                  assertThat(notes.findById(id)).isEmpty();
                } else {
                  assertNotFound(() -> notes.delete(id));
                }
              });
    }
  }

  private static void assertNotFound(Runnable write) {
    try {
      write.run();
      throw new AssertionError("write outside the actor's tenant succeeded");
    } catch (NotFound expected) {
      assertThat(expected.status()).isEqualTo(404);
    }
  }
}
