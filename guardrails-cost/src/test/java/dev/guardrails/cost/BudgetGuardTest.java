package dev.guardrails.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.guardrails.core.Actor;
import dev.guardrails.core.BudgetCrossedEvent;
import dev.guardrails.core.BudgetExceeded;
import dev.guardrails.core.FailureEvent;
import dev.guardrails.core.InMemoryEventSink;
import dev.guardrails.core.Money;
import dev.guardrails.core.UpstreamUnavailable;
import dev.guardrails.cost.spi.BudgetLine;
import dev.guardrails.cost.spi.BudgetStore;
import dev.guardrails.cost.spi.BudgetUsage;
import dev.guardrails.cost.spi.ReserveOutcome;
import dev.guardrails.cost.spi.SpendChange;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Currency;
import java.util.List;
import org.junit.jupiter.api.Test;

final class BudgetGuardTest {

  static final Currency USD = Currency.getInstance("USD");
  static final Actor ALICE = Actor.person("alice", "acme");
  static final Actor BOB = Actor.person("bob", "acme");
  static final Actor CAROL = Actor.person("carol", "globex");

  final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
  final InMemoryEventSink events = new InMemoryEventSink();

  static Money usd(String amount) {
    return Money.of(amount, USD);
  }

  static Budget daily(String name, BudgetScope scope, String limit) {
    return Budget.builder(name)
        .scope(scope)
        .limit(usd(limit))
        .period(BudgetPeriod.day(ZoneOffset.UTC))
        .build();
  }

  BudgetGuard guard(BudgetStore store, Budget... budgets) {
    BudgetGuard.Builder b = BudgetGuard.builder(store).clock(clock).events(events);
    for (Budget budget : budgets) {
      b.budget(budget);
    }
    return b.build();
  }

  @Test
  void reserve_withinLimit_isGrantedAndCountedAsReserved() {
    BudgetGuard guard =
        guard(InMemoryBudgetStore.create(), daily("user", BudgetScope.ACTOR, "1.00"));

    assertThat(guard.reserve("c1", ALICE, "chat", usd("0.40"))).isTrue();

    BudgetStatus status = guard.status(ALICE, "chat").get(0);
    assertThat(status.reserved()).isEqualTo(usd("0.40"));
    assertThat(status.spent()).isEqualTo(usd("0"));
    assertThat(status.remaining()).isEqualTo(usd("0.60"));
    assertThat(status.scopeKey()).isEqualTo("actor:acme/alice");
  }

  @Test
  void reserve_zeroEstimate_passesWhileRoomIsLeftButNotOnceTheBudgetIsUsedUp() {
    BudgetGuard guard =
        guard(InMemoryBudgetStore.create(), daily("user", BudgetScope.ACTOR, "1.00"));
    guard.reserve("c1", ALICE, "chat", usd("0.999999"));
    guard.settle("c1", usd("0.999999"));

    assertThat(guard.reserve("free-1", ALICE, "chat", usd("0"))).isTrue();
    guard.settle("free-1", usd("0.000001"));

    assertThat(guard.status(ALICE, "chat").get(0).remaining()).isEqualTo(usd("0"));
    assertThatThrownBy(() -> guard.reserve("free-2", ALICE, "chat", usd("0")))
        .isInstanceOf(BudgetExceeded.class);
    assertThat(guard.status(ALICE, "chat").get(0).reserved()).isEqualTo(usd("0"));
  }

  @Test
  void reserve_zeroEstimateOnTheGeneralPath_alsoStopsOnAUsedUpBudget() {
    // a rolling budget takes the general path (store.reserve with budget lines), not the fast one
    Budget rolling =
        Budget.builder("rolling")
            .scope(BudgetScope.ACTOR)
            .limit(usd("0.50"))
            .period(BudgetPeriod.rolling(Duration.ofHours(1)))
            .build();
    BudgetGuard guard = guard(InMemoryBudgetStore.create(), rolling);
    guard.reserve("c1", ALICE, "chat", usd("0.50"));
    guard.settle("c1", usd("0.50"));

    assertThatThrownBy(() -> guard.reserve("free", ALICE, "chat", usd("0")))
        .isInstanceOf(BudgetExceeded.class);
  }

  @Test
  void reserve_crossingLimit_throwsBudgetExceededWithNameSpentLimitAndReset() {
    BudgetGuard guard =
        guard(InMemoryBudgetStore.create(), daily("user", BudgetScope.ACTOR, "1.00"));
    guard.reserve("c1", ALICE, "chat", usd("0.70"));
    guard.settle("c1", usd("0.70"));

    assertThatThrownBy(() -> guard.reserve("c2", ALICE, "chat", usd("0.40")))
        .isInstanceOfSatisfying(
            BudgetExceeded.class,
            e -> {
              assertThat(e.budgetName()).isEqualTo("user/actor:acme/alice");
              assertThat(e.spent()).isEqualTo(usd("0.70"));
              assertThat(e.limit()).isEqualTo(usd("1.00"));
              assertThat(e.resetsAt()).isEqualTo(Instant.parse("2026-11-23T00:00:00Z"));
              assertThat(e.details()).contains("spent 0.70 of 1.00 USD");
            });
  }

  @Test
  void reserve_exactlyUpToLimit_isGranted() {
    BudgetGuard guard =
        guard(InMemoryBudgetStore.create(), daily("user", BudgetScope.ACTOR, "1.00"));
    assertThat(guard.reserve("c1", ALICE, "chat", usd("0.50"))).isTrue();
    assertThat(guard.reserve("c2", ALICE, "chat", usd("0.50"))).isTrue();
    assertThatThrownBy(() -> guard.reserve("c3", ALICE, "chat", usd("0.000001")))
        .isInstanceOf(BudgetExceeded.class);
  }

  @Test
  void reserve_refusedByOneScope_reservesInNoScope() {
    BudgetGuard guard =
        guard(
            InMemoryBudgetStore.create(),
            daily("user", BudgetScope.ACTOR, "1.00"),
            daily("tenant", BudgetScope.TENANT, "1.50"));
    guard.reserve("c1", BOB, "chat", usd("1.00"));

    assertThatThrownBy(() -> guard.reserve("c2", ALICE, "chat", usd("0.60")))
        .isInstanceOfSatisfying(
            BudgetExceeded.class, e -> assertThat(e.budgetName()).isEqualTo("tenant/tenant:acme"));

    assertThat(guard.status(ALICE, "chat").get(0).reserved()).isEqualTo(usd("0"));
    assertThat(guard.status(ALICE, "chat").get(1).reserved()).isEqualTo(usd("1.00"));
  }

  @Test
  void scopes_separateActorsTenantsAndOperations() {
    BudgetGuard guard =
        guard(
            InMemoryBudgetStore.create(),
            daily("user", BudgetScope.ACTOR, "1.00"),
            daily("tenant", BudgetScope.TENANT, "10.00"),
            daily("op", BudgetScope.OPERATION, "10.00"),
            daily("all", BudgetScope.GLOBAL, "10.00"));
    guard.reserve("c1", ALICE, "chat", usd("1.00"));
    guard.reserve("c2", BOB, "chat", usd("1.00"));
    guard.reserve("c3", CAROL, "embed", usd("1.00"));

    List<BudgetStatus> carol = guard.status(CAROL, "embed");
    assertThat(carol)
        .extracting(s -> s.reserved().micros())
        .containsExactly(1_000_000L, 1_000_000L, 1_000_000L, 3_000_000L);
    List<BudgetStatus> alice = guard.status(ALICE, "chat");
    assertThat(alice)
        .extracting(s -> s.reserved().micros())
        .containsExactly(1_000_000L, 2_000_000L, 2_000_000L, 3_000_000L);
  }

  @Test
  void actorScope_idsWithSlashes_doNotShareABudgetAcrossTenants() {
    BudgetGuard guard =
        guard(InMemoryBudgetStore.create(), daily("user", BudgetScope.ACTOR, "1.00"));
    Actor one = Actor.person("a/b", "t");
    Actor other = Actor.person("b", "t/a");
    guard.reserve("c1", one, "chat", usd("1.00"));
    assertThat(guard.reserve("c2", other, "chat", usd("1.00"))).isTrue();
    assertThat(guard.status(one, "chat").get(0).scopeKey()).isEqualTo("actor:t/a%2Fb");
    assertThat(guard.status(other, "chat").get(0).scopeKey()).isEqualTo("actor:t%2Fa/b");
  }

  @Test
  void onlyOperation_budgetIgnoresOtherOperations() {
    Budget chatOnly =
        Budget.builder("chat-only")
            .limit(usd("0.10"))
            .period(BudgetPeriod.day(ZoneOffset.UTC))
            .onlyOperation("chat")
            .build();
    BudgetGuard guard = guard(InMemoryBudgetStore.create(), chatOnly);
    assertThat(guard.reserve("c1", ALICE, "embed", usd("5.00"))).isFalse();
    assertThatThrownBy(() -> guard.reserve("c2", ALICE, "chat", usd("0.20")))
        .isInstanceOf(BudgetExceeded.class);
  }

  @Test
  void settle_isIdempotentByCallId() {
    BudgetGuard guard =
        guard(InMemoryBudgetStore.create(), daily("user", BudgetScope.ACTOR, "1.00"));
    guard.reserve("c1", ALICE, "chat", usd("0.50"));

    assertThat(guard.settle("c1", usd("0.30"))).isTrue();
    assertThat(guard.settle("c1", usd("0.30"))).isFalse();
    assertThat(guard.release("c1")).isFalse();

    BudgetStatus status = guard.status(ALICE, "chat").get(0);
    assertThat(status.spent()).isEqualTo(usd("0.30"));
    assertThat(status.reserved()).isEqualTo(usd("0"));
  }

  @Test
  void release_returnsTheReservation() {
    BudgetGuard guard =
        guard(InMemoryBudgetStore.create(), daily("user", BudgetScope.ACTOR, "1.00"));
    guard.reserve("c1", ALICE, "chat", usd("1.00"));
    assertThat(guard.release("c1")).isTrue();
    assertThat(guard.reserve("c2", ALICE, "chat", usd("1.00"))).isTrue();
  }

  @Test
  void reservation_neverSettled_expiresAndIsReleased() {
    BudgetGuard guard =
        BudgetGuard.builder(InMemoryBudgetStore.create())
            .clock(clock)
            .reservationTimeout(Duration.ofMinutes(2))
            .budget(daily("user", BudgetScope.ACTOR, "1.00"))
            .build();
    guard.reserve("crashed", ALICE, "chat", usd("1.00"));
    assertThatThrownBy(() -> guard.reserve("c2", ALICE, "chat", usd("0.10")))
        .isInstanceOf(BudgetExceeded.class);

    clock.advance(Duration.ofMinutes(1));
    assertThat(guard.expireReservations()).isZero();
    clock.advance(Duration.ofMinutes(1));
    assertThat(guard.expireReservations()).isEqualTo(1);

    assertThat(guard.reserve("c3", ALICE, "chat", usd("1.00"))).isTrue();
  }

  @Test
  void reservation_expired_isReleasedLazilyByTheNextReserve() {
    BudgetGuard guard =
        BudgetGuard.builder(InMemoryBudgetStore.create())
            .clock(clock)
            .reservationTimeout(Duration.ofMinutes(2))
            .budget(daily("user", BudgetScope.ACTOR, "1.00"))
            .build();
    guard.reserve("crashed", ALICE, "chat", usd("1.00"));
    clock.advance(Duration.ofMinutes(3));
    assertThat(guard.reserve("c2", ALICE, "chat", usd("1.00"))).isTrue();
  }

  @Test
  void settle_afterExpiry_recordsTheCostWithoutReleasingTwice() {
    BudgetGuard guard =
        BudgetGuard.builder(InMemoryBudgetStore.create())
            .clock(clock)
            .reservationTimeout(Duration.ofMinutes(2))
            .budget(daily("user", BudgetScope.ACTOR, "1.00"))
            .build();
    guard.reserve("slow", ALICE, "chat", usd("0.50"));
    guard.reserve("other", ALICE, "chat", usd("0.20"));
    clock.advance(Duration.ofMinutes(3));
    guard.expireReservations();

    assertThat(guard.settle("slow", usd("0.40"))).isTrue();

    BudgetStatus status = guard.status(ALICE, "chat").get(0);
    assertThat(status.spent()).isEqualTo(usd("0.40"));
    assertThat(status.reserved()).isEqualTo(usd("0"));
  }

  @Test
  void newPeriod_startsFromZero() {
    BudgetGuard guard =
        guard(InMemoryBudgetStore.create(), daily("user", BudgetScope.ACTOR, "1.00"));
    guard.reserve("c1", ALICE, "chat", usd("1.00"));
    guard.settle("c1", usd("1.00"));
    assertThatThrownBy(() -> guard.reserve("c2", ALICE, "chat", usd("0.01")))
        .isInstanceOf(BudgetExceeded.class);

    clock.set(Instant.parse("2026-11-23T00:00:00Z"));

    assertThat(guard.reserve("c3", ALICE, "chat", usd("1.00"))).isTrue();
  }

  @Test
  void dayInTimeZone_resetsAtLocalMidnight() {
    Budget berlin =
        Budget.builder("berlin")
            .limit(usd("1.00"))
            .period(BudgetPeriod.day(ZoneId.of("Europe/Berlin")))
            .build();
    BudgetGuard guard = guard(InMemoryBudgetStore.create(), berlin);
    guard.reserve("c1", ALICE, "chat", usd("1.00"));
    assertThatThrownBy(() -> guard.reserve("c2", ALICE, "chat", usd("1.00")))
        .isInstanceOfSatisfying(
            BudgetExceeded.class,
            e -> assertThat(e.resetsAt()).isEqualTo(Instant.parse("2026-11-22T23:00:00Z")));
  }

  @Test
  void dayWhoseMidnightIsSkipped_resetsAtTheNextLocalMidnight() {
    // Chile: on 2023-09-03 the clocks jump from 00:00 to 01:00 (the day starts at 01:00)
    Budget santiago =
        Budget.builder("santiago")
            .limit(usd("1.00"))
            .period(BudgetPeriod.day(ZoneId.of("America/Santiago")))
            .build();
    BudgetGuard guard = guard(InMemoryBudgetStore.create(), santiago);
    clock.set(Instant.parse("2023-09-03T15:00:00Z"));
    spend(guard, "c1", "1.00");
    assertThatThrownBy(() -> guard.reserve("c2", ALICE, "chat", usd("0.01")))
        .isInstanceOfSatisfying(
            BudgetExceeded.class,
            e -> assertThat(e.resetsAt()).isEqualTo(Instant.parse("2023-09-04T03:00:00Z")));

    clock.set(Instant.parse("2023-09-04T03:30:00Z")); // 00:30 on the 4th: a new day

    assertThat(guard.reserve("c3", ALICE, "chat", usd("1.00"))).isTrue();
  }

  @Test
  void thresholds_areRaisedOncePerCrossingPerPeriod() {
    BudgetGuard guard =
        guard(InMemoryBudgetStore.create(), daily("team", BudgetScope.TENANT, "10.00"));
    spend(guard, "a", "4.00"); // 40%
    spend(guard, "b", "1.00"); // 50% -> crosses 50
    spend(guard, "c", "0.50"); // 55%
    spend(guard, "d", "4.50"); // 100% -> crosses 80 and 100
    assertThatThrownBy(() -> spend(guard, "e", "0.00")) // used up: even a free call stops
        .isInstanceOf(BudgetExceeded.class);

    assertThat(events.events(BudgetCrossedEvent.class))
        .extracting(BudgetCrossedEvent::thresholdPercent)
        .containsExactly(50, 80, 100);
    BudgetCrossedEvent last = events.events(BudgetCrossedEvent.class).get(2);
    assertThat(last.budgetName()).isEqualTo("team/tenant:acme");
    assertThat(last.spent()).isEqualTo(usd("10.00"));
    assertThat(last.limit()).isEqualTo(usd("10.00"));
    assertThat(last.periodStart()).isEqualTo(Instant.parse("2026-11-22T00:00:00Z"));

    events.clear();
    clock.set(Instant.parse("2026-11-23T08:00:00Z"));
    spend(guard, "f", "6.00");
    assertThat(events.events(BudgetCrossedEvent.class))
        .extracting(BudgetCrossedEvent::thresholdPercent)
        .containsExactly(50);
  }

  @Test
  void alertOnly_budgetNeverRefusesButAlerts() {
    Budget dailySpend =
        Budget.builder("daily-spend")
            .limit(usd("1.00"))
            .period(BudgetPeriod.day(ZoneOffset.UTC))
            .alertOnly()
            .alertAtPercent(100)
            .build();
    BudgetGuard guard = guard(InMemoryBudgetStore.create(), dailySpend);
    spend(guard, "a", "0.90");
    spend(guard, "b", "0.90");
    assertThat(guard.reserve("c", ALICE, "chat", usd("5.00"))).isTrue();
    assertThat(events.events(BudgetCrossedEvent.class))
        .singleElement()
        .satisfies(e -> assertThat(e.thresholdPercent()).isEqualTo(100));
  }

  @Test
  void rollingWindow_countsOnlySpendInsideTheWindow() {
    Budget hourly =
        Budget.builder("hourly")
            .scope(BudgetScope.ACTOR)
            .limit(usd("1.00"))
            .period(BudgetPeriod.rolling(Duration.ofHours(1)))
            .build();
    BudgetGuard guard = guard(InMemoryBudgetStore.create(), hourly);
    spend(guard, "a", "0.60");
    clock.advance(Duration.ofMinutes(30));
    spend(guard, "b", "0.40");
    assertThatThrownBy(() -> guard.reserve("c", ALICE, "chat", usd("0.50")))
        .isInstanceOfSatisfying(
            BudgetExceeded.class,
            e -> assertThat(e.resetsAt()).isEqualTo(Instant.parse("2026-11-22T11:00:00Z")));

    clock.advance(Duration.ofMinutes(31)); // the first 0.60 left the window
    assertThat(guard.reserve("d", ALICE, "chat", usd("0.60"))).isTrue();
    assertThatThrownBy(() -> guard.reserve("e", ALICE, "chat", usd("0.01")))
        .isInstanceOf(BudgetExceeded.class);
  }

  @Test
  void estimate_inOtherCurrency_isRejected() {
    BudgetGuard guard =
        guard(InMemoryBudgetStore.create(), daily("user", BudgetScope.ACTOR, "1.00"));
    assertThatThrownBy(
            () -> guard.reserve("c1", ALICE, "chat", Money.of("1", Currency.getInstance("EUR"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("estimate must be in USD like the budgets, but was 1.00 EUR");
  }

  @Test
  void duplicateCallId_isRejected() {
    BudgetGuard guard =
        guard(InMemoryBudgetStore.create(), daily("user", BudgetScope.ACTOR, "1.00"));
    guard.reserve("c1", ALICE, "chat", usd("0.10"));
    assertThatThrownBy(() -> guard.reserve("c1", ALICE, "chat", usd("0.10")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already reserved");
    assertThat(guard.status(ALICE, "chat").get(0).reserved()).isEqualTo(usd("0.10"));
  }

  @Test
  void builder_rejectsMisuse() {
    assertThatThrownBy(() -> BudgetGuard.builder(InMemoryBudgetStore.create()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("a budget guard needs at least one budget");
    assertThatThrownBy(
            () ->
                BudgetGuard.builder(InMemoryBudgetStore.create())
                    .budget(daily("x", BudgetScope.GLOBAL, "1"))
                    .budget(daily("x", BudgetScope.ACTOR, "1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unique");
    Budget eur =
        Budget.builder("eur")
            .limit(Money.of("1", Currency.getInstance("EUR")))
            .period(BudgetPeriod.day(ZoneOffset.UTC))
            .build();
    assertThatThrownBy(
            () ->
                BudgetGuard.builder(InMemoryBudgetStore.create())
                    .budget(daily("x", BudgetScope.GLOBAL, "1"))
                    .budget(eur))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("one currency");
    assertThatThrownBy(() -> Budget.builder("bad name!"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Budget.builder("x").limit(usd("-5")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("budget limit must be positive, but was -5.00 USD");
    assertThatThrownBy(() -> Budget.builder("x").limit(usd("5")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("budget 'x' needs a period");
  }

  @Test
  void storeDown_failsClosedWithUpstreamUnavailableAndEvent() {
    BudgetGuard guard = guard(new DownStore(), daily("user", BudgetScope.ACTOR, "1.00"));
    assertThatThrownBy(() -> guard.reserve("c1", ALICE, "chat", usd("0.10")))
        .isInstanceOf(UpstreamUnavailable.class);
    assertThat(events.events(FailureEvent.class))
        .singleElement()
        .satisfies(e -> assertThat(e.errorCode()).isEqualTo("budget_store_unavailable"));

    assertThat(guard.settle("c1", usd("0.10"))).isFalse();
    assertThat(events.events(FailureEvent.class)).hasSize(2);
  }

  @Test
  void threshold_roundsUp() {
    assertThat(BudgetGuard.threshold(1_000_000, 50)).isEqualTo(500_000);
    assertThat(BudgetGuard.threshold(3, 50)).isEqualTo(2);
    assertThat(BudgetGuard.threshold(Long.MAX_VALUE, 100)).isEqualTo(Long.MAX_VALUE);
  }

  private void spend(BudgetGuard guard, String callId, String amount) {
    guard.reserve(callId, ALICE, "chat", usd(amount));
    guard.settle(callId, usd(amount));
  }

  /** A store whose database is down. */
  static final class DownStore implements BudgetStore {
    @Override
    public ReserveOutcome reserve(
        String callId, List<BudgetLine> lines, Instant now, Instant expiresAt) {
      throw new IllegalStateException("connection refused");
    }

    @Override
    public List<SpendChange> settle(String callId, long actualMicros, Instant now) {
      throw new IllegalStateException("connection refused");
    }

    @Override
    public int expireReservations(Instant now) {
      throw new IllegalStateException("connection refused");
    }

    @Override
    public BudgetUsage usage(BudgetLine line) {
      throw new IllegalStateException("connection refused");
    }
  }
}
