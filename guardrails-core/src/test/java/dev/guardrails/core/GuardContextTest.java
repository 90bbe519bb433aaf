package dev.guardrails.core;

import static dev.guardrails.core.Fixtures.ALICE;
import static dev.guardrails.core.Fixtures.BILLING;
import static dev.guardrails.core.Fixtures.CLOCK;
import static dev.guardrails.core.Fixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

final class GuardContextTest {

  private ExecutorService worker;

  @BeforeEach
  void setUp() {
    MDC.clear();
    worker = Executors.newSingleThreadExecutor();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    worker.shutdownNow();
    assertThat(worker.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(GuardContext.currentIfBound()).isEmpty();
    MDC.clear();
  }

  @Test
  void start_seededRandom_usesClockAndDeterministicId() {
    GuardContext context = GuardContext.start(ALICE, CLOCK, new SplittableRandom(3));

    assertThat(context.actor()).isEqualTo(ALICE);
    assertThat(context.startedAt()).isEqualTo(NOW);
    assertThat(context.correlationId()).isEqualTo(CorrelationIds.newId(new SplittableRandom(3)));
  }

  @Test
  void start_defaultRandom_givesValidDistinctIds() {
    GuardContext first = GuardContext.start(ALICE, CLOCK);
    GuardContext second = GuardContext.start(ALICE, CLOCK);

    assertThat(CorrelationIds.isValid(first.correlationId())).isTrue();
    assertThat(first.correlationId()).isNotEqualTo(second.correlationId());
  }

  @Test
  void of_invalidCorrelationId_throwsWithEscapedValue() {
    assertThatThrownBy(() -> GuardContext.of(ALICE, "bad\nid", NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "correlation id must be 1 to 128 characters of [A-Za-z0-9._:-], but was 'bad\\nid'");
    assertThatThrownBy(() -> GuardContext.of(ALICE, "", NOW))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void of_nullArguments_throwNamingThem() {
    assertThatThrownBy(() -> GuardContext.of(null, "c", NOW)).hasMessage("actor");
    assertThatThrownBy(() -> GuardContext.of(ALICE, null, NOW)).hasMessage("correlationId");
    assertThatThrownBy(() -> GuardContext.of(ALICE, "c", null)).hasMessage("startedAt");
    assertThatThrownBy(() -> GuardContext.start(ALICE, null)).hasMessage("clock");
    assertThatThrownBy(() -> GuardContext.start(ALICE, CLOCK, null)).hasMessage("random");
    assertThatThrownBy(() -> Fixtures.aliceContext().wrap((Runnable) null)).hasMessage("task");
    assertThatThrownBy(() -> Fixtures.aliceContext().wrap((Callable<String>) null))
        .hasMessage("task");
    assertThatThrownBy(() -> Fixtures.aliceContext().wrapSupplier(null)).hasMessage("supplier");
    assertThatThrownBy(() -> GuardContext.propagating(null)).hasMessage("delegate");
  }

  @Test
  void equals_sameParts_equal() {
    GuardContext context = GuardContext.of(ALICE, "c-1", NOW);

    assertThat(context)
        .isEqualTo(GuardContext.of(Actor.person("alice", "tenant-1", "admin"), "c-1", NOW))
        .hasSameHashCodeAs(GuardContext.of(ALICE, "c-1", NOW));
    assertThat(context).isNotEqualTo(GuardContext.of(ALICE, "c-2", NOW));
    assertThat(context).isNotEqualTo(GuardContext.of(BILLING, "c-1", NOW));
    assertThat(context).isNotEqualTo(GuardContext.of(ALICE, "c-1", Instant.EPOCH));
    assertThat(context).isNotEqualTo(null);
    assertThat(context.toString())
        .isEqualTo(
            "GuardContext[correlationId=c-1 actor=Actor[PERSON id=alice tenant=tenant-1"
                + " roles=[admin]] startedAt=2026-11-22T10:00:00Z]");
  }

  @Test
  void current_nothingBound_throwsWithAdvice() {
    assertThat(GuardContext.currentIfBound()).isEmpty();
    assertThatThrownBy(GuardContext::current)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(
            "no GuardContext is bound to thread '" + Thread.currentThread().getName())
        .hasMessageContaining("GuardContext.start(actor, clock).open()")
        .hasMessageContaining("GuardContext.propagating(executor)");
  }

  @Test
  void open_bindsContextAndMdc_closeRestoresAbsence() {
    GuardContext context = GuardContext.of(ALICE, "c-1", NOW);
    MDC.put("unrelated", "kept");

    GuardContext.Scope scope = context.open();
    assertThat(GuardContext.current()).isSameAs(context);
    assertThat(scope.context()).isSameAs(context);
    assertThat(MDC.get(GuardContext.MDC_CORRELATION_ID)).isEqualTo("c-1");
    assertThat(MDC.get(GuardContext.MDC_ACTOR_ID)).isEqualTo("alice");
    assertThat(MDC.get(GuardContext.MDC_TENANT_ID)).isEqualTo("tenant-1");
    assertThat(scope).hasToString("GuardContext.Scope[open correlationId=c-1]");
    scope.close();

    assertThat(GuardContext.currentIfBound()).isEmpty();
    assertThat(MDC.get(GuardContext.MDC_CORRELATION_ID)).isNull();
    assertThat(MDC.get(GuardContext.MDC_ACTOR_ID)).isNull();
    assertThat(MDC.get(GuardContext.MDC_TENANT_ID)).isNull();
    assertThat(MDC.get("unrelated")).isEqualTo("kept");
    assertThat(scope).hasToString("GuardContext.Scope[closed correlationId=c-1]");
  }

  @Test
  void close_previousMdcValues_restoresThem() {
    MDC.put(GuardContext.MDC_CORRELATION_ID, "outer-corr");
    MDC.put(GuardContext.MDC_TENANT_ID, "outer-tenant");

    try (GuardContext.Scope scope = GuardContext.of(ALICE, "c-1", NOW).open()) {
      assertThat(MDC.get(GuardContext.MDC_CORRELATION_ID))
          .isEqualTo(scope.context().correlationId());
    }

    assertThat(MDC.get(GuardContext.MDC_CORRELATION_ID)).isEqualTo("outer-corr");
    assertThat(MDC.get(GuardContext.MDC_ACTOR_ID)).isNull();
    assertThat(MDC.get(GuardContext.MDC_TENANT_ID)).isEqualTo("outer-tenant");
  }

  @Test
  void close_nestedScopes_restoreInLifoOrder() {
    GuardContext outer = GuardContext.of(ALICE, "outer", NOW);
    GuardContext inner = GuardContext.of(BILLING, "inner", NOW);

    try (GuardContext.Scope outerScope = outer.open()) {
      try (GuardContext.Scope innerScope = inner.open()) {
        assertThat(GuardContext.current()).isSameAs(innerScope.context());
        assertThat(MDC.get(GuardContext.MDC_ACTOR_ID)).isEqualTo("billing-svc");
      }
      assertThat(GuardContext.current()).isSameAs(outerScope.context());
      assertThat(MDC.get(GuardContext.MDC_ACTOR_ID)).isEqualTo("alice");
      assertThat(MDC.get(GuardContext.MDC_CORRELATION_ID)).isEqualTo("outer");
    }
    assertThat(GuardContext.currentIfBound()).isEmpty();
  }

  @Test
  void close_bodyThrows_stillRestores() {
    GuardContext context = Fixtures.aliceContext();

    assertThatThrownBy(
            () -> {
              try (GuardContext.Scope scope = context.open()) {
                throw new IllegalStateException("boom in " + scope.context().correlationId());
              }
            })
        .isInstanceOf(IllegalStateException.class);

    assertThat(GuardContext.currentIfBound()).isEmpty();
    assertThat(MDC.get(GuardContext.MDC_CORRELATION_ID)).isNull();
  }

  @Test
  void close_twice_isNoOp() {
    GuardContext outer = GuardContext.of(ALICE, "outer", NOW);
    GuardContext.Scope outerScope = outer.open();
    GuardContext.Scope innerScope = GuardContext.of(BILLING, "inner", NOW).open();

    innerScope.close();
    innerScope.close();

    assertThat(GuardContext.current()).isSameAs(outer);
    assertThat(MDC.get(GuardContext.MDC_CORRELATION_ID)).isEqualTo("outer");
    outerScope.close();
    outerScope.close();
    assertThat(GuardContext.currentIfBound()).isEmpty();
  }

  @Test
  void close_outerBeforeInner_restoresStateBeforeOuter() {
    MDC.put(GuardContext.MDC_CORRELATION_ID, "before");
    GuardContext.Scope outerScope = GuardContext.of(ALICE, "outer", NOW).open();
    GuardContext.Scope innerScope = GuardContext.of(BILLING, "inner", NOW).open();

    outerScope.close();
    assertThat(GuardContext.currentIfBound()).isEmpty();
    assertThat(MDC.get(GuardContext.MDC_CORRELATION_ID)).isEqualTo("before");
    innerScope.close();

    assertThat(GuardContext.currentIfBound()).isEmpty();
    assertThat(MDC.get(GuardContext.MDC_CORRELATION_ID)).isEqualTo("before");
    assertThat(MDC.get(GuardContext.MDC_ACTOR_ID)).isNull();
  }

  @Test
  void close_middleScopeLeaked_outerCloseStillRestores() {
    GuardContext outer = GuardContext.of(ALICE, "outer", NOW);
    GuardContext.Scope outerScope = outer.open();
    GuardContext.Scope middleScope = GuardContext.of(BILLING, "middle", NOW).open();
    GuardContext.Scope innerScope = GuardContext.of(ALICE, "inner", NOW).open();

    middleScope.close();
    assertThat(GuardContext.current()).isSameAs(outer);
    innerScope.close();
    assertThat(GuardContext.current()).isSameAs(outer);
    assertThat(MDC.get(GuardContext.MDC_CORRELATION_ID)).isEqualTo("outer");
    outerScope.close();
    assertThat(GuardContext.currentIfBound()).isEmpty();
  }

  @Test
  void close_innerLeakedAfterOuterClosed_lateCloseKeepsScopeOpenedSince() {
    GuardContext.Scope outerScope = GuardContext.of(ALICE, "outer", NOW).open();
    GuardContext.Scope leaked = GuardContext.of(BILLING, "leaked", NOW).open();
    outerScope.close();
    GuardContext next = GuardContext.of(ALICE, "next", NOW);

    try (GuardContext.Scope nextScope = next.open()) {
      leaked.close();

      assertThat(GuardContext.current()).isSameAs(nextScope.context());
      assertThat(MDC.get(GuardContext.MDC_CORRELATION_ID)).isEqualTo("next");
      assertThat(MDC.get(GuardContext.MDC_ACTOR_ID)).isEqualTo("alice");
    }
    assertThat(GuardContext.currentIfBound()).isEmpty();
    assertThat(MDC.get(GuardContext.MDC_CORRELATION_ID)).isNull();
  }

  @Test
  void close_innerLeakedAfterMiddleClosed_lateCloseDoesNotRebindStaleContext() {
    GuardContext outer = GuardContext.of(ALICE, "outer", NOW);
    GuardContext.Scope outerScope = outer.open();
    GuardContext.Scope middleScope = GuardContext.of(BILLING, "middle", NOW).open();
    GuardContext.Scope leaked = GuardContext.of(ALICE, "leaked", NOW).open();
    middleScope.close();
    GuardContext next = GuardContext.of(BILLING, "next", NOW);
    GuardContext.Scope nextScope = next.open();

    leaked.close();

    assertThat(GuardContext.current()).isSameAs(next);
    assertThat(MDC.get(GuardContext.MDC_CORRELATION_ID)).isEqualTo("next");
    nextScope.close();
    assertThat(GuardContext.current()).isSameAs(outer);
    assertThat(MDC.get(GuardContext.MDC_CORRELATION_ID)).isEqualTo("outer");
    outerScope.close();
    assertThat(GuardContext.currentIfBound()).isEmpty();
  }

  @Test
  void close_outerClosedFirst_lateInnerCloseNeverResurrectsMiddle() {
    GuardContext.Scope outerScope = GuardContext.of(ALICE, "outer", NOW).open();
    GuardContext.Scope middleScope = GuardContext.of(BILLING, "middle", NOW).open();
    GuardContext.Scope innerScope = GuardContext.of(ALICE, "inner", NOW).open();

    outerScope.close();
    assertThat(middleScope).hasToString("GuardContext.Scope[closed correlationId=middle]");
    innerScope.close();

    assertThat(GuardContext.currentIfBound()).isEmpty();
    assertThat(MDC.get(GuardContext.MDC_CORRELATION_ID)).isNull();
    middleScope.close();
    assertThat(GuardContext.currentIfBound()).isEmpty();
    assertThat(MDC.get(GuardContext.MDC_ACTOR_ID)).isNull();
  }

  @Test
  void close_onAnotherThread_throwsAndLeavesScopeOpen() throws Exception {
    GuardContext.Scope scope = Fixtures.aliceContext().open();
    try {
      Future<?> closing = worker.submit(scope::close);

      assertThatThrownBy(closing::get)
          .hasCauseInstanceOf(IllegalStateException.class)
          .cause()
          .hasMessageContaining("must be closed on the thread that opened it");
      assertThat(GuardContext.currentIfBound()).isPresent();
    } finally {
      scope.close();
    }
  }

  @Test
  void wrap_runnable_runsUnderContextOnWorkerAndRestoresWorker() throws Exception {
    GuardContext context = Fixtures.aliceContext();
    worker.submit(() -> MDC.put(GuardContext.MDC_ACTOR_ID, "worker-stale")).get();
    GuardContext[] seen = new GuardContext[1];
    String[] seenMdc = new String[1];

    worker
        .submit(
            context.wrap(
                () -> {
                  seen[0] = GuardContext.current();
                  seenMdc[0] = MDC.get(GuardContext.MDC_ACTOR_ID);
                }))
        .get();

    assertThat(seen[0]).isSameAs(context);
    assertThat(seenMdc[0]).isEqualTo("alice");
    assertThat(worker.submit(() -> MDC.get(GuardContext.MDC_ACTOR_ID)).get())
        .isEqualTo("worker-stale");
    assertThat(worker.submit(GuardContext::currentIfBound).get()).isEmpty();
  }

  @Test
  void wrap_callableAndSupplier_returnValuesUnderContext() throws Exception {
    GuardContext context = Fixtures.aliceContext();
    Callable<String> callable = context.wrap(() -> GuardContext.current().correlationId());
    Supplier<String> supplier = context.wrapSupplier(() -> MDC.get(GuardContext.MDC_TENANT_ID));

    assertThat(worker.submit(callable).get()).isEqualTo(context.correlationId());
    assertThat(CompletableFuture.supplyAsync(supplier, worker).get()).isEqualTo("tenant-1");
    assertThat(callable.call()).isEqualTo(context.correlationId());
    assertThat(GuardContext.currentIfBound()).isEmpty();
  }

  @Test
  void wrap_taskThrows_restoresAndPropagates() {
    GuardContext context = Fixtures.aliceContext();
    Callable<String> failing =
        context.wrap(
            () -> {
              throw new IOException("disk on fire");
            });

    assertThatThrownBy(failing::call).hasMessage("disk on fire");
    assertThatThrownBy(
            () ->
                context
                    .wrapSupplier(
                        () -> {
                          throw new IllegalStateException("nope");
                        })
                    .get())
        .hasMessage("nope");
    assertThat(GuardContext.currentIfBound()).isEmpty();
    assertThat(MDC.get(GuardContext.MDC_CORRELATION_ID)).isNull();
  }

  @Test
  void propagating_capturesSubmitterContextAtExecute() throws Exception {
    GuardContext context = Fixtures.aliceContext();
    var executor = GuardContext.propagating(worker);

    CompletableFuture<String> seen;
    try (GuardContext.Scope scope = context.open()) {
      seen =
          CompletableFuture.supplyAsync(
              () -> GuardContext.current().correlationId() + "/" + scope.context().actor().id(),
              executor);
    }

    assertThat(seen.get()).isEqualTo(context.correlationId() + "/alice");
    assertThat(executor.toString()).startsWith("GuardContext.propagating(");
  }

  @Test
  void propagating_noContextAtSubmit_runsWithNoneEvenIfWorkerHadOne() throws Exception {
    GuardContext stale = GuardContext.of(BILLING, "stale", NOW);
    GuardContext.Scope leaked = worker.submit(stale::open).get();
    var executor = GuardContext.propagating(worker);

    CompletableFuture<String> seen =
        CompletableFuture.supplyAsync(
            () ->
                GuardContext.currentIfBound().map(GuardContext::correlationId).orElse("none")
                    + "/"
                    + MDC.get(GuardContext.MDC_CORRELATION_ID),
            executor);

    assertThat(seen.get()).isEqualTo("none/null");
    assertThat(worker.submit(() -> GuardContext.current().correlationId()).get())
        .isEqualTo("stale");
    worker.submit(leaked::close).get();
    assertThat(worker.submit(GuardContext::currentIfBound).get()).isEmpty();
  }

  @Test
  void unbound_hidesTheThreadsContextAndMdcUntilClosed() {
    GuardContext outer = GuardContext.of(ALICE, "outer-corr-1", NOW);
    MDC.put("other_key", "kept");
    try (GuardContext.Scope scope = outer.open()) {
      try (GuardContext.Scope none = GuardContext.unbound()) {
        assertThat(GuardContext.currentIfBound()).isEmpty();
        assertThat(MDC.get(GuardContext.MDC_CORRELATION_ID)).isNull();
        assertThat(MDC.get(GuardContext.MDC_ACTOR_ID)).isNull();
        assertThat(MDC.get(GuardContext.MDC_TENANT_ID)).isNull();
        assertThat(MDC.get("other_key")).isEqualTo("kept");
        assertThatThrownBy(none::context)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("no GuardContext");
        GuardContext inner = GuardContext.of(ALICE, "inner-corr-2", NOW);
        try (GuardContext.Scope nested = inner.open()) {
          assertThat(GuardContext.current()).isEqualTo(inner);
        }
        assertThat(GuardContext.currentIfBound()).isEmpty();
        assertThat(MDC.get(GuardContext.MDC_CORRELATION_ID)).isNull();
      }
      assertThat(GuardContext.current()).isEqualTo(outer);
      assertThat(MDC.get(GuardContext.MDC_CORRELATION_ID)).isEqualTo("outer-corr-1");
      assertThat(MDC.get(GuardContext.MDC_ACTOR_ID)).isEqualTo(ALICE.id());
    }
    assertThat(GuardContext.currentIfBound()).isEmpty();
  }
}
