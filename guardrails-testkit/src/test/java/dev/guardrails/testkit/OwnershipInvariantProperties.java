package dev.guardrails.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.guardrails.auth.Guard;
import dev.guardrails.auth.Resource;
import dev.guardrails.core.Actor;
import dev.guardrails.core.EventSink;
import java.util.Set;
import java.util.function.BiPredicate;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

final class OwnershipInvariantProperties {

  private static final Set<String> ROLES = Set.of("member", "viewer", "accountant", "support");
  private static final String READ = "invoice:read";

  private static final Guard GUARD =
      Guard.builder()
          .grantOnOwn("member", READ)
          .grant("viewer", READ)
          .inherit("accountant", "viewer")
          .grantAcrossTenants("support", READ)
          .eventSink(EventSink.noop())
          .build();

  /** The real server-side check: the record as loaded from the database. */
  private static final BiPredicate<Actor, OwnedRecord> GUARD_READ =
      (actor, rec) ->
          GUARD
              .decide(
                  actor, READ, Resource.owned("invoice", rec.id(), rec.tenantId(), rec.ownerId()))
              .allowed();

  /** Broken: builds the resource from the owner id the client sent, which is its own id. */
  private static final BiPredicate<Actor, OwnedRecord> TRUSTS_CLIENT_OWNER =
      (actor, rec) ->
          GUARD
              .decide(actor, READ, Resource.owned("invoice", rec.id(), rec.tenantId(), actor.id()))
              .allowed();

  /** Broken: forgets the record's tenant and assumes the actor's own. */
  private static final BiPredicate<Actor, OwnedRecord> FORGETS_TENANT =
      (actor, rec) ->
          GUARD
              .decide(
                  actor, READ, Resource.owned("invoice", rec.id(), actor.tenantId(), rec.ownerId()))
              .allowed();

  private static OwnershipInvariant invariant(BiPredicate<Actor, OwnedRecord> reach) {
    return OwnershipInvariant.forRecords("invoice")
        .reach(reach)
        .tenantWideWhen(actor -> actor.hasRole("viewer") || actor.hasRole("accountant"))
        .crossTenantWhen(actor -> actor.hasRole("support"))
        .build();
  }

  @Provide
  Arbitrary<Actor> actors() {
    return GuardrailsArbitraries.actors(ROLES);
  }

  @Provide
  Arbitrary<OwnedRecord> invoices() {
    return invariant(GUARD_READ).records();
  }

  @Property(tries = 2000)
  void guard_neverLetsAnActorReachAnotherOwnersOrTenantsRecord(
      @ForAll("actors") Actor actor, @ForAll("invoices") OwnedRecord invoice) {
    invariant(GUARD_READ).check(actor, invoice);

    boolean reached = GUARD_READ.test(actor, invoice);
    String how =
        !reached
            ? "denied"
            : !invoice.tenantId().equals(actor.tenantId())
                ? "cross-tenant"
                : invoice.ownerId().equals(actor.id()) ? "own" : "tenant-wide";
    Statistics.collect(how);
    Statistics.coverage(
        coverage -> {
          coverage.check("denied").count(n -> n > 0);
          coverage.check("cross-tenant").count(n -> n > 0);
          coverage.check("tenant-wide").count(n -> n > 0);
          coverage.check("own").count(n -> n > 0);
        });
  }

  @Property(tries = 500)
  void allows_agreesWithTheGuardOnEveryPair(
      @ForAll("actors") Actor actor, @ForAll("invoices") OwnedRecord invoice) {
    OwnershipInvariant rule = invariant(GUARD_READ);
    boolean reached = GUARD_READ.test(actor, invoice);
    if (reached) {
      assertThat(rule.allows(actor, invoice)).isTrue();
    }
  }

  @Test
  void check_accessFunctionTrustingTheClientsOwnerId_fails() {
    OwnershipInvariant broken = invariant(TRUSTS_CLIENT_OWNER);
    Actor member = Actor.person("user-1", "tenant-0", "member");
    OwnedRecord othersInvoice = new OwnedRecord("invoice", "invoice-7", "user-2", "tenant-0");

    assertThatThrownBy(() -> broken.check(member, othersInvoice))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("user-1")
        .hasMessageContaining("invoice-7")
        .hasMessageContaining("owner user-2")
        .hasMessageContaining("owned by another actor without a tenant-wide permission");
  }

  @Test
  void check_accessFunctionForgettingTheTenant_fails() {
    OwnershipInvariant broken = invariant(FORGETS_TENANT);
    Actor viewer = Actor.person("user-1", "tenant-0", "viewer");
    OwnedRecord foreign = new OwnedRecord("invoice", "invoice-9", "user-5", "tenant-3");

    assertThatThrownBy(() -> broken.check(viewer, foreign))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("tenant tenant-3")
        .hasMessageContaining("in another tenant without a cross-tenant permission");
  }

  @Test
  void check_randomPairsAgainstBrokenFunctions_findAViolation() {
    Arbitrary<Runnable> ownerChecks =
        Combinators.combine(actors(), invoices())
            .as((a, r) -> () -> invariant(TRUSTS_CLIENT_OWNER).check(a, r));
    Arbitrary<Runnable> tenantChecks =
        Combinators.combine(actors(), invoices())
            .as((a, r) -> () -> invariant(FORGETS_TENANT).check(a, r));

    assertThatThrownBy(() -> ownerChecks.sampleStream().limit(5000).forEach(Runnable::run))
        .isInstanceOf(AssertionFailedError.class);
    assertThatThrownBy(() -> tenantChecks.sampleStream().limit(5000).forEach(Runnable::run))
        .isInstanceOf(AssertionFailedError.class);
  }

  @Test
  void check_ownRecordAndDeniedAccess_pass() {
    OwnershipInvariant denyAll = invariant((a, r) -> false);
    OwnershipInvariant reachOwn =
        invariant((a, r) -> a.id().equals(r.ownerId()) && a.tenantId().equals(r.tenantId()));
    Actor member = Actor.person("user-1", "tenant-0", "member");

    assertThatCode(
            () -> denyAll.check(member, new OwnedRecord("invoice", "i", "user-2", "tenant-1")))
        .doesNotThrowAnyException();
    assertThatCode(
            () -> reachOwn.check(member, new OwnedRecord("invoice", "i", "user-1", "tenant-0")))
        .doesNotThrowAnyException();
  }

  @Test
  void defaultOracle_allowsNoWiderAccess() {
    OwnershipInvariant strict =
        OwnershipInvariant.forRecords("invoice").reach((a, r) -> true).build();
    Actor admin = Actor.person("user-1", "tenant-0", "support");

    assertThatThrownBy(
            () -> strict.check(admin, new OwnedRecord("invoice", "i", "user-2", "tenant-0")))
        .isInstanceOf(AssertionFailedError.class);
  }

  @Test
  void builder_misuse_failsWithAMessage() {
    assertThatThrownBy(() -> OwnershipInvariant.forRecords("invoice").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("reach(fn)");
    assertThatThrownBy(() -> OwnershipInvariant.forRecords(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be blank");
    OwnershipInvariant rule = invariant(GUARD_READ);
    assertThatThrownBy(
            () ->
                rule.check(
                    Actor.person("u", "t", "viewer"), new OwnedRecord("order", "o", "u", "t")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("record type must be 'invoice', but was 'order'");
  }
}
