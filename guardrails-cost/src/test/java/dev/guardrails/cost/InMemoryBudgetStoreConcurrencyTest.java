package dev.guardrails.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.guardrails.core.Actor;
import dev.guardrails.core.BudgetExceeded;
import dev.guardrails.core.Money;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

final class InMemoryBudgetStoreConcurrencyTest {

  static final Currency USD = Currency.getInstance("USD");

  @Test
  void eightThreads_hammeringSharedBudgets_neverOverspendAndAccountExactly() throws Exception {
    MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
    BudgetGuard guard =
        BudgetGuard.builder(InMemoryBudgetStore.create())
            .clock(clock)
            .budget(budget("user", BudgetScope.ACTOR, 3_000_000))
            .budget(budget("tenant", BudgetScope.TENANT, 10_000_000))
            .budget(budget("global", BudgetScope.GLOBAL, 15_000_000))
            .build();
    Actor[] actors = new Actor[8];
    for (int i = 0; i < actors.length; i++) {
      actors[i] = Actor.person("u" + i, i % 2 == 0 ? "even" : "odd");
    }
    AtomicLong settledTotal = new AtomicLong();
    long[] settledPerActor = new long[actors.length];
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      int index = t;
      Thread thread =
          new Thread(
              () -> {
                SplittableRandom random = new SplittableRandom(index);
                Actor actor = actors[index];
                try {
                  start.await();
                  for (int i = 0; i < 2_000; i++) {
                    long estimate = 1 + random.nextLong(50_000);
                    String callId = "t" + index + "-" + i;
                    try {
                      guard.reserve(callId, actor, "chat", Money.ofMicros(estimate, USD));
                    } catch (BudgetExceeded e) {
                      continue;
                    }
                    long actual = random.nextInt(4) == 0 ? 0 : random.nextLong(estimate + 1);
                    guard.settle(callId, Money.ofMicros(actual, USD));
                    settledTotal.addAndGet(actual);
                    settledPerActor[index] += actual;
                  }
                } catch (Throwable e) {
                  synchronized (errors) {
                    errors.add(e);
                  }
                }
              });
      threads.add(thread);
      thread.start();
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(errors).isEmpty();

    long spentGlobal = guard.status(actors[0], "chat").get(2).spent().micros();
    assertThat(spentGlobal).isEqualTo(settledTotal.get()).isLessThanOrEqualTo(15_000_000);
    long spentEven = guard.status(actors[0], "chat").get(1).spent().micros();
    long spentOdd = guard.status(actors[1], "chat").get(1).spent().micros();
    assertThat(spentEven).isLessThanOrEqualTo(10_000_000);
    assertThat(spentOdd).isLessThanOrEqualTo(10_000_000);
    assertThat(spentEven + spentOdd).isEqualTo(spentGlobal);
    for (int i = 0; i < actors.length; i++) {
      BudgetStatus user = guard.status(actors[i], "chat").get(0);
      assertThat(user.spent().micros())
          .isEqualTo(settledPerActor[i])
          .isLessThanOrEqualTo(3_000_000);
      assertThat(user.reserved().micros()).isZero();
    }
    // the budgets were the limit, not the number of attempts: the global one is nearly used up
    assertThat(spentGlobal).isGreaterThan(5_000_000);
    clock.advance(Duration.ofMinutes(10));
    assertThat(guard.expireReservations()).isZero();
  }

  @Test
  void concurrentReservationsOfExactShare_grantExactlyLimitOverCost() throws Exception {
    BudgetGuard guard =
        BudgetGuard.builder(InMemoryBudgetStore.create())
            .clock(MutableClock.at("2026-11-22T10:00:00Z"))
            .budget(budget("tenant", BudgetScope.TENANT, 1_000_000))
            .budget(budget("global", BudgetScope.GLOBAL, 1_000_000))
            .build();
    AtomicLong granted = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
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
                for (int i = 0; i < 100; i++) {
                  try {
                    guard.reserve(
                        "t" + index + "-" + i,
                        Actor.person("u" + index, "acme"),
                        "chat",
                        Money.ofMicros(10_000, USD));
                    granted.incrementAndGet();
                  } catch (BudgetExceeded e) {
                    // refused: the budget is full
                  }
                }
              });
      threads.add(thread);
      thread.start();
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(granted).hasValue(100);
  }

  @Test
  void thresholds_underConcurrentSettles_areRaisedExactlyOnce() throws Exception {
    dev.guardrails.core.InMemoryEventSink events = new dev.guardrails.core.InMemoryEventSink();
    BudgetGuard guard =
        BudgetGuard.builder(InMemoryBudgetStore.create())
            .clock(MutableClock.at("2026-11-22T10:00:00Z"))
            .events(events)
            .budget(budget("global", BudgetScope.GLOBAL, 1_000_000))
            .build();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
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
                for (int i = 0; i < 200; i++) {
                  String id = index + "-" + i;
                  try {
                    guard.reserve(
                        id, Actor.person("u" + index, "acme"), "op", Money.ofMicros(1_000, USD));
                  } catch (BudgetExceeded e) {
                    return;
                  }
                  guard.settle(id, Money.ofMicros(1_000, USD));
                }
              });
      threads.add(thread);
      thread.start();
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(events.events(dev.guardrails.core.BudgetCrossedEvent.class))
        .extracting(dev.guardrails.core.BudgetCrossedEvent::thresholdPercent)
        .containsExactlyInAnyOrder(50, 80, 100);
  }

  private static Budget budget(String name, BudgetScope scope, long limitMicros) {
    return Budget.builder(name)
        .scope(scope)
        .limit(Money.ofMicros(limitMicros, USD))
        .period(BudgetPeriod.day(ZoneOffset.UTC))
        .build();
  }
}
