package dev.guardrails.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.guardrails.core.AccessDecisionEvent;
import dev.guardrails.core.AccessDenied;
import dev.guardrails.core.Actor;
import dev.guardrails.core.GuardContext;
import dev.guardrails.core.InMemoryEventSink;
import dev.guardrails.core.NotFound;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

final class GuardTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

  private final InMemoryEventSink events = new InMemoryEventSink();

  private final Guard guard =
      Guard.builder()
          .grant("viewer", "invoice:read")
          .inherit("accountant", "viewer")
          .grant("accountant", "invoice:write")
          .inherit("controller", "accountant")
          .grant("controller", "invoice:approve")
          .grantOnOwn("member", "invoice:read", "invoice:write")
          .grantAcrossTenants("support", "invoice:read")
          .ownersMay("invoice:export")
          .eventSink(events)
          .clock(CLOCK)
          .build();

  private final Actor alice = Actor.person("alice", "t1", "member");
  private final Actor bob = Actor.person("bob", "t1", "member");
  private final Actor viewer = Actor.person("vera", "t1", "viewer");
  private final Actor controller = Actor.person("carl", "t1", "controller");
  private final Actor support = Actor.person("sam", "ops", "support");
  private final Actor nobody = Actor.person("nina", "t1");

  private final Invoice alicesInvoice = new Invoice("inv-1", "t1", "alice");
  private final Invoice otherTenantInvoice = new Invoice("inv-2", "t2", "alice");

  @Test
  void check_roleGrantsPermission_allows() {
    guard.check(viewer, "invoice:read");
    guard.check(viewer, "invoice:read", Invoice.TYPE, alicesInvoice);
    assertThat(events.events()).isEmpty();
  }

  @Test
  void check_noRole_throwsAccessDeniedAndPublishesDenial() {
    AccessDenied denied =
        catchThrowableOfType(
            AccessDenied.class,
            () -> guard.check(nobody, "invoice:write", Invoice.TYPE, alicesInvoice));

    assertThat(denied.permission()).isEqualTo("invoice:write");
    assertThat(denied.getMessage()).isEqualTo(AccessDenied.PUBLIC_MESSAGE);
    assertThat(denied.details()).contains("no_grant").contains("nina").contains("inv-1");
    AccessDecisionEvent event = events.events(AccessDecisionEvent.class).get(0);
    assertThat(event.allowed()).isFalse();
    assertThat(event.permission()).isEqualTo("invoice:write");
    assertThat(event.resourceType()).isEqualTo("invoice");
    assertThat(event.resourceId()).contains("inv-1");
    assertThat(event.reason()).isEqualTo("no_grant");
    assertThat(event.context().actorId()).contains("nina");
    assertThat(event.context().correlationId()).isPresent();
    assertThat(event.context().occurredAt()).isEqualTo(CLOCK.instant());
  }

  @Test
  void check_insideRequest_eventCarriesItsCorrelationId() {
    GuardContext request = GuardContext.of(nobody, "req-42", CLOCK.instant());
    try (GuardContext.Scope scope = request.open()) {
      assertThat(scope.context()).isEqualTo(request);
      assertThatThrownBy(() -> guard.check(nobody, "invoice:read"))
          .isInstanceOf(AccessDenied.class);
    }
    AccessDecisionEvent event = events.events(AccessDecisionEvent.class).get(0);
    assertThat(event.context().correlationId()).contains("req-42");
    assertThat(event.context().actorId()).contains("nina");
    assertThat(event.resourceType()).isEqualTo("invoice");
    assertThat(event.resourceId()).isEmpty();
  }

  @Test
  void decide_recordOfOtherTenant_deniedWithOtherTenant() {
    assertThat(guard.decide(viewer, "invoice:read", Invoice.TYPE, otherTenantInvoice).reason())
        .isEqualTo(Decision.Reason.OTHER_TENANT);
    assertThat(guard.decide(alice, "invoice:read", Invoice.TYPE, otherTenantInvoice).reason())
        .as("owning a record in another tenant gives nothing")
        .isEqualTo(Decision.Reason.OTHER_TENANT);
  }

  @Test
  void decide_grantOnOwn_allowsOwnerAndDeniesOthers() {
    assertThat(guard.decide(alice, "invoice:write", Invoice.TYPE, alicesInvoice).reason())
        .isEqualTo(Decision.Reason.OWNER);
    assertThat(guard.decide(bob, "invoice:write", Invoice.TYPE, alicesInvoice).reason())
        .isEqualTo(Decision.Reason.NOT_OWNER);
  }

  @Test
  void decide_ownersMay_allowsEveryOwnerWithoutRole() {
    Actor plainAlice = Actor.person("alice", "t1");
    assertThat(guard.decide(plainAlice, "invoice:export", Invoice.TYPE, alicesInvoice).reason())
        .isEqualTo(Decision.Reason.OWNER);
    assertThat(guard.decide(nobody, "invoice:export", Invoice.TYPE, alicesInvoice).reason())
        .isEqualTo(Decision.Reason.NOT_OWNER);
  }

  @Test
  void decide_crossTenantGrant_reachesEveryTenantButOnlyForThatPermission() {
    assertThat(guard.decide(support, "invoice:read", Invoice.TYPE, otherTenantInvoice).reason())
        .isEqualTo(Decision.Reason.CROSS_TENANT_GRANT);
    assertThat(guard.decide(support, "invoice:write", Invoice.TYPE, otherTenantInvoice).reason())
        .isEqualTo(Decision.Reason.NO_GRANT);
  }

  @Test
  void crossTenantAccess_isAlwaysPublishedAsPrivileged() {
    guard.decide(support, "invoice:read", Invoice.TYPE, otherTenantInvoice);
    guard.scope(support, "invoice:read", Invoice.TYPE);

    assertThat(events.events(AccessDecisionEvent.class))
        .hasSize(2)
        .allSatisfy(
            e -> {
              assertThat(e.allowed()).isTrue();
              assertThat(e.reason()).isEqualTo("cross_tenant_grant");
              assertThat(e.context().actorId()).contains("sam");
            });
    assertThat(events.events(AccessDecisionEvent.class).get(0).resourceId()).contains("inv-2");
  }

  @Test
  void decide_inheritance_isTransitive() {
    assertThat(guard.decide(controller, "invoice:read").reason())
        .isEqualTo(Decision.Reason.GRANTED);
    assertThat(guard.decide(controller, "invoice:write", Invoice.TYPE, alicesInvoice).reason())
        .isEqualTo(Decision.Reason.TENANT_GRANT);
    assertThat(guard.permissionsOf("controller"))
        .containsEntry("invoice:read", "tenant")
        .containsEntry("invoice:write", "tenant")
        .containsEntry("invoice:approve", "tenant");
    assertThat(guard.permissionsOf("viewer")).containsOnlyKeys("invoice:read");
  }

  @Test
  void decide_unknownPermission_deniedAsUnknown() {
    assertThat(guard.decide(controller, "invoice:raed").reason())
        .isEqualTo(Decision.Reason.UNKNOWN_PERMISSION);
    assertThat(guard.decide(support, "invoice:raed", Invoice.TYPE, alicesInvoice).denied())
        .isTrue();
  }

  @Test
  void decide_plainResource_followsTheSameRules() {
    Resource note = Resource.owned("note", "n-1", "t1", "alice");
    assertThat(guard.decide(alice, "invoice:read", note).reason()).isEqualTo(Decision.Reason.OWNER);
    assertThatThrownBy(() -> guard.check(bob, "invoice:read", note))
        .isInstanceOf(AccessDenied.class);
    assertThat(guard.decide(bob, "invoice:read", Resource.inTenant("note", "n-2", "t1")).reason())
        .isEqualTo(Decision.Reason.NOT_OWNER);
  }

  @Test
  void requireFound_missingAndForbidden_lookTheSame() {
    NotFound missing =
        catchThrowableOfType(
            NotFound.class,
            () -> guard.requireFound(bob, "invoice:read", Invoice.TYPE, "inv-9", Optional.empty()));
    NotFound hidden =
        catchThrowableOfType(
            NotFound.class,
            () ->
                guard.requireFound(
                    bob, "invoice:write", Invoice.TYPE, "inv-1", Optional.of(alicesInvoice)));

    assertThat(hidden.code()).isEqualTo(missing.code());
    assertThat(hidden.status()).isEqualTo(missing.status()).isEqualTo(404);
    assertThat(hidden.getMessage()).isEqualTo(missing.getMessage());
    assertThat(hidden.details()).contains("denied as not found");
    assertThat(events.events(AccessDecisionEvent.class)).hasSize(1);
    assertThat(
            guard.requireFound(
                alice, "invoice:read", Invoice.TYPE, "inv-1", Optional.of(alicesInvoice)))
        .isSameAs(alicesInvoice);
  }

  @Test
  void requireFound_plainResource_deniesAsNotFound() {
    Resource other = Resource.owned("note", "n-7", "t2", "zed");

    assertThatThrownBy(() -> guard.requireFound(viewer, "invoice:read", other))
        .isInstanceOf(NotFound.class)
        .hasMessage(new NotFound("note", "n-7").getMessage());
    guard.requireFound(viewer, "invoice:read", Resource.inTenant("note", "n-8", "t1"));
  }

  @Test
  void filter_keepsReachableRecordsInOrder() {
    List<Invoice> all =
        List.of(
            alicesInvoice,
            new Invoice("inv-3", "t1", "bob"),
            otherTenantInvoice,
            new Invoice("inv-4", "t1", "alice"));

    assertThat(guard.filter(alice, "invoice:read", Invoice.TYPE, all))
        .extracting(Invoice::id)
        .containsExactly("inv-1", "inv-4");
    assertThat(guard.filter(viewer, "invoice:read", Invoice.TYPE, all))
        .extracting(Invoice::id)
        .containsExactly("inv-1", "inv-3", "inv-4");
    assertThat(guard.filter(support, "invoice:read", Invoice.TYPE, all)).hasSize(4);
    assertThat(guard.filter(nobody, "invoice:read", Invoice.TYPE, all)).isEmpty();
    assertThat(events.events(AccessDecisionEvent.class))
        .as("narrowing a list is not a denial; only the cross-tenant read is recorded")
        .singleElement()
        .satisfies(e -> assertThat(e.reason()).isEqualTo("cross_tenant_grant"));
  }

  @Test
  void filter_recordWithoutTenant_leftOutLikeDecideAndTheWhereClause() {
    Invoice orphan = new Invoice("inv-9", null, "alice"); // a legacy row with a NULL tenant_id
    List<Invoice> records = List.of(alicesInvoice, orphan);

    assertThat(guard.decide(viewer, "invoice:read", Invoice.TYPE, orphan).reason())
        .isEqualTo(Decision.Reason.OTHER_TENANT);
    assertThat(guard.filter(viewer, "invoice:read", Invoice.TYPE, records))
        .containsExactly(alicesInvoice);
    assertThat(guard.filter(alice, "invoice:read", Invoice.TYPE, records))
        .containsExactly(alicesInvoice);
    assertThatThrownBy(() -> guard.checkAll(viewer, "invoice:read", Invoice.TYPE, records))
        .isInstanceOf(AccessDenied.class);
  }

  @Test
  void checkAll_oneForbiddenRecord_throwsNamingIt() {
    List<Invoice> batch = List.of(alicesInvoice, new Invoice("inv-3", "t1", "bob"));

    AccessDenied denied =
        catchThrowableOfType(
            AccessDenied.class, () -> guard.checkAll(alice, "invoice:write", Invoice.TYPE, batch));

    assertThat(denied.details()).contains("inv-3").contains("not_owner");
    guard.checkAll(alice, "invoice:write", Invoice.TYPE, List.of(alicesInvoice));
  }

  @Test
  void scope_rendersWhereClauseAndParameters() {
    assertThat(guard.scope(alice, "invoice:read", Invoice.TYPE).whereClause())
        .isEqualTo("(tenant_id = ? AND owner_id = ?)");
    assertThat(guard.scope(alice, "invoice:read", Invoice.TYPE).parameters())
        .containsExactly("t1", "alice");
    assertThat(guard.scope(viewer, "invoice:read", Invoice.TYPE).whereClause())
        .isEqualTo("tenant_id = ?");
    assertThat(guard.scope(support, "invoice:read", Invoice.TYPE).kind())
        .isEqualTo(ListScope.Kind.ALL);
    assertThat(guard.scope(nobody, "invoice:read", Invoice.TYPE).whereClause()).isEqualTo("1=0");
    assertThat(guard.scope(nobody, "invoice:read", Invoice.TYPE).parameters()).isEmpty();
  }

  @Test
  void scope_typeWithoutOwner_ownGrantReachesNothing() {
    ResourceType<Invoice> unowned =
        ResourceType.<Invoice>builder("ledger", Invoice::id)
            .tenant(Invoice::tenantId, "tenant_id")
            .build();

    assertThat(guard.scope(alice, "invoice:read", unowned).kind()).isEqualTo(ListScope.Kind.NONE);
    assertThat(guard.decide(alice, "invoice:read", unowned, alicesInvoice).reason())
        .isEqualTo(Decision.Reason.NOT_OWNER);
  }

  @Test
  void publishAllows_publishesAllowedDecisions() {
    Guard auditing =
        Guard.builder().grant("viewer", "invoice:read").eventSink(events).publishAllows().build();

    auditing.check(viewer, "invoice:read", Invoice.TYPE, alicesInvoice);

    AccessDecisionEvent event = events.events(AccessDecisionEvent.class).get(0);
    assertThat(event.allowed()).isTrue();
    assertThat(event.reason()).isEqualTo("tenant_grant");
    assertThat(event.type()).isEqualTo("access.allowed");
  }

  @Test
  void failingSink_neverChangesTheDecision() {
    Guard fragile =
        Guard.builder()
            .grant("viewer", "invoice:read")
            .eventSink(
                event -> {
                  throw new IllegalStateException("sink down");
                })
            .publishAllows()
            .build();

    fragile.check(viewer, "invoice:read", Invoice.TYPE, alicesInvoice);
    assertThatThrownBy(() -> fragile.check(nobody, "invoice:read", Invoice.TYPE, alicesInvoice))
        .isInstanceOf(AccessDenied.class);
  }

  @Test
  void builder_inheritanceCycle_isRefused() {
    Guard.Builder builder =
        Guard.builder()
            .grant("a", "x:read")
            .inherit("a", "b")
            .grant("b", "x:write")
            .inherit("b", "a");

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cycle")
        .hasMessageContaining("a -> b -> a");
  }

  @Test
  void builder_misuse_isRefusedWithMessage() {
    assertThatThrownBy(() -> Guard.builder().grant("viewer", "invoice read"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'invoice read'");
    assertThatThrownBy(() -> Guard.builder().grant("viewer"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Guard.builder().inherit("a", "a"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Guard.builder().inherit("a", "ghost").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ghost");
    assertThatThrownBy(() -> guard.check(null, "invoice:read"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("actor");
  }

  @Test
  void builder_reuse_doesNotChangeBuiltGuard() {
    Guard.Builder builder = Guard.builder().grant("viewer", "invoice:read");
    Guard first = builder.build();
    builder.grant("viewer", "invoice:write");

    assertThat(first.isGranted(viewer, "invoice:write")).isFalse();
    assertThat(builder.build().isGranted(viewer, "invoice:write")).isTrue();
  }

  @Test
  void decide_rolesAndOwnership_allocatesNothing() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Guard quiet =
        Guard.builder()
            .grant("viewer", "invoice:read")
            .grantOnOwn("member", "invoice:write")
            .build();
    long sink = 0;
    for (int i = 0; i < 20_000; i++) {
      sink += quiet.decide(alice, "invoice:write", Invoice.TYPE, alicesInvoice).allowed() ? 1 : 0;
    }
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 100_000; i++) {
      sink += quiet.decide(alice, "invoice:write", Invoice.TYPE, alicesInvoice).allowed() ? 1 : 0;
      sink += quiet.decide(viewer, "invoice:read", Invoice.TYPE, alicesInvoice).allowed() ? 1 : 0;
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;

    assertThat(sink).isEqualTo(220_000);
    assertThat(allocated).as("bytes allocated by 200k checks").isLessThan(4_096);
  }

  @Test
  void decide_concurrentChecks_agreeWithSingleThreadedAnswers() throws Exception {
    List<Actor> actors = List.of(alice, bob, viewer, controller, support, nobody);
    List<Invoice> invoices = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 200; i++) {
      invoices.add(
          new Invoice(
              "inv-" + i,
              random.nextBoolean() ? "t1" : "t2",
              random.nextBoolean() ? "alice" : "bob"));
    }
    Guard quiet =
        Guard.builder()
            .grant("viewer", "invoice:read")
            .grantOnOwn("member", "invoice:read")
            .grantAcrossTenants("support", "invoice:read")
            .build();
    boolean[][] expected = new boolean[actors.size()][invoices.size()];
    for (int a = 0; a < actors.size(); a++) {
      for (int i = 0; i < invoices.size(); i++) {
        expected[a][i] =
            quiet.decide(actors.get(a), "invoice:read", Invoice.TYPE, invoices.get(i)).allowed();
      }
    }
    int threadCount = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threadCount);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Integer>> mismatches = new ArrayList<>();
      for (int t = 0; t < threadCount; t++) {
        mismatches.add(
            pool.submit(
                () -> {
                  start.await();
                  int wrong = 0;
                  for (int round = 0; round < 50; round++) {
                    for (int a = 0; a < actors.size(); a++) {
                      for (int i = 0; i < invoices.size(); i++) {
                        if (quiet
                                .decide(
                                    actors.get(a), "invoice:read", Invoice.TYPE, invoices.get(i))
                                .allowed()
                            != expected[a][i]) {
                          wrong++;
                        }
                      }
                    }
                  }
                  return wrong;
                }));
      }
      start.countDown();
      for (Future<Integer> mismatch : mismatches) {
        assertThat(mismatch.get(30, TimeUnit.SECONDS)).isZero();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
