package dev.guardrails.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.guardrails.core.Actor;
import dev.guardrails.core.EventSink;
import dev.guardrails.core.Money;
import dev.guardrails.cost.Budget;
import dev.guardrails.cost.BudgetGuard;
import dev.guardrails.cost.BudgetPeriod;
import dev.guardrails.cost.BudgetScope;
import dev.guardrails.cost.CostMeter;
import dev.guardrails.cost.InMemoryBudgetStore;
import dev.guardrails.cost.spi.BudgetLine;
import dev.guardrails.cost.spi.BudgetStore;
import dev.guardrails.cost.spi.BudgetUsage;
import dev.guardrails.cost.spi.ReserveOutcome;
import dev.guardrails.cost.spi.SpendChange;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Currency;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

final class BudgetInvariantsProperties {

  static final Currency USD = Currency.getInstance("USD");
  static final Instant NOON = Instant.parse("2026-03-10T12:00:00Z");
  static final List<String> OPERATIONS = List.of("openai.chat", "openai.embed");

  /** A global, a per-tenant, a per-actor and an alert-only budget, small enough to refuse. */
  static BudgetGuard guard(BudgetStore store, TestClock clock) {
    BudgetPeriod day = BudgetPeriod.day(ZoneOffset.UTC);
    return BudgetGuard.builder(store)
        .budget(Budget.builder("global").limit(Money.of("20.00", USD)).period(day).build())
        .budget(
            Budget.builder("per-tenant")
                .scope(BudgetScope.TENANT)
                .limit(Money.of("6.00", USD))
                .period(day)
                .build())
        .budget(
            Budget.builder("per-actor-chat")
                .scope(BudgetScope.ACTOR)
                .onlyOperation("openai.chat")
                .limit(Money.of("2.00", USD))
                .period(day)
                .build())
        .budget(
            Budget.builder("watch").limit(Money.of("1.00", USD)).period(day).alertOnly().build())
        .clock(clock)
        .events(EventSink.noop())
        .reservationTimeout(Duration.ofMinutes(5))
        .build();
  }

  static Arbitrary<List<BudgetCall>> calls() {
    return BudgetArbitraries.callSequences(
        Arbitraries.of(
            Actor.person("user-1", "tenant-0", "member"),
            Actor.person("user-2", "tenant-0"),
            Actor.service("svc-1", "tenant-0"),
            Actor.person("user-1", "tenant-1", "member"),
            Actor.job("nightly", "tenant-1")),
        OPERATIONS,
        Money.of("1.50", USD),
        40);
  }

  @Provide
  Arbitrary<List<BudgetCall>> sequences() {
    return calls();
  }

  @Property(tries = 60)
  void inMemoryStore_underConcurrentCalls_keepsEveryInvariant(
      @ForAll("sequences") List<BudgetCall> calls) {
    TestClock clock = TestClock.at(NOON);
    CostMeter meter = CostMeter.create(USD, clock, ZoneOffset.UTC);

    BudgetInvariants.Outcome outcome =
        BudgetInvariants.runner(guard(InMemoryBudgetStore.create(), clock), clock)
            .threads(4)
            .meter(meter)
            .check(calls);

    Statistics.label("refused").collect(outcome.refused() > 0);
    Statistics.label("abandoned").collect(outcome.abandoned() > 0);
    Statistics.label("refused").coverage(coverage -> coverage.check(true).percentage(p -> p > 10));
    Statistics.label("abandoned")
        .coverage(coverage -> coverage.check(true).percentage(p -> p > 10));
  }

  @Test
  void check_heavyContentionOnOneActor_refusesAndStaysWithinTheLimit() {
    TestClock clock = TestClock.at(NOON);
    Actor actor = Actor.person("user-1", "tenant-0", "member");
    List<BudgetCall> calls =
        IntStream.range(0, 200)
            .mapToObj(
                i ->
                    new BudgetCall(
                        "c" + i,
                        actor,
                        "openai.chat",
                        Money.of("0.30", USD),
                        Money.of("0.25", USD),
                        BudgetCall.Ending.values()[i % 4]))
            .toList();

    BudgetInvariants.Outcome outcome =
        BudgetInvariants.runner(guard(InMemoryBudgetStore.create(), clock), clock)
            .threads(8)
            .check(calls);

    assertThat(outcome.refused()).isPositive();
    assertThat(outcome.granted()).isPositive();
    assertThat(outcome.granted() + outcome.refused()).isEqualTo(200);
  }

  @Test
  void check_storeWhoseReservationsNeverExpire_fails() {
    TestClock clock = TestClock.at(NOON);
    BudgetStore broken =
        new Delegating(InMemoryBudgetStore.create()) {
          @Override
          public int expireReservations(Instant now) {
            return 0;
          }
        };
    List<BudgetCall> calls =
        List.of(call("a", BudgetCall.Ending.ABANDON), call("b", BudgetCall.Ending.SETTLE));

    assertThatThrownBy(() -> BudgetInvariants.runner(guard(broken, clock), clock).check(calls))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("expireReservations released 0 calls after the timeout, but 1")
        .hasMessageContaining("still has");
  }

  @Test
  void check_storeThatDropsTheActualCost_fails() {
    TestClock clock = TestClock.at(NOON);
    BudgetStore broken =
        new Delegating(InMemoryBudgetStore.create()) {
          @Override
          public List<SpendChange> settle(String callId, long actualMicros, Instant now) {
            return super.settle(callId, 0, now);
          }
        };

    assertThatThrownBy(
            () ->
                BudgetInvariants.runner(guard(broken, clock), clock)
                    .check(List.of(call("a", BudgetCall.Ending.SETTLE))))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("spent 0.00 USD")
        .hasMessageContaining("but the settled calls cost");
  }

  @Test
  void check_storeThatIgnoresTheLimit_fails() {
    TestClock clock = TestClock.at(NOON);
    InMemoryBudgetStore inner = InMemoryBudgetStore.create();
    BudgetStore broken =
        new Delegating(inner) {
          @Override
          public ReserveOutcome reserve(
              String callId, List<BudgetLine> lines, Instant now, Instant expiresAt) {
            return super.reserve(callId, unlimited(lines), now, expiresAt);
          }
        };
    List<BudgetCall> calls =
        IntStream.range(0, 10).mapToObj(i -> call("c" + i, BudgetCall.Ending.SETTLE)).toList();

    assertThatThrownBy(() -> BudgetInvariants.runner(guard(broken, clock), clock).check(calls))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("per-actor-chat/")
        .hasMessageContaining("over its limit");
  }

  @Test
  void check_meterThatMissesCalls_fails() {
    TestClock clock = TestClock.at(NOON);
    CostMeter meter = CostMeter.create(USD, clock, ZoneOffset.UTC);
    meter.record(Actor.person("ghost", "tenant-0"), "openai.chat", Money.of("0.10", USD), false);

    assertThatThrownBy(
            () ->
                BudgetInvariants.runner(guard(InMemoryBudgetStore.create(), clock), clock)
                    .meter(meter)
                    .check(List.of(call("a", BudgetCall.Ending.SETTLE))))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("meter total is 2 calls");
  }

  @Test
  void runner_misuse_failsWithAMessage() {
    TestClock clock = TestClock.at(NOON);
    BudgetInvariants runner =
        BudgetInvariants.runner(guard(InMemoryBudgetStore.create(), clock), clock);

    assertThatThrownBy(() -> runner.threads(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("threads must be between 1 and 64, but was 0");
    assertThatThrownBy(
            () ->
                runner.check(
                    List.of(
                        call("a", BudgetCall.Ending.SETTLE), call("a", BudgetCall.Ending.RELEASE))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'a' repeats");
    assertThatThrownBy(
            () ->
                new BudgetCall(
                    "x",
                    Actor.person("u", "t"),
                    "op",
                    Money.of("1.00", USD),
                    Money.of("2.00", USD),
                    BudgetCall.Ending.SETTLE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not exceed the estimate");
  }

  @Test
  void check_storeWithACheckThenActRace_fails() {
    TestClock clock = TestClock.at(NOON);
    CyclicBarrier bothChecked = new CyclicBarrier(2);
    BudgetStore racy =
        new Delegating(InMemoryBudgetStore.create()) {
          @Override
          public ReserveOutcome reserve(
              String callId, List<BudgetLine> lines, Instant now, Instant expiresAt) {
            for (int i = 0; i < lines.size(); i++) {
              BudgetLine line = lines.get(i);
              BudgetUsage used = usage(line);
              if (line.enforced()
                  && used.spentMicros() + used.reservedMicros() + line.amountMicros()
                      > line.limitMicros()) {
                return ReserveOutcome.refused(i, used.spentMicros(), used.reservedMicros(), null);
              }
            }
            try {
              bothChecked.await(10, TimeUnit.SECONDS); // the window between check and act
            } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
              throw new IllegalStateException(e);
            }
            return super.reserve(callId, unlimited(lines), now, expiresAt);
          }
        };
    Actor actor = Actor.person("user-1", "tenant-0", "member");
    List<BudgetCall> calls =
        IntStream.range(0, 2)
            .mapToObj(
                i ->
                    new BudgetCall(
                        "c" + i,
                        actor,
                        "openai.chat",
                        Money.of("1.50", USD),
                        Money.of("1.50", USD),
                        BudgetCall.Ending.SETTLE))
            .toList();

    assertThatThrownBy(
            () -> BudgetInvariants.runner(guard(racy, clock), clock).threads(2).check(calls))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("per-actor-chat/")
        .hasMessageContaining("over its limit");
  }

  static List<BudgetLine> unlimited(List<BudgetLine> lines) {
    return lines.stream()
        .map(
            l ->
                new BudgetLine(
                    l.budgetName(),
                    l.scopeKey(),
                    l.currency(),
                    Long.MAX_VALUE / 4,
                    l.enforced(),
                    l.rolling(),
                    l.periodStart(),
                    l.periodEnd(),
                    l.amountMicros()))
        .toList();
  }

  static BudgetCall call(String id, BudgetCall.Ending ending) {
    return new BudgetCall(
        id,
        Actor.person("user-1", "tenant-0", "member"),
        "openai.chat",
        Money.of("0.50", USD),
        Money.of("0.40", USD),
        ending);
  }

  /** Forwards to a real store; tests override one method to break it. */
  private static class Delegating implements BudgetStore {
    private final BudgetStore delegate;

    Delegating(BudgetStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public ReserveOutcome reserve(
        String callId, List<BudgetLine> lines, Instant now, Instant expiresAt) {
      return delegate.reserve(callId, lines, now, expiresAt);
    }

    @Override
    public List<SpendChange> settle(String callId, long actualMicros, Instant now) {
      return delegate.settle(callId, actualMicros, now);
    }

    @Override
    public int expireReservations(Instant now) {
      return delegate.expireReservations(now);
    }

    @Override
    public BudgetUsage usage(BudgetLine line) {
      return delegate.usage(line);
    }
  }
}
