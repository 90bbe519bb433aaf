package dev.guardrails.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.guardrails.core.Actor;
import dev.guardrails.core.BudgetCrossedEvent;
import dev.guardrails.core.BudgetExceeded;
import dev.guardrails.core.InMemoryEventSink;
import dev.guardrails.core.Money;
import dev.guardrails.cost.spi.CostModel;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The handle path that a {@link GuardedCall} takes on an {@link InMemoryBudgetStore} with calendar
 * budgets: the same totals, limits, expiry and alerts as the call-id path, under concurrency.
 */
final class BudgetGuardFastPathTest {

  static final Currency USD = Currency.getInstance("USD");
  static final Actor ALICE = Actor.person("alice", "acme");
  static final Actor BOB = Actor.person("bob", "acme");

  final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
  final InMemoryEventSink events = new InMemoryEventSink();

  static Budget budget(String name, BudgetScope scope, long limitMicros, int... alerts) {
    Budget.Builder b =
        Budget.builder(name)
            .scope(scope)
            .limit(Money.ofMicros(limitMicros, USD))
            .period(BudgetPeriod.day(ZoneOffset.UTC));
    if (alerts.length > 0) {
      b.alertAtPercent(alerts);
    }
    return b.build();
  }

  BudgetGuard guard(Budget... budgets) {
    BudgetGuard.Builder b =
        BudgetGuard.builder(InMemoryBudgetStore.create())
            .clock(clock)
            .events(events)
            .reservationTimeout(Duration.ofMinutes(2));
    for (Budget budget : budgets) {
      b.budget(budget);
    }
    return b.build();
  }

  static Money usd(long micros) {
    return Money.ofMicros(micros, USD);
  }

  @Test
  void reserveCall_sharesTotalsWithTheCallIdPath_andRefusesAtTheLimit() {
    BudgetGuard guard = guard(budget("user", BudgetScope.ACTOR, 1_000_000));
    Object handle = guard.reserveCall(() -> "unused", ALICE, "chat", usd(600_000), clock.millis());
    assertThat(handle).isInstanceOf(InMemoryBudgetStore.Pending.class);
    assertThat(guard.status(ALICE, "chat").get(0).reserved()).isEqualTo(usd(600_000));

    assertThatThrownBy(() -> guard.reserve("c2", ALICE, "chat", usd(400_001)))
        .isInstanceOf(BudgetExceeded.class);
    assertThatThrownBy(
            () -> guard.reserveCall(() -> "c3", ALICE, "chat", usd(400_001), clock.millis()))
        .isInstanceOf(BudgetExceeded.class);
    assertThat(guard.reserveCall(() -> "c4", BOB, "chat", usd(400_001), clock.millis()))
        .isNotNull();

    assertThat(guard.settleCall(handle, usd(500_000))).isTrue();
    assertThat(guard.settleCall(handle, usd(500_000))).isFalse();
    BudgetStatus status = guard.status(ALICE, "chat").get(0);
    assertThat(status.spent()).isEqualTo(usd(500_000));
    assertThat(status.reserved().micros()).isZero();
  }

  @Test
  void unsettledHandle_expires_andALateSettleCountsOnce() {
    BudgetGuard guard = guard(budget("user", BudgetScope.ACTOR, 1_000_000));
    Object handle = guard.reserveCall(() -> "unused", ALICE, "chat", usd(800_000), clock.millis());
    clock.advance(Duration.ofMinutes(1));
    assertThat(guard.expireReservations()).isZero();
    clock.advance(Duration.ofMinutes(2));
    assertThat(guard.expireReservations()).isEqualTo(1);
    assertThat(guard.status(ALICE, "chat").get(0).reserved().micros()).isZero();

    assertThat(guard.settleCall(handle, usd(700_000))).isTrue();
    assertThat(guard.settleCall(handle, usd(700_000))).isFalse();
    BudgetStatus status = guard.status(ALICE, "chat").get(0);
    assertThat(status.spent()).isEqualTo(usd(700_000));
    assertThat(status.reserved().micros()).isZero();
  }

  @Test
  void unsettledHandleOfSeveralBudgets_expiresInEveryTotal() {
    BudgetGuard guard =
        guard(
            budget("user", BudgetScope.ACTOR, 1_000_000),
            budget("tenant", BudgetScope.TENANT, 2_000_000));
    Object kept = guard.reserveCall(() -> "a", ALICE, "chat", usd(300_000), clock.millis());
    clock.advance(Duration.ofMinutes(1));
    Object lost = guard.reserveCall(() -> "b", BOB, "chat", usd(400_000), clock.millis());
    guard.settleCall(kept, usd(300_000));
    clock.advance(Duration.ofMinutes(2));
    assertThat(guard.expireReservations()).isEqualTo(1);
    assertThat(guard.status(BOB, "chat").get(0).reserved().micros()).isZero();
    assertThat(guard.status(BOB, "chat").get(1).reserved().micros()).isZero();
    assertThat(guard.status(BOB, "chat").get(1).spent()).isEqualTo(usd(300_000));
    assertThat(guard.expireReservations()).isZero();
    assertThat(guard.settleCall(lost, usd(0))).isTrue();
    assertThat(guard.status(BOB, "chat").get(1).reserved().micros()).isZero();
  }

  @Test
  void newDay_usesANewTotal_evenAfterTheOldOneWasRetired() {
    BudgetGuard guard = guard(budget("user", BudgetScope.ACTOR, 1_000_000));
    Object first = guard.reserveCall(() -> "a", ALICE, "chat", usd(900_000), clock.millis());
    guard.settleCall(first, usd(900_000));

    clock.set(Instant.parse("2026-11-23T00:00:00Z"));
    assertThat(guard.expireReservations()).isZero(); // retires yesterday's total
    Object second = guard.reserveCall(() -> "b", ALICE, "chat", usd(900_000), clock.millis());
    assertThat(second).isNotNull();
    guard.settleCall(second, usd(100_000));
    assertThat(guard.status(ALICE, "chat").get(0).spent()).isEqualTo(usd(100_000));
  }

  @Test
  void noBudgetApplies_reservesNothing() {
    BudgetGuard guard =
        guard(
            Budget.builder("embeddings-only")
                .limit(usd(1_000))
                .period(BudgetPeriod.day(ZoneOffset.UTC))
                .onlyOperation("embed")
                .build());
    assertThat(guard.reserveCall(() -> "x", ALICE, "chat", usd(5_000), clock.millis())).isNull();
  }

  /**
   * Guarded calls (handle path) and direct reservations (call-id path) on three budgets from eight
   * threads: never overspent, everything settled and released, each alert raised exactly once.
   */
  @Test
  void guardedCallsAndDirectReservations_underConcurrency_keepEveryInvariant() throws Exception {
    BudgetGuard guard =
        guard(
            budget("user", BudgetScope.ACTOR, 300_000),
            budget("tenant", BudgetScope.TENANT, 1_000_000, 50, 90),
            budget("global", BudgetScope.GLOBAL, 1_500_000, 50, 100));
    CostMeter meter = CostMeter.create(USD, clock, ZoneOffset.UTC);
    AtomicLong charged = new AtomicLong();
    GuardedCall<Long, String> call =
        GuardedCall.<Long, String>builder("chat", request -> "ok")
            .clock(clock)
            .budgets(
                guard,
                new CostModel<>() {
                  @Override
                  public Money estimate(Long request) {
                    return usd(request);
                  }

                  @Override
                  public Money actual(Long request, String response) {
                    long actual = request - request / 3;
                    charged.addAndGet(actual);
                    return usd(actual);
                  }
                })
            .meter(meter)
            .build();
    Actor[] actors = new Actor[6];
    for (int i = 0; i < actors.length; i++) {
      actors[i] = Actor.person("u" + i, i < 3 ? "t-a" : "t-b");
    }
    AtomicLong direct = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    List<Throwable> errors = new ArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      int index = t;
      SplittableRandom random = new SplittableRandom(index);
      Thread thread =
          new Thread(
              () -> {
                try {
                  start.await();
                  for (int i = 0; i < 400; i++) {
                    Actor actor = actors[random.nextInt(actors.length)];
                    long estimate = 1 + random.nextLong(6_000);
                    try {
                      if (random.nextInt(4) == 0) {
                        String id = "d" + index + "-" + i;
                        guard.reserve(id, actor, "chat", usd(estimate));
                        if (guard.settle(id, usd(estimate / 2))) {
                          direct.addAndGet(estimate / 2);
                        }
                      } else {
                        call.call(actor, estimate);
                      }
                    } catch (BudgetExceeded e) {
                      refused.incrementAndGet();
                    }
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
    assertThat(refused.get()).isPositive();
    long total = charged.get() + direct.get();
    BudgetStatus global = guard.status(actors[0], "chat").get(2);
    assertThat(global.spent().micros()).isEqualTo(total).isLessThanOrEqualTo(1_500_000);
    assertThat(global.reserved().micros()).isZero();
    long tenants = 0;
    for (Actor a : new Actor[] {actors[0], actors[3]}) {
      BudgetStatus tenant = guard.status(a, "chat").get(1);
      assertThat(tenant.spent().micros()).isLessThanOrEqualTo(1_000_000);
      assertThat(tenant.reserved().micros()).isZero();
      tenants += tenant.spent().micros();
    }
    assertThat(tenants).isEqualTo(total);
    long users = 0;
    for (Actor a : actors) {
      BudgetStatus user = guard.status(a, "chat").get(0);
      assertThat(user.spent().micros()).isLessThanOrEqualTo(300_000);
      assertThat(user.reserved().micros()).isZero();
      users += user.spent().micros();
    }
    assertThat(users).isEqualTo(total);
    assertThat(meter.query().day(LocalDate.of(2026, 11, 22)).total().cost().micros())
        .isEqualTo(charged.get());

    List<String> crossings = new ArrayList<>();
    for (BudgetCrossedEvent e : events.events(BudgetCrossedEvent.class)) {
      crossings.add(e.budgetName() + "@" + e.thresholdPercent());
    }
    List<String> expected = new ArrayList<>();
    List<Budget> budgets = guard.budgets();
    for (Actor a : actors) {
      List<BudgetStatus> statuses = guard.status(a, "chat");
      for (int i = 0; i < budgets.size(); i++) {
        BudgetStatus st = statuses.get(i);
        String name = st.budgetName() + "/" + st.scopeKey();
        for (int percent : budgets.get(i).alertPercents()) {
          String crossing = name + "@" + percent;
          if (st.spent().micros() >= BudgetGuard.threshold(st.limit().micros(), percent)
              && !expected.contains(crossing)) {
            expected.add(crossing);
          }
        }
      }
    }
    assertThat(expected).isNotEmpty();
    assertThat(crossings).containsExactlyInAnyOrderElementsOf(expected);
  }
}
