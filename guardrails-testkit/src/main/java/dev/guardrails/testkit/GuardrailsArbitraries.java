package dev.guardrails.testkit;

import dev.guardrails.core.Actor;
import dev.guardrails.core.ActorKind;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik arbitraries for the parties of an authorization property: tenants, actors with roles, and
 * records they may or may not own.
 *
 * <p>Ids are drawn from small pools on purpose, so that random pairs often share a tenant or an
 * owner as well as often differ: a property about cross-tenant access needs both cases. All methods
 * are thread-safe and return new arbitraries.
 */
public final class GuardrailsArbitraries {

  private static final int TENANT_POOL = 4;
  private static final int ACTOR_POOL = 12;

  private GuardrailsArbitraries() {}

  /** {@return tenant ids from a small pool: {@code tenant-0} to {@code tenant-3}} */
  public static Arbitrary<String> tenantIds() {
    return Arbitraries.integers().between(0, TENANT_POOL - 1).map(i -> "tenant-" + i);
  }

  /** {@return actor ids from a small pool: {@code user-0} to {@code user-11}} */
  public static Arbitrary<String> actorIds() {
    return Arbitraries.integers().between(0, ACTOR_POOL - 1).map(i -> "user-" + i);
  }

  /**
   * Returns sets of roles drawn from the given vocabulary, including the empty set.
   *
   * @param vocabulary the role names the application knows
   * @return the arbitrary
   * @throws IllegalArgumentException if the vocabulary is empty
   */
  public static Arbitrary<Set<String>> roles(Set<String> vocabulary) {
    Objects.requireNonNull(vocabulary, "vocabulary");
    if (vocabulary.isEmpty()) {
      throw new IllegalArgumentException("role vocabulary must not be empty");
    }
    return Arbitraries.subsetOf(List.copyOf(vocabulary));
  }

  /**
   * Returns actors of every kind, with ids and tenants from the small pools and roles from the
   * vocabulary. Jobs carry no roles, as {@link Actor#job} makes them.
   *
   * @param roleVocabulary the role names the application knows
   * @return the arbitrary
   * @throws IllegalArgumentException if the vocabulary is empty
   */
  public static Arbitrary<Actor> actors(Set<String> roleVocabulary) {
    return Combinators.combine(
            Arbitraries.of(ActorKind.class), actorIds(), tenantIds(), roles(roleVocabulary))
        .as(
            (kind, id, tenant, roles) ->
                switch (kind) {
                  case PERSON -> Actor.person(id, tenant, roles);
                  case SERVICE -> Actor.service("svc-" + id, tenant, roles);
                  case JOB -> Actor.job("job-" + id, tenant);
                });
  }

  /**
   * Returns records of the given type owned by actors from the pool, in tenants from the pool.
   *
   * @param type the record type, e.g. {@code "invoice"}
   * @return the arbitrary
   */
  public static Arbitrary<OwnedRecord> ownedRecords(String type) {
    Objects.requireNonNull(type, "type");
    return Combinators.combine(Arbitraries.integers().between(0, 999), actorIds(), tenantIds())
        .as((n, owner, tenant) -> new OwnedRecord(type, type + "-" + n, owner, tenant));
  }
}
