package dev.guardrails.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.guardrails.core.Actor;
import dev.guardrails.core.BudgetExceeded;
import dev.guardrails.core.Money;
import dev.guardrails.core.UpstreamUnavailable;
import dev.guardrails.cost.spi.CostModel;
import java.io.IOException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

final class BudgetProperties {

  static final Currency USD = Currency.getInstance("USD");
  static final long LIMIT = 1_000_000;

  /** One step of a caller: reserve an estimate, then settle, release or abandon it. */
  record Step(int actor, long estimate, int outcome, long actualShare) {}

  @Provide
  Arbitrary<Step> steps() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 3),
            Arbitraries.longs().between(0, 400_000),
            Arbitraries.integers().between(0, 3),
            Arbitraries.longs().between(0, 100))
        .as(Step::new);
  }

  @Property(tries = 60)
  void concurrentReserveSettleReleaseAbandon_neverOverspends(
      @ForAll @Size(min = 1, max = 4) List<@Size(max = 40) List<@From("steps") Step>> threads,
      @ForAll @IntRange(min = 1, max = 3) int budgetsUsed)
      throws Exception {
    MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
    BudgetGuard.Builder builder =
        BudgetGuard.builder(InMemoryBudgetStore.create())
            .clock(clock)
            .reservationTimeout(Duration.ofMinutes(1));
    BudgetScope[] scopes = {BudgetScope.ACTOR, BudgetScope.TENANT, BudgetScope.GLOBAL};
    for (int i = 0; i < budgetsUsed; i++) {
      builder.budget(
          Budget.builder("b" + i)
              .scope(scopes[i])
              .limit(Money.ofMicros(LIMIT, USD))
              .period(BudgetPeriod.day(ZoneOffset.UTC))
              .build());
    }
    BudgetGuard guard = builder.build();
    AtomicLong[] settledPerActor = new AtomicLong[4];
    for (int i = 0; i < 4; i++) {
      settledPerActor[i] = new AtomicLong();
    }
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> running = new ArrayList<>();
    for (int t = 0; t < threads.size(); t++) {
      List<Step> steps = threads.get(t);
      int index = t;
      Thread thread =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                for (int i = 0; i < steps.size(); i++) {
                  Step s = steps.get(i);
                  String callId = index + "-" + i;
                  Actor actor = actor(s.actor());
                  try {
                    guard.reserve(callId, actor, "op", Money.ofMicros(s.estimate(), USD));
                  } catch (BudgetExceeded e) {
                    continue;
                  }
                  if (s.outcome() == 0) {
                    guard.release(callId);
                  } else if (s.outcome() < 3) {
                    long actual = s.estimate() * s.actualShare() / 100;
                    if (guard.settle(callId, Money.ofMicros(actual, USD))) {
                      settledPerActor[s.actor()].addAndGet(actual);
                    }
                  }
                  // outcome 3: abandoned, as if the caller crashed
                }
              });
      running.add(thread);
      thread.start();
    }
    start.countDown();
    for (Thread thread : running) {
      thread.join();
    }

    long total = 0;
    for (int a = 0; a < 4; a++) {
      for (BudgetStatus status : guard.status(actor(a), "op")) {
        assertThat(status.spent().micros() + status.reserved().micros()).isLessThanOrEqualTo(LIMIT);
      }
      total += settledPerActor[a].get();
    }
    clock.advance(Duration.ofMinutes(2));
    guard.expireReservations();
    for (int a = 0; a < 4; a++) {
      for (BudgetStatus status : guard.status(actor(a), "op")) {
        assertThat(status.reserved().micros()).isZero();
        assertThat(status.spent().micros()).isLessThanOrEqualTo(LIMIT);
        if (status.scopeKey().startsWith("actor:")) {
          assertThat(status.spent().micros()).isEqualTo(settledPerActor[a].get());
        }
        if (status.scopeKey().equals("global")) {
          assertThat(status.spent().micros()).isEqualTo(total);
        }
      }
    }
  }

  @Property(tries = 100)
  void meteredTotals_equalSettledCosts(@ForAll @Size(max = 60) List<@From("calls") Call> calls) {
    MutableClock clock = MutableClock.at("2026-11-22T23:59:00Z");
    BudgetGuard guard =
        BudgetGuard.builder(InMemoryBudgetStore.create())
            .clock(clock)
            .budget(
                Budget.builder("global")
                    .limit(Money.ofMicros(5_000_000, USD))
                    .period(BudgetPeriod.month(ZoneOffset.UTC))
                    .build())
            .build();
    CostMeter meter = CostMeter.create(USD, clock, ZoneOffset.UTC);
    GuardedCall<Call, Long> paid =
        GuardedCall.<Call, Long>builder(
                "op",
                c -> {
                  if (c.fails()) {
                    throw new IOException("down");
                  }
                  return c.actual();
                })
            .clock(clock)
            .sleeper(d -> {})
            .retry(RetryPolicy.none())
            .circuitBreaker(
                io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom()
                    .minimumNumberOfCalls(1_000)
                    .slidingWindowSize(1_000)
                    .build())
            .budgets(
                guard,
                CostModel.of(
                    c -> Money.ofMicros(c.estimate(), USD),
                    (c, actual) -> Money.ofMicros(actual, USD)))
            .meter(meter)
            .build();
    long expected = 0;
    for (Call c : calls) {
      clock.advance(Duration.ofSeconds(10));
      try {
        paid.call(actor(c.actor()), c);
        expected += c.actual();
      } catch (BudgetExceeded | UpstreamUnavailable e) {
        // refused or failed: costs nothing
      }
    }
    long spent = guard.status(actor(0), "op").get(0).spent().micros();
    assertThat(meter.query().total().cost().micros()).isEqualTo(spent).isEqualTo(expected);
    long perActorSum = 0;
    for (int a = 0; a < 4; a++) {
      perActorSum += meter.query().actor(actor(a)).total().cost().micros();
    }
    assertThat(perActorSum).isEqualTo(spent);
  }

  record Call(int actor, long estimate, long actual, boolean fails) {}

  @Provide
  Arbitrary<Call> calls() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 3),
            Arbitraries.longs().between(0, 300_000),
            Arbitraries.integers().between(0, 100),
            Arbitraries.integers().between(0, 4))
        .as((a, estimate, share, fail) -> new Call(a, estimate, estimate * share / 100, fail == 0));
  }

  private static Actor actor(int index) {
    return Actor.person("u" + index, index < 2 ? "t0" : "t1");
  }
}
