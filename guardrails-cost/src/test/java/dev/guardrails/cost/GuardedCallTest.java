package dev.guardrails.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.guardrails.core.Actor;
import dev.guardrails.core.BudgetExceeded;
import dev.guardrails.core.GuardContext;
import dev.guardrails.core.InMemoryEventSink;
import dev.guardrails.core.Money;
import dev.guardrails.core.RateLimited;
import dev.guardrails.core.UpstreamUnavailable;
import dev.guardrails.cost.spi.CostModel;
import dev.guardrails.cost.spi.TokenUsage;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.IOException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Currency;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

final class GuardedCallTest {

  static final Currency USD = Currency.getInstance("USD");
  static final Actor ALICE = Actor.person("alice", "acme");
  static final Actor BOB = Actor.person("bob", "acme");
  static final Actor CAROL = Actor.person("carol", "globex");
  static final Money PRICE = Money.of("0.10", USD);

  record Prompt(String text, int maxTokens) {}

  record Answer(String text, long inputTokens, long outputTokens) {}

  final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
  final InMemoryEventSink events = new InMemoryEventSink();
  final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());
  final AtomicInteger upstreamCalls = new AtomicInteger();
  final ExecutorService executor = Executors.newCachedThreadPool();

  @AfterEach
  void stopExecutor() {
    executor.shutdownNow();
  }

  Answer answer(Prompt p) {
    upstreamCalls.incrementAndGet();
    return new Answer("echo " + p.text(), p.text().length(), 10);
  }

  BudgetGuard budgets(String perUserLimit) {
    return BudgetGuard.builder(InMemoryBudgetStore.create())
        .clock(clock)
        .events(events)
        .budget(
            Budget.builder("per-user")
                .scope(BudgetScope.ACTOR)
                .limit(Money.of(perUserLimit, USD))
                .period(BudgetPeriod.day(ZoneOffset.UTC))
                .build())
        .build();
  }

  GuardedCall.Builder<Prompt, Answer> builder(PaidCall<Prompt, Answer> call) {
    return GuardedCall.builder("chat", call).clock(clock).events(events).sleeper(sleeps::add);
  }

  @Test
  void cacheHit_costsNothingAndIsMeteredAsHit() {
    BudgetGuard budgets = budgets("1.00");
    CostMeter meter = CostMeter.create(USD, clock, ZoneOffset.UTC);
    GuardedCall<Prompt, Answer> chat =
        builder(this::answer)
            .budgets(budgets, CostModel.flat(PRICE))
            .meter(meter)
            .cache(Prompt::text, 100, Duration.ofMinutes(5))
            .build();

    Answer first = chat.call(ALICE, new Prompt("hi", 5));
    Answer second = chat.call(ALICE, new Prompt("hi", 5));

    assertThat(second).isSameAs(first);
    assertThat(upstreamCalls).hasValue(1);
    assertThat(budgets.status(ALICE, "chat").get(0).spent()).isEqualTo(PRICE);
    assertThat(meter.query().actor(ALICE).total().calls()).isEqualTo(1);
    assertThat(meter.query().actor(ALICE).total().cost()).isEqualTo(PRICE);
    assertThat(meter.hits("chat", LocalDate.of(2026, 11, 22))).isEqualTo(1);
  }

  @Test
  void cache_isPerTenantByDefault() {
    GuardedCall<Prompt, Answer> chat =
        builder(this::answer).cache(Prompt::text, 100, Duration.ofMinutes(5)).build();
    chat.call(ALICE, new Prompt("hi", 5));
    chat.call(BOB, new Prompt("hi", 5));
    assertThat(upstreamCalls).hasValue(1);

    chat.call(CAROL, new Prompt("hi", 5));
    assertThat(upstreamCalls).hasValue(2);
  }

  @Test
  void cacheSharedAcrossTenants_letsOtherTenantsHit() {
    GuardedCall<Prompt, Answer> chat =
        builder(this::answer)
            .cache(Prompt::text, 100, Duration.ofMinutes(5))
            .cacheSharedAcrossTenants()
            .build();
    chat.call(ALICE, new Prompt("hi", 5));
    chat.call(CAROL, new Prompt("hi", 5));
    assertThat(upstreamCalls).hasValue(1);
  }

  @Test
  void cache_expiresAfterTtlByTheClock() {
    GuardedCall<Prompt, Answer> chat =
        builder(this::answer).cache(Prompt::text, 100, Duration.ofMinutes(5)).build();
    chat.call(ALICE, new Prompt("hi", 5));
    clock.advance(Duration.ofMinutes(4));
    chat.call(ALICE, new Prompt("hi", 5));
    assertThat(upstreamCalls).hasValue(1);

    clock.advance(Duration.ofMinutes(2));
    chat.call(ALICE, new Prompt("hi", 5));
    assertThat(upstreamCalls).hasValue(2);
  }

  @Test
  void cache_onTheSystemClockInAnyZone_servesHitsWithinTheTtl() {
    GuardedCall<Prompt, Answer> chat =
        GuardedCall.<Prompt, Answer>builder("chat", this::answer)
            .clock(java.time.Clock.system(java.time.ZoneId.of("Europe/Paris")))
            .cache(Prompt::text, 100, Duration.ofMinutes(1))
            .build();
    for (int i = 0; i < 10_000; i++) {
      assertThat(chat.call(ALICE, new Prompt("hi", 5)).text()).isEqualTo("echo hi");
    }
    assertThat(upstreamCalls).hasValue(1);
  }

  @Test
  void cache_onTheSystemClock_expiresExactlyAtTheTtl() throws Exception {
    GuardedCall<Prompt, Answer> chat =
        GuardedCall.<Prompt, Answer>builder("chat", this::answer)
            .cache(Prompt::text, 100, Duration.ofMillis(60))
            .build();
    for (int round = 1; round <= 3; round++) {
      long beforeWrite = System.nanoTime();
      chat.call(ALICE, new Prompt("round " + round, 5));
      // no margin: the write's stamp was read after beforeWrite, so the ttl has passed by then
      TimeUnit.NANOSECONDS.sleep(
          beforeWrite + TimeUnit.MILLISECONDS.toNanos(60) - System.nanoTime());
      chat.call(ALICE, new Prompt("round " + round, 5));
      assertThat(upstreamCalls).as("round %d", round).hasValue(2 * round);
    }
  }

  @Test
  void cache_ttlHoldsToTheMillisecond_withOnlyHitsInBetween() {
    GuardedCall<Prompt, Answer> chat =
        builder(this::answer).cache(Prompt::text, 100, Duration.ofMinutes(5)).build();
    chat.call(ALICE, new Prompt("hi", 5));
    for (int i = 0; i < 299; i++) {
      clock.advance(Duration.ofSeconds(1));
      chat.call(ALICE, new Prompt("hi", 5)); // hits only: no write moves the cache's ticker
    }
    clock.advance(Duration.ofMillis(999));
    chat.call(ALICE, new Prompt("hi", 5));
    assertThat(upstreamCalls).hasValue(1);

    clock.advance(Duration.ofMillis(1)); // exactly the ttl after the write
    chat.call(ALICE, new Prompt("hi", 5));
    assertThat(upstreamCalls).hasValue(2);
    assertThat(chat.cachedResponses()).isEqualTo(1);
    clock.advance(Duration.ofMinutes(5));
    assertThat(chat.cachedResponses()).isZero();
  }

  @Test
  void cache_subMillisecondTtl_isRoundedUp() {
    GuardedCall<Prompt, Answer> chat =
        builder(this::answer).cache(Prompt::text, 100, Duration.ofNanos(1_500_000)).build();
    chat.call(ALICE, new Prompt("hi", 5));
    clock.advance(Duration.ofMillis(1));
    chat.call(ALICE, new Prompt("hi", 5));
    assertThat(upstreamCalls).hasValue(1);
    clock.advance(Duration.ofMillis(1));
    chat.call(ALICE, new Prompt("hi", 5));
    assertThat(upstreamCalls).hasValue(2);
  }

  @Test
  void cacheHits_areCountedOnTheDayOfTheHit() {
    CostMeter meter = CostMeter.create(USD, clock, ZoneOffset.UTC);
    clock.set(java.time.Instant.parse("2026-11-22T23:59:00Z"));
    GuardedCall<Prompt, Answer> chat =
        builder(this::answer)
            .costModel(CostModel.flat(PRICE))
            .meter(meter)
            .cache(Prompt::text, 100, Duration.ofMinutes(5))
            .build();
    chat.call(ALICE, new Prompt("hi", 5));
    chat.call(ALICE, new Prompt("hi", 5));
    clock.advance(Duration.ofMinutes(2));
    chat.call(ALICE, new Prompt("hi", 5));
    chat.call(BOB, new Prompt("hi", 5));
    assertThat(upstreamCalls).hasValue(1);
    assertThat(meter.hits("chat", LocalDate.of(2026, 11, 22))).isEqualTo(1);
    assertThat(meter.hits("chat", LocalDate.of(2026, 11, 23))).isEqualTo(2);
  }

  @Test
  void cache_failedCallIsNotCached() {
    AtomicInteger calls = new AtomicInteger();
    GuardedCall<Prompt, Answer> chat =
        builder(
                p -> {
                  if (calls.incrementAndGet() == 1) {
                    throw new IllegalArgumentException("bad request");
                  }
                  return answer(p);
                })
            .cache(Prompt::text, 100, Duration.ofMinutes(5))
            .build();
    assertThatThrownBy(() -> chat.call(ALICE, new Prompt("hi", 5)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(chat.call(ALICE, new Prompt("hi", 5)).text()).isEqualTo("echo hi");
  }

  @Test
  void concurrentIdenticalMisses_makeOneUpstreamCall() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    GuardedCall<Prompt, Answer> chat =
        builder(
                p -> {
                  entered.countDown();
                  release.await();
                  return answer(p);
                })
            .cache(Prompt::text, 100, Duration.ofMinutes(5))
            .build();
    List<Thread> threads = new ArrayList<>();
    List<Answer> answers = Collections.synchronizedList(new ArrayList<>());
    Thread leader = new Thread(() -> answers.add(chat.call(ALICE, new Prompt("hi", 5))));
    leader.start();
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 7; i++) {
      Thread t = new Thread(() -> answers.add(chat.call(BOB, new Prompt("hi", 5))));
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      awaitWaiting(t);
    }
    release.countDown();
    leader.join(10_000);
    for (Thread t : threads) {
      t.join(10_000);
    }

    assertThat(upstreamCalls).hasValue(1);
    assertThat(answers).hasSize(8).allSatisfy(a -> assertThat(a).isSameAs(answers.get(0)));
  }

  @Test
  void coalescedWaiter_interrupted_stopsWaitingAndKeepsItsInterrupt() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    GuardedCall<Prompt, Answer> chat =
        builder(
                p -> {
                  entered.countDown();
                  release.await();
                  return answer(p);
                })
            .cache(Prompt::text, 100, Duration.ofMinutes(5))
            .build();
    Thread leader = new Thread(() -> chat.call(ALICE, new Prompt("hi", 5)));
    leader.start();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicReference<Boolean> interrupted = new AtomicReference<>();
    Thread waiter =
        new Thread(
            () -> {
              try {
                chat.call(BOB, new Prompt("hi", 5));
              } catch (RuntimeException e) {
                failure.set(e);
              }
              interrupted.set(Thread.currentThread().isInterrupted());
            });
    try {
      assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
      waiter.start();
      awaitWaiting(waiter);

      waiter.interrupt();
      waiter.join(10_000);

      assertThat(waiter.isAlive()).as("the waiter still waits for the leader").isFalse();
    } finally {
      release.countDown();
      leader.join(10_000);
      waiter.join(10_000);
    }
    assertThat(failure.get())
        .isInstanceOf(UpstreamUnavailable.class)
        .hasCauseInstanceOf(InterruptedException.class);
    assertThat(interrupted.get()).isTrue();
    assertThat(upstreamCalls).hasValue(1);
  }

  @Test
  void coalescingLeader_interrupted_waitersMakeTheirOwnCall() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    GuardedCall<Prompt, Answer> chat =
        builder(
                p -> {
                  if (calls.incrementAndGet() == 1) {
                    entered.countDown();
                    release.await(); // the leader's request is cancelled here
                  }
                  return answer(p);
                })
            .cache(Prompt::text, 100, Duration.ofMinutes(5))
            .build();
    AtomicReference<Throwable> leaderFailure = new AtomicReference<>();
    Thread leader =
        new Thread(
            () -> {
              try {
                chat.call(ALICE, new Prompt("hi", 5));
              } catch (RuntimeException e) {
                leaderFailure.set(e);
              }
            });
    AtomicReference<Object> waiterResult = new AtomicReference<>();
    Thread waiter =
        new Thread(
            () -> {
              try {
                waiterResult.set(chat.call(BOB, new Prompt("hi", 5)));
              } catch (RuntimeException e) {
                waiterResult.set(e);
              }
            });
    try {
      leader.start();
      assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
      waiter.start();
      awaitWaiting(waiter);

      leader.interrupt();
      leader.join(10_000);
      waiter.join(10_000);
    } finally {
      release.countDown();
    }

    assertThat(leaderFailure.get()).isInstanceOf(PaidCallException.class);
    assertThat(waiterResult.get()).isInstanceOf(Answer.class);
    assertThat(calls).hasValue(2);
  }

  @Test
  void cache_reentrantCallWithTheSameKey_doesNotDeadlock() {
    AtomicReference<GuardedCall<Prompt, Answer>> self = new AtomicReference<>();
    GuardedCall<Prompt, Answer> chat =
        builder(
                p -> {
                  if (p.maxTokens() > 0) {
                    return self.get().call(ALICE, new Prompt(p.text(), p.maxTokens() - 1));
                  }
                  return answer(p);
                })
            .cache(Prompt::text, 100, Duration.ofMinutes(5))
            .build();
    self.set(chat);
    assertThat(chat.call(ALICE, new Prompt("loop", 2)).text()).isEqualTo("echo loop");
  }

  @Test
  void budgetExceeded_callDoesNotHappen() {
    BudgetGuard budgets = budgets("0.15");
    GuardedCall<Prompt, Answer> chat =
        builder(this::answer).budgets(budgets, CostModel.flat(PRICE)).build();
    chat.call(ALICE, new Prompt("one", 5));

    assertThatThrownBy(() -> chat.call(ALICE, new Prompt("two", 5)))
        .isInstanceOf(BudgetExceeded.class);
    assertThat(upstreamCalls).hasValue(1);
    assertThat(chat.call(BOB, new Prompt("three", 5)).text()).isEqualTo("echo three");
  }

  @Test
  void tokenCostModel_reservesMaximumAndSettlesActualUsage() {
    BudgetGuard budgets = budgets("1.00");
    CostModel<Prompt, Answer> tokens =
        CostModel.perMillionTokens(
            Money.of("2.50", USD),
            Money.of("10.00", USD),
            p -> new TokenUsage(p.text().length(), p.maxTokens()),
            a -> new TokenUsage(a.inputTokens(), a.outputTokens()));
    GuardedCall<Prompt, Answer> chat = builder(this::answer).budgets(budgets, tokens).build();

    chat.call(ALICE, new Prompt("hello", 1000));

    // 5 input tokens * 2.50/M + 10 output tokens * 10.00/M = 12.5 + 100 micros, rounded up
    assertThat(budgets.status(ALICE, "chat").get(0).spent().micros()).isEqualTo(113);
    assertThat(budgets.status(ALICE, "chat").get(0).reserved().micros()).isZero();
  }

  @Test
  void costModelFailing_chargesTheEstimateReportsAndStillReturns() {
    BudgetGuard budgets = budgets("1.00");
    GuardedCall<Prompt, Answer> chat =
        builder(this::answer)
            .budgets(
                budgets,
                CostModel.of(
                    p -> PRICE,
                    (p, a) -> {
                      throw new IllegalStateException("usage missing");
                    }))
            .build();
    assertThat(chat.call(ALICE, new Prompt("x", 5)).text()).isEqualTo("echo x");
    assertThat(budgets.status(ALICE, "chat").get(0).spent()).isEqualTo(PRICE);
    assertThat(events.events(UpstreamEvent.class))
        .extracting(UpstreamEvent::kind)
        .containsExactly(UpstreamEvent.Kind.COST_MODEL_FAILED);
  }

  @Test
  void estimate_inAnotherCurrency_isRefusedBeforeReservingOrCalling() {
    BudgetGuard budgets = budgets("1.00");
    GuardedCall<Prompt, Answer> chat =
        builder(this::answer)
            .budgets(budgets, CostModel.flat(Money.of("0.10", Currency.getInstance("EUR"))))
            .build();

    assertThatThrownBy(() -> chat.call(ALICE, new Prompt("x", 5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("estimate of chat must be a non-negative amount in USD, but was 0.10 EUR");
    assertThat(upstreamCalls).hasValue(0);
    BudgetStatus status = budgets.status(ALICE, "chat").get(0);
    assertThat(status.spent().micros()).isZero();
    assertThat(status.reserved().micros()).isZero();
  }

  @Test
  void estimate_negative_isRefusedBeforeCalling() {
    CostMeter meter = CostMeter.create(USD, clock, ZoneOffset.UTC);
    GuardedCall<Prompt, Answer> chat =
        builder(this::answer)
            .meter(meter)
            .costModel(CostModel.of(p -> Money.ofMicros(-1, USD), (p, a) -> PRICE))
            .build();

    assertThatThrownBy(() -> chat.call(ALICE, new Prompt("x", 5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("estimate of chat must be a non-negative amount in USD, but was -0.000001 USD");
    assertThat(upstreamCalls).hasValue(0);
  }

  @Test
  void actualAboveEstimate_isRecordedAndReported() {
    BudgetGuard budgets = budgets("1.00");
    GuardedCall<Prompt, Answer> chat =
        builder(this::answer)
            .budgets(budgets, CostModel.of(p -> PRICE, (p, a) -> Money.of("0.25", USD)))
            .build();
    chat.call(ALICE, new Prompt("x", 5));
    assertThat(budgets.status(ALICE, "chat").get(0).spent()).isEqualTo(Money.of("0.25", USD));
    assertThat(events.events(UpstreamEvent.class))
        .extracting(UpstreamEvent::kind)
        .containsExactly(UpstreamEvent.Kind.COST_ABOVE_ESTIMATE);
  }

  @Test
  void rateLimit_perOperation_refusesAndReleasesTheReservation() {
    BudgetGuard budgets = budgets("1.00");
    GuardedCall<Prompt, Answer> chat =
        builder(this::answer)
            .budgets(budgets, CostModel.flat(PRICE))
            .rateLimit(2, Duration.ofHours(1))
            .build();
    chat.call(ALICE, new Prompt("a", 5));
    chat.call(BOB, new Prompt("b", 5));

    assertThatThrownBy(() -> chat.call(ALICE, new Prompt("c", 5)))
        .isInstanceOfSatisfying(
            RateLimited.class, e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofHours(1)));
    assertThat(upstreamCalls).hasValue(2);
    BudgetStatus status = budgets.status(ALICE, "chat").get(0);
    assertThat(status.reserved().micros()).isZero();
    assertThat(status.spent()).isEqualTo(PRICE);
  }

  @Test
  void rateLimit_windowsFollowTheInjectedClock_retryAfterIsTheTimeToTheNextWindow() {
    GuardedCall<Prompt, Answer> chat =
        builder(this::answer).rateLimit(2, Duration.ofMinutes(1)).build();
    chat.call(ALICE, new Prompt("a", 5));
    clock.advance(Duration.ofSeconds(20));
    chat.call(ALICE, new Prompt("b", 5));

    clock.advance(Duration.ofSeconds(25)); // 45 s into the window
    assertThatThrownBy(() -> chat.call(ALICE, new Prompt("c", 5)))
        .isInstanceOfSatisfying(
            RateLimited.class, e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(15)));
    clock.advance(Duration.ofMillis(14_999));
    assertThatThrownBy(() -> chat.call(ALICE, new Prompt("d", 5)))
        .isInstanceOfSatisfying(
            RateLimited.class, e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(1)));

    clock.advance(Duration.ofMillis(1)); // the next window
    chat.call(ALICE, new Prompt("e", 5));
    chat.call(ALICE, new Prompt("f", 5));
    assertThatThrownBy(() -> chat.call(ALICE, new Prompt("g", 5))).isInstanceOf(RateLimited.class);
    assertThat(upstreamCalls).hasValue(4);
  }

  @Test
  void rateLimit_clockSetBackALittle_handsOutNoPermitAgain() {
    GuardedCall<Prompt, Answer> chat =
        builder(this::answer).rateLimit(1, Duration.ofMinutes(1)).build();
    clock.advance(Duration.ofSeconds(70)); // second window
    chat.call(ALICE, new Prompt("a", 5));

    clock.advance(Duration.ofSeconds(-30)); // back into the first window
    assertThatThrownBy(() -> chat.call(ALICE, new Prompt("b", 5)))
        .isInstanceOfSatisfying(
            RateLimited.class,
            e ->
                assertThat(e.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1)));
    assertThat(upstreamCalls).hasValue(1);
  }

  @Test
  void rateLimit_clockSetBackMoreThanAPeriodAndForwardAgain_handsOutNoPermitAgain() {
    GuardedCall<Prompt, Answer> chat =
        builder(this::answer).rateLimit(1, Duration.ofMinutes(1)).build();
    clock.advance(Duration.ofSeconds(70)); // second window
    chat.call(ALICE, new Prompt("a", 5));

    clock.advance(Duration.ofSeconds(-150)); // an NTP step back of two and a half windows
    assertThatThrownBy(() -> chat.call(ALICE, new Prompt("b", 5))).isInstanceOf(RateLimited.class);
    clock.advance(Duration.ofSeconds(150)); // and forward again, still in the second window
    assertThatThrownBy(() -> chat.call(ALICE, new Prompt("c", 5)))
        .isInstanceOfSatisfying(
            RateLimited.class, e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(50)));
    assertThat(upstreamCalls).hasValue(1);
  }

  @Test
  void rateLimit_perTenant_newKeyStartsItsWindowAtItsFirstCall() {
    GuardedCall<Prompt, Answer> chat =
        builder(this::answer).rateLimitPerTenant(1, Duration.ofMinutes(1)).build();
    clock.advance(Duration.ofSeconds(50));
    chat.call(ALICE, new Prompt("a", 5));

    clock.advance(Duration.ofSeconds(30)); // 80 s after build, 30 s into acme's first window
    assertThatThrownBy(() -> chat.call(BOB, new Prompt("b", 5)))
        .isInstanceOfSatisfying(
            RateLimited.class, e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(30)));
    chat.call(Actor.person("carol", "globex"), new Prompt("c", 5));
  }

  @Test
  void rateLimit_perActor_separatesActorsWithBoundedLimiters() {
    GuardedCall<Prompt, Answer> chat =
        builder(this::answer).rateLimitPerActor(1, Duration.ofHours(1)).maxTrackedKeys(5).build();
    chat.call(ALICE, new Prompt("a", 5));
    assertThatThrownBy(() -> chat.call(ALICE, new Prompt("b", 5))).isInstanceOf(RateLimited.class);
    chat.call(BOB, new Prompt("c", 5));

    for (int i = 0; i < 200; i++) {
      chat.call(Actor.person("user-" + i, "acme"), new Prompt("x", 5));
    }
    assertThat(chat.keyedLimiters()).isLessThanOrEqualTo(5);
  }

  @Test
  void upstreamDown_breakerOpensAndStopsSpending_thenClosesWhenBack() {
    AtomicReference<Boolean> down = new AtomicReference<>(true);
    GuardedCall<Prompt, Answer> chat =
        builder(
                p -> {
                  upstreamCalls.incrementAndGet();
                  if (down.get()) {
                    throw new IOException("connection refused");
                  }
                  return new Answer("ok", 1, 1);
                })
            .circuitBreaker(
                CircuitBreakerConfig.custom()
                    .slidingWindowSize(10)
                    .minimumNumberOfCalls(10)
                    .failureRateThreshold(50)
                    .waitDurationInOpenState(Duration.ofSeconds(30))
                    .permittedNumberOfCallsInHalfOpenState(2)
                    .build())
            .build();

    int refusedWithoutCall = 0;
    for (int i = 0; i < 100; i++) {
      int before = upstreamCalls.get();
      assertThatThrownBy(() -> chat.call(ALICE, new Prompt("x", 5)))
          .isInstanceOf(UpstreamUnavailable.class);
      if (upstreamCalls.get() == before) {
        refusedWithoutCall++;
      }
    }
    assertThat(chat.circuitState()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(upstreamCalls.get()).isEqualTo(10);
    assertThat(refusedWithoutCall).isGreaterThanOrEqualTo(95);
    assertThat(events.events(UpstreamEvent.class))
        .extracting(UpstreamEvent::kind)
        .contains(UpstreamEvent.Kind.CIRCUIT_OPENED);

    down.set(false);
    clock.advance(Duration.ofSeconds(31));
    chat.call(ALICE, new Prompt("x", 5));
    chat.call(ALICE, new Prompt("x", 5));

    assertThat(chat.circuitState()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(events.events(UpstreamEvent.class))
        .extracting(UpstreamEvent::kind)
        .contains(UpstreamEvent.Kind.CIRCUIT_HALF_OPEN, UpstreamEvent.Kind.CIRCUIT_CLOSED);
  }

  @Test
  void breakerTransitions_areReportedOnceEach_andSteadyCallsReportNothing() {
    AtomicReference<Boolean> down = new AtomicReference<>(false);
    GuardedCall<Prompt, Answer> chat =
        builder(
                p -> {
                  if (down.get()) {
                    throw new IOException("connection refused");
                  }
                  return new Answer("ok", 1, 1);
                })
            .circuitBreaker(
                CircuitBreakerConfig.custom()
                    .slidingWindowSize(10)
                    .minimumNumberOfCalls(10)
                    .failureRateThreshold(50)
                    .waitDurationInOpenState(Duration.ofSeconds(30))
                    .permittedNumberOfCallsInHalfOpenState(2)
                    .build())
            .retry(RetryPolicy.none())
            .build();
    for (int i = 0; i < 20; i++) {
      chat.call(ALICE, new Prompt("x", 5));
    }
    assertThat(events.events(UpstreamEvent.class)).isEmpty();

    down.set(true);
    for (int i = 0; i < 30; i++) {
      assertThatThrownBy(() -> chat.call(ALICE, new Prompt("x", 5)))
          .isInstanceOf(UpstreamUnavailable.class);
    }
    down.set(false);
    clock.advance(Duration.ofSeconds(31));
    for (int i = 0; i < 20; i++) {
      chat.call(ALICE, new Prompt("x", 5));
    }

    assertThat(events.events(UpstreamEvent.class))
        .extracting(UpstreamEvent::kind)
        .containsExactly(
            UpstreamEvent.Kind.CIRCUIT_OPENED,
            UpstreamEvent.Kind.CIRCUIT_HALF_OPEN,
            UpstreamEvent.Kind.CIRCUIT_CLOSED);
    assertThat(events.events(UpstreamEvent.class).get(0).detail()).contains("from CLOSED to OPEN");
  }

  @Test
  void circuitBreakerPerTenant_oneTenantsFailuresDoNotStopOthers() {
    GuardedCall<Prompt, Answer> chat =
        builder(
                p -> {
                  if (p.text().equals("acme")) {
                    throw new IOException("acme's credentials revoked");
                  }
                  return answer(p);
                })
            .retry(RetryPolicy.none())
            .circuitBreakerPerTenant()
            .maxTrackedKeys(100)
            .circuitBreaker(
                CircuitBreakerConfig.custom().slidingWindowSize(4).minimumNumberOfCalls(4).build())
            .build();
    for (int i = 0; i < 6; i++) {
      assertThatThrownBy(() -> chat.call(ALICE, new Prompt("acme", 5)))
          .isInstanceOf(UpstreamUnavailable.class);
    }
    assertThat(chat.circuitState(ALICE)).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(chat.circuitState(BOB)).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(chat.call(CAROL, new Prompt("globex", 5)).text()).isEqualTo("echo globex");
    assertThat(chat.circuitState(CAROL)).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThatThrownBy(chat::circuitState).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void circuitBreakerPerActor_oneActorsFailuresDoNotStopTheirColleagues() {
    GuardedCall<Prompt, Answer> chat =
        builder(
                p -> {
                  if (p.text().equals("bad")) {
                    throw new IOException("refused");
                  }
                  return answer(p);
                })
            .retry(RetryPolicy.none())
            .circuitBreakerPerActor()
            .circuitBreaker(
                CircuitBreakerConfig.custom().slidingWindowSize(4).minimumNumberOfCalls(4).build())
            .build();
    for (int i = 0; i < 4; i++) {
      assertThatThrownBy(() -> chat.call(ALICE, new Prompt("bad", 5)))
          .isInstanceOf(UpstreamUnavailable.class);
    }
    assertThat(chat.circuitState(ALICE)).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(chat.call(BOB, new Prompt("good", 5)).text()).isEqualTo("echo good");
    assertThat(chat.circuitState(BOB)).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThatThrownBy(
            () -> builder(this::answer).circuitBreakerPerActor().circuitBreakerPerTenant())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void circuitOpen_failsAtOnceWithUpstreamUnavailableAndRetryAfter() {
    GuardedCall<Prompt, Answer> chat =
        builder(
                p -> {
                  throw new IOException("down");
                })
            .retry(RetryPolicy.none())
            .circuitBreaker(
                CircuitBreakerConfig.custom()
                    .slidingWindowSize(2)
                    .minimumNumberOfCalls(2)
                    .waitDurationInOpenState(Duration.ofSeconds(30))
                    .build())
            .build();
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> chat.call(ALICE, new Prompt("x", 5)))
          .isInstanceOf(UpstreamUnavailable.class);
    }
    assertThatThrownBy(() -> chat.call(ALICE, new Prompt("x", 5)))
        .isInstanceOfSatisfying(
            UpstreamUnavailable.class,
            e -> {
              assertThat(e.upstream()).isEqualTo("chat");
              assertThat(e.retryAfter()).contains(Duration.ofSeconds(30));
              assertThat(e.details()).contains("circuit breaker");
            });
  }

  @Test
  void upstreamDown_attemptsStayWithinTheRetryBudget() {
    GuardedCall<Prompt, Answer> chat =
        builder(
                p -> {
                  upstreamCalls.incrementAndGet();
                  throw new IOException("connection refused");
                })
            .retry(RetryPolicy.builder().maxAttempts(3).retryBudget(10, 5).build())
            .circuitBreaker(
                CircuitBreakerConfig.custom()
                    .slidingWindowSize(10_000)
                    .minimumNumberOfCalls(10_000)
                    .build())
            .build();

    int calls = 200;
    for (int i = 0; i < calls; i++) {
      assertThatThrownBy(() -> chat.call(ALICE, new Prompt("x", 5)))
          .isInstanceOf(UpstreamUnavailable.class);
    }

    int retries = upstreamCalls.get() - calls;
    assertThat(retries).isGreaterThan(5).isLessThanOrEqualTo(calls * 10 / 100 + 5);
    assertThat(sleeps).hasSize(retries);
    assertThat(events.events(UpstreamEvent.class))
        .extracting(UpstreamEvent::kind)
        .contains(UpstreamEvent.Kind.RETRY_BUDGET_EXHAUSTED);
  }

  @Test
  void retry_backsOffExponentiallyWithJitter() {
    GuardedCall<Prompt, Answer> chat =
        builder(
                p -> {
                  throw new IOException("down");
                })
            .retry(
                RetryPolicy.builder()
                    .maxAttempts(4)
                    .backoff(Duration.ofMillis(200), Duration.ofSeconds(10))
                    .build())
            .build();
    assertThatThrownBy(() -> chat.call(ALICE, new Prompt("x", 5)))
        .isInstanceOfSatisfying(
            UpstreamUnavailable.class,
            e -> {
              assertThat(e.getCause()).isInstanceOf(IOException.class);
              assertThat(e.details()).contains("after 4 attempts");
            });
    assertThat(sleeps).hasSize(3);
    assertThat(sleeps.get(0)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
    assertThat(sleeps.get(1)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
    assertThat(sleeps.get(2)).isBetween(Duration.ofMillis(400), Duration.ofMillis(800));
  }

  @Test
  void retryAfter_isHonoured() {
    AtomicInteger attempts = new AtomicInteger();
    GuardedCall<Prompt, Answer> chat =
        builder(
                p -> {
                  if (attempts.incrementAndGet() == 1) {
                    throw new UpstreamUnavailable("openai", Duration.ofSeconds(7), "429", null);
                  }
                  return answer(p);
                })
            .build();
    assertThat(chat.call(ALICE, new Prompt("x", 5)).text()).isEqualTo("echo x");
    assertThat(sleeps).containsExactly(Duration.ofSeconds(7));
  }

  @Test
  void retryAfter_aboveCap_endsRetriesAndPassesTheWaitOn() {
    GuardedCall<Prompt, Answer> chat =
        builder(
                p -> {
                  upstreamCalls.incrementAndGet();
                  throw new UpstreamUnavailable("openai", Duration.ofMinutes(5), "429", null);
                })
            .retry(RetryPolicy.builder().maxRetryAfter(Duration.ofSeconds(30)).build())
            .build();
    assertThatThrownBy(() -> chat.call(ALICE, new Prompt("x", 5)))
        .isInstanceOfSatisfying(
            UpstreamUnavailable.class,
            e -> assertThat(e.retryAfter()).contains(Duration.ofMinutes(5)));
    assertThat(upstreamCalls).hasValue(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void callerError_isNotRetriedAndPassesThrough() {
    IllegalArgumentException bad = new IllegalArgumentException("bad prompt");
    GuardedCall<Prompt, Answer> chat =
        builder(
                p -> {
                  upstreamCalls.incrementAndGet();
                  throw bad;
                })
            .build();
    assertThatThrownBy(() -> chat.call(ALICE, new Prompt("x", 5))).isSameAs(bad);
    assertThat(upstreamCalls).hasValue(1);
    assertThat(chat.circuitState()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void checkedCallerError_isWrappedOnce() {
    Exception checked = new Exception("quota config missing");
    GuardedCall<Prompt, Answer> chat =
        builder(
                p -> {
                  throw checked;
                })
            .build();
    assertThatThrownBy(() -> chat.call(ALICE, new Prompt("x", 5)))
        .isInstanceOf(PaidCallException.class)
        .hasCause(checked);
  }

  @Test
  void timeout_stopsWaitingReportsAndChargesTheEstimate() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    BudgetGuard budgets = budgets("1.00");
    CostMeter meter = CostMeter.create(USD, clock, ZoneOffset.UTC);
    GuardedCall<Prompt, Answer> chat =
        builder(
                p -> {
                  try {
                    never.await();
                  } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw e;
                  }
                  return answer(p);
                })
            .budgets(budgets, CostModel.flat(PRICE))
            .meter(meter)
            .timeout(Duration.ofMillis(50), executor)
            .build();

    assertThatThrownBy(() -> chat.call(ALICE, new Prompt("x", 5)))
        .isInstanceOfSatisfying(
            UpstreamUnavailable.class,
            e -> {
              assertThat(e.getCause()).isInstanceOf(TimeoutException.class);
              assertThat(e.details()).contains("timed out after PT0.05S");
            });
    assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(events.events(UpstreamEvent.class))
        .extracting(UpstreamEvent::kind)
        .containsExactly(UpstreamEvent.Kind.TIMEOUT);
    assertThat(budgets.status(ALICE, "chat").get(0).spent()).isEqualTo(PRICE);
    assertThat(meter.query().total().failures()).isEqualTo(1);
  }

  @Test
  void timeout_fastCallReturnsNormally() {
    GuardedCall<Prompt, Answer> chat =
        builder(this::answer).timeout(Duration.ofSeconds(30), executor).build();
    assertThat(chat.call(ALICE, new Prompt("x", 5)).text()).isEqualTo("echo x");
  }

  @Test
  void call_withoutActor_usesTheBoundContext() {
    CostMeter meter = CostMeter.create(USD, clock, ZoneOffset.UTC);
    GuardedCall<Prompt, Answer> chat =
        builder(this::answer).costModel(CostModel.flat(PRICE)).meter(meter).build();
    assertThatThrownBy(() -> chat.call(new Prompt("x", 5)))
        .isInstanceOf(IllegalStateException.class);

    String correlationId;
    try (GuardContext.Scope scope = GuardContext.start(CAROL, clock).open()) {
      assertThat(scope.context().actor()).isEqualTo(CAROL);
      chat.call(new Prompt("x", 5));
      chat.call(new Prompt("y", 5));
      correlationId = scope.context().correlationId();
    }
    assertThat(meter.costOfRequest(correlationId)).contains(PRICE.plus(PRICE));
    assertThat(meter.query().tenant("globex").actor("carol").total().cost())
        .isEqualTo(PRICE.plus(PRICE));
  }

  @Test
  void builder_rejectsConflictsAndBadValues() {
    assertThatThrownBy(() -> GuardedCall.builder(" ", this::answer))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> builder(this::answer).meter(CostMeter.create(USD, clock, ZoneOffset.UTC)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cost model");
    assertThatThrownBy(
            () ->
                builder(this::answer)
                    .rateLimitPerActor(1, Duration.ofSeconds(1))
                    .rateLimitPerTenant(1, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(
            () ->
                builder(this::answer)
                    .cache(Prompt::text, 1, Duration.ofSeconds(1))
                    .cache(Prompt::text, 1, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(
            () -> builder(this::answer).retry(RetryPolicy.none()).retry(RetryPolicy.defaults()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("retry was already set");
    assertThatThrownBy(() -> builder(this::answer).clock(clock))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("clock was already set");
    assertThatThrownBy(() -> builder(this::answer).rateLimit(0, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rate limit permits must be positive, but was 0");
    assertThatThrownBy(() -> builder(this::answer).timeout(Duration.ZERO, executor))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max attempts must be between 1 and 10, but was 0");
  }

  @Test
  void build_reservationShorterThanTheLongestCall_isRejected() {
    BudgetGuard budgets =
        BudgetGuard.builder(InMemoryBudgetStore.create())
            .reservationTimeout(Duration.ofSeconds(60))
            .budget(
                Budget.builder("all")
                    .limit(Money.of("1", USD))
                    .period(BudgetPeriod.day(ZoneOffset.UTC))
                    .build())
            .build();
    assertThatThrownBy(
            () ->
                builder(this::answer)
                    .budgets(budgets, CostModel.flat(PRICE))
                    .timeout(Duration.ofSeconds(30), executor)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("must outlast the longest guarded call");
    assertThat(
            builder(this::answer)
                .budgets(budgets, CostModel.flat(PRICE))
                .timeout(Duration.ofSeconds(10), executor)
                .retry(RetryPolicy.none())
                .build())
        .isNotNull();
  }

  @Test
  void asFunction_callsOnBehalfOfTheBoundActor() {
    CostMeter meter = CostMeter.create(USD, clock, ZoneOffset.UTC);
    java.util.function.Function<Prompt, Answer> f =
        builder(this::answer).costModel(CostModel.flat(PRICE)).meter(meter).build().asFunction();
    try (GuardContext.Scope scope = GuardContext.start(ALICE, clock).open()) {
      assertThat(scope.context().actor()).isEqualTo(ALICE);
      assertThat(f.apply(new Prompt("x", 5)).text()).isEqualTo("echo x");
    }
    assertThat(meter.query().actor(ALICE).total().calls()).isEqualTo(1);
  }

  private static void awaitWaiting(Thread t) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (t.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(t.getState()).isEqualTo(Thread.State.WAITING);
  }
}
