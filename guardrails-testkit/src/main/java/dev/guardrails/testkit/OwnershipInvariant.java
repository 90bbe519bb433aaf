package dev.guardrails.testkit;

import dev.guardrails.core.Actor;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import net.jqwik.api.Arbitrary;
import org.jspecify.annotations.Nullable;
import org.opentest4j.AssertionFailedError;

/**
 * The ownership rule as a property: no actor ever reaches a record of another owner or another
 * tenant unless it holds the permission that allows it. Point it at your own policy or service and
 * run {@link #check} for random actors and records from {@link GuardrailsArbitraries}:
 *
 * <pre>{@code
 * static final OwnershipInvariant INVOICES =
 *     OwnershipInvariant.forRecords("invoice")
 *         .reach((actor, rec) -> service.canRead(actor, rec.id()))   // your code under test
 *         .tenantWideWhen(actor -> actor.hasRole("accountant"))        // the rule, stated plainly
 *         .crossTenantWhen(actor -> actor.hasRole("support"))
 *         .build();
 *
 * @Property
 * void noActorReachesAnotherOwnersInvoice(
 *     @ForAll("actors") Actor actor, @ForAll("invoices") OwnedRecord invoice) {
 *   INVOICES.check(actor, invoice);
 * }
 * }</pre>
 *
 * <p>The two predicates are the oracle: they say which actors may legitimately reach records that
 * are not their own, within their tenant and across tenants. Whatever they do not allow must be
 * unreachable. By default nobody has tenant-wide or cross-tenant access, the safest oracle;
 * widening it needs an explicitly named call. Reaching one's own records is never a violation
 * (whether one's own records need a permission is the policy's business, not this invariant's).
 *
 * <p>Immutable and thread-safe when the functions given to the builder are.
 */
public final class OwnershipInvariant {

  private final String type;
  private final BiPredicate<Actor, OwnedRecord> reach;
  private final Predicate<Actor> tenantWide;
  private final Predicate<Actor> crossTenant;

  private OwnershipInvariant(Builder b, BiPredicate<Actor, OwnedRecord> reach) {
    this.type = b.type;
    this.reach = reach;
    this.tenantWide = b.tenantWide;
    this.crossTenant = b.crossTenant;
  }

  /**
   * Starts an invariant about records of one type.
   *
   * @param type the record type, e.g. {@code "invoice"}
   * @return a builder
   * @throws NullPointerException if the type is null
   * @throws IllegalArgumentException if the type is blank
   */
  public static Builder forRecords(String type) {
    Objects.requireNonNull(type, "type");
    if (type.isBlank()) {
      throw new IllegalArgumentException("record type must not be blank, but was '" + type + "'");
    }
    return new Builder(type);
  }

  /** {@return the record type this invariant is about} */
  public String type() {
    return type;
  }

  /** {@return records of this invariant's type, from {@link GuardrailsArbitraries#ownedRecords}} */
  public Arbitrary<OwnedRecord> records() {
    return GuardrailsArbitraries.ownedRecords(type);
  }

  /**
   * Asks the access function whether the actor reaches the record and checks the answer against the
   * rule.
   *
   * @param actor the actor
   * @param record the record, of this invariant's type
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the record is of another type
   * @throws AssertionFailedError if the actor reaches a record the rule keeps from it; the message
   *     names the actor, the record and the access that would have allowed it
   */
  public void check(Actor actor, OwnedRecord record) {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(record, "record");
    if (!record.type().equals(type)) {
      throw new IllegalArgumentException(
          "record type must be '" + type + "', but was '" + record.type() + "'");
    }
    if (!reach.test(actor, record)) {
      return;
    }
    String violation = violation(actor, record);
    if (violation != null) {
      throw new AssertionFailedError(
          "ownership invariant violated for "
              + type
              + ": "
              + describe(actor)
              + " reached "
              + record.id()
              + " (owner "
              + record.ownerId()
              + ", tenant "
              + record.tenantId()
              + ") "
              + violation);
    }
  }

  /**
   * Returns whether the rule lets the actor reach the record, without asking the access function.
   *
   * @param actor the actor
   * @param record the record
   * @return true if the record is the actor's own in its tenant, or the oracle grants wider access
   * @throws NullPointerException if an argument is null
   */
  public boolean allows(Actor actor, OwnedRecord record) {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(record, "record");
    return violation(actor, record) == null;
  }

  private @Nullable String violation(Actor actor, OwnedRecord record) {
    if (!record.tenantId().equals(actor.tenantId())) {
      return crossTenant.test(actor) ? null : "in another tenant without a cross-tenant permission";
    }
    if (record.ownerId().equals(actor.id())) {
      return null;
    }
    if (tenantWide.test(actor) || crossTenant.test(actor)) {
      return null;
    }
    return "owned by another actor without a tenant-wide permission";
  }

  private static String describe(Actor actor) {
    return actor.kind().name().toLowerCase(Locale.ROOT)
        + " "
        + actor.id()
        + " of tenant "
        + actor.tenantId()
        + " with roles "
        + new TreeSet<>(actor.roles());
  }

  @Override
  public String toString() {
    return "OwnershipInvariant[" + type + "]";
  }

  /** Builds an {@link OwnershipInvariant}; not thread-safe. */
  public static final class Builder {
    private final String type;
    private @Nullable BiPredicate<Actor, OwnedRecord> reach;
    private Predicate<Actor> tenantWide = actor -> false;
    private Predicate<Actor> crossTenant = actor -> false;

    private Builder(String type) {
      this.type = type;
    }

    /**
     * Sets the code under test: whether the actor reaches (reads, changes, sees in a list) the
     * record. It should answer as the application would for a real request by that actor.
     *
     * @param reach the access function
     * @return this builder
     * @throws NullPointerException if the function is null
     */
    public Builder reach(BiPredicate<Actor, OwnedRecord> reach) {
      this.reach = Objects.requireNonNull(reach, "reach");
      return this;
    }

    /**
     * Declares which actors may reach any record of their own tenant, e.g. {@code actor ->
     * actor.hasRole("accountant")}. Default: none.
     *
     * @param rule the oracle
     * @return this builder
     * @throws NullPointerException if the rule is null
     */
    public Builder tenantWideWhen(Predicate<Actor> rule) {
      this.tenantWide = Objects.requireNonNull(rule, "rule");
      return this;
    }

    /**
     * Declares which actors may reach records of every tenant (an explicit admin grant), e.g.
     * {@code actor -> actor.hasRole("support")}. Default: none.
     *
     * @param rule the oracle
     * @return this builder
     * @throws NullPointerException if the rule is null
     */
    public Builder crossTenantWhen(Predicate<Actor> rule) {
      this.crossTenant = Objects.requireNonNull(rule, "rule");
      return this;
    }

    /**
     * Builds the invariant.
     *
     * @return the invariant
     * @throws IllegalStateException if no access function was set
     */
    public OwnershipInvariant build() {
      BiPredicate<Actor, OwnedRecord> fn = reach;
      if (fn == null) {
        throw new IllegalStateException(
            "ownership invariant for '" + type + "' needs the code under test; call reach(fn)");
      }
      return new OwnershipInvariant(this, fn);
    }
  }
}
