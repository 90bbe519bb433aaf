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
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

final class PostgresBudgetStoreTest {

  static final Currency USD = Currency.getInstance("USD");
  static final Actor ALICE = Actor.person("alice", "acme");
  static final Actor BOB = Actor.person("bob", "acme");

  static TestPostgres pg;

  final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
  final InMemoryEventSink events = new InMemoryEventSink();

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = TestPostgres.start();
    PostgresBudgetStore.create(pg.newInstance(1)).createSchema();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    pg.close();
  }

  @BeforeEach
  void cleanTables() throws Exception {
    pg.truncate("gr_budget_usage", "gr_budget_reservation");
  }

  static Money usd(String amount) {
    return Money.of(amount, USD);
  }

  static Budget budget(String name, BudgetScope scope, long limitMicros) {
    return Budget.builder(name)
        .scope(scope)
        .limit(Money.ofMicros(limitMicros, USD))
        .period(BudgetPeriod.day(ZoneOffset.UTC))
        .build();
  }

  BudgetGuard instance(DataSource ds, MutableClock instanceClock, Budget... budgets) {
    BudgetGuard.Builder b =
        BudgetGuard.builder(PostgresBudgetStore.create(ds))
            .clock(instanceClock)
            .events(events)
            .reservationTimeout(Duration.ofMinutes(2));
    for (Budget budget : budgets) {
      b.budget(budget);
    }
    return b.build();
  }

  @Test
  void reserveSettleRefuse_likeTheInMemoryStore() {
    BudgetGuard guard =
        instance(pg.newInstance(2), clock, budget("user", BudgetScope.ACTOR, 1_000_000));
    assertThat(guard.reserve("c1", ALICE, "chat", usd("0.70"))).isTrue();
    assertThat(guard.settle("c1", usd("0.60"))).isTrue();

    assertThatThrownBy(() -> guard.reserve("c2", ALICE, "chat", usd("0.41")))
        .isInstanceOfSatisfying(
            BudgetExceeded.class,
            e -> {
              assertThat(e.budgetName()).isEqualTo("user/actor:acme/alice");
              assertThat(e.spent()).isEqualTo(usd("0.60"));
              assertThat(e.limit()).isEqualTo(usd("1.00"));
              assertThat(e.resetsAt()).isEqualTo(Instant.parse("2026-11-23T00:00:00Z"));
            });
    assertThat(guard.reserve("c3", ALICE, "chat", usd("0.40"))).isTrue();
    assertThat(guard.status(ALICE, "chat").get(0).reserved()).isEqualTo(usd("0.40"));
  }

  @Test
  void zeroEstimate_reservesOneMicroReleasesItAndStopsOnAUsedUpBudget() {
    Budget rolling =
        Budget.builder("rolling-free")
            .scope(BudgetScope.ACTOR)
            .limit(usd("0.50"))
            .period(BudgetPeriod.rolling(Duration.ofHours(1)))
            .build();
    BudgetGuard guard =
        instance(
            pg.newInstance(2),
            clock,
            budget("calendar-free", BudgetScope.ACTOR, 1_000_000),
            rolling);

    assertThat(guard.reserve("free-1", ALICE, "chat", usd("0"))).isTrue();
    assertThat(guard.status(ALICE, "chat"))
        .extracting(BudgetStatus::reserved)
        .containsExactly(usd("0.000001"), usd("0.000001"));
    assertThat(guard.release("free-1")).isTrue();
    assertThat(guard.status(ALICE, "chat"))
        .allSatisfy(
            s -> {
              assertThat(s.reserved()).isEqualTo(usd("0"));
              assertThat(s.spent()).isEqualTo(usd("0"));
            });

    assertThat(guard.reserve("c1", ALICE, "chat", usd("0.50"))).isTrue();
    assertThat(guard.settle("c1", usd("0.50"))).isTrue();
    assertThatThrownBy(() -> guard.reserve("free-2", ALICE, "chat", usd("0")))
        .isInstanceOfSatisfying(
            BudgetExceeded.class,
            e -> assertThat(e.budgetName()).isEqualTo("rolling-free/actor:acme/alice"));
    assertThat(guard.status(ALICE, "chat"))
        .extracting(BudgetStatus::reserved)
        .containsOnly(usd("0"));
  }

  @Test
  void reserveSettleAndExpire_onConnectionsWithoutAutoCommit_areCommitted() {
    // like a HikariCP pool built with autoCommit=false: uncommitted work is rolled back on return
    Budget user = budget("user", BudgetScope.ACTOR, 1_000_000);
    BudgetGuard manual = instance(TestPostgres.withoutAutoCommit(pg.newInstance(1)), clock, user);
    BudgetGuard observer = instance(pg.newInstance(1), clock, user);

    assertThat(manual.reserve("c1", ALICE, "llm", usd("0.40"))).isTrue();
    assertThat(manual.settle("c1", usd("0.30"))).isTrue();
    assertThat(manual.reserve("c2", ALICE, "llm", usd("0.20"))).isTrue();
    clock.advance(Duration.ofMinutes(3));
    assertThat(manual.expireReservations()).isEqualTo(1);

    assertThat(observer.status(ALICE, "llm"))
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.spent()).isEqualTo(usd("0.30"));
              assertThat(s.reserved()).isEqualTo(usd("0"));
            });
  }

  @Test
  void reserve_isAtomicAcrossScopes() {
    BudgetGuard guard =
        instance(
            pg.newInstance(2),
            clock,
            budget("user", BudgetScope.ACTOR, 1_000_000),
            budget("tenant", BudgetScope.TENANT, 1_500_000));
    guard.reserve("c1", BOB, "chat", usd("1.00"));

    assertThatThrownBy(() -> guard.reserve("c2", ALICE, "chat", usd("0.60")))
        .isInstanceOfSatisfying(
            BudgetExceeded.class, e -> assertThat(e.budgetName()).isEqualTo("tenant/tenant:acme"));

    assertThat(guard.status(ALICE, "chat").get(0).reserved().micros()).isZero();
    assertThat(guard.status(ALICE, "chat").get(1).reserved()).isEqualTo(usd("1.00"));
  }

  @Test
  void settle_isIdempotent_evenConcurrently() throws Exception {
    BudgetGuard guard =
        instance(pg.newInstance(8), clock, budget("user", BudgetScope.ACTOR, 1_000_000));
    guard.reserve("c1", ALICE, "chat", usd("0.50"));
    AtomicInteger settled = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Thread t =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                if (guard.settle("c1", usd("0.30"))) {
                  settled.incrementAndGet();
                }
              });
      threads.add(t);
      t.start();
    }
    start.countDown();
    for (Thread t : threads) {
      t.join();
    }
    assertThat(settled).hasValue(1);
    BudgetStatus status = guard.status(ALICE, "chat").get(0);
    assertThat(status.spent()).isEqualTo(usd("0.30"));
    assertThat(status.reserved().micros()).isZero();
  }

  @Test
  void totals_surviveARestart() {
    BudgetGuard before =
        instance(pg.newInstance(1), clock, budget("user", BudgetScope.ACTOR, 1_000_000));
    before.reserve("c1", ALICE, "chat", usd("0.90"));
    before.settle("c1", usd("0.90"));

    BudgetGuard after =
        instance(pg.newInstance(1), clock, budget("user", BudgetScope.ACTOR, 1_000_000));
    assertThat(after.status(ALICE, "chat").get(0).spent()).isEqualTo(usd("0.90"));
    assertThatThrownBy(() -> after.reserve("c2", ALICE, "chat", usd("0.20")))
        .isInstanceOf(BudgetExceeded.class);
  }

  @Test
  void eightThreadsTimesTwoInstances_neverOverspendByOneMicro() throws Exception {
    Budget[] budgets = {
      budget("user", BudgetScope.ACTOR, 400_000),
      budget("tenant", BudgetScope.TENANT, 2_000_000),
      budget("global", BudgetScope.GLOBAL, 3_000_000)
    };
    BudgetGuard[] instances = {
      instance(pg.newInstance(8), clock, budgets), instance(pg.newInstance(8), clock, budgets)
    };
    Actor[] actors = new Actor[8];
    for (int i = 0; i < actors.length; i++) {
      actors[i] = Actor.person("u" + i, i < 4 ? "t-a" : "t-b");
    }
    AtomicLong settledTotal = new AtomicLong();
    AtomicLong granted = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = new ArrayList<>();
    for (int inst = 0; inst < 2; inst++) {
      for (int t = 0; t < 8; t++) {
        BudgetGuard guard = instances[inst];
        Actor actor = actors[t];
        String prefix = "i" + inst + "t" + t + "-";
        SplittableRandom random = new SplittableRandom(inst * 100L + t);
        Thread thread =
            new Thread(
                () -> {
                  try {
                    start.await();
                    for (int i = 0; i < 60; i++) {
                      long estimate = 1 + random.nextLong(60_000);
                      String callId = prefix + i;
                      try {
                        guard.reserve(callId, actor, "chat", Money.ofMicros(estimate, USD));
                      } catch (BudgetExceeded e) {
                        refused.incrementAndGet();
                        continue;
                      }
                      granted.incrementAndGet();
                      long actual = estimate - random.nextLong(estimate / 4 + 1);
                      if (guard.settle(callId, Money.ofMicros(actual, USD))) {
                        settledTotal.addAndGet(actual);
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
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(errors).isEmpty();
    assertThat(granted.get()).isPositive();
    assertThat(refused.get()).isPositive();

    long global = instances[0].status(actors[0], "chat").get(2).spent().micros();
    assertThat(global).isEqualTo(settledTotal.get()).isLessThanOrEqualTo(3_000_000);
    long tenantA = instances[1].status(actors[0], "chat").get(1).spent().micros();
    long tenantB = instances[1].status(actors[4], "chat").get(1).spent().micros();
    assertThat(tenantA).isLessThanOrEqualTo(2_000_000);
    assertThat(tenantB).isLessThanOrEqualTo(2_000_000);
    assertThat(tenantA + tenantB).isEqualTo(global);
    long users = 0;
    for (Actor actor : actors) {
      BudgetStatus user = instances[0].status(actor, "chat").get(0);
      assertThat(user.spent().micros()).isLessThanOrEqualTo(400_000);
      assertThat(user.reserved().micros()).isZero();
      users += user.spent().micros();
    }
    assertThat(users).isEqualTo(global);
  }

  @Test
  void instanceKilledMidCall_reservationExpiresAndBudgetRecovers() {
    MutableClock clockA = MutableClock.at("2026-11-22T10:00:00Z");
    MutableClock clockB = MutableClock.at("2026-11-22T10:00:00Z");
    BudgetGuard a =
        instance(pg.newInstance(1), clockA, budget("all", BudgetScope.GLOBAL, 1_000_000));
    BudgetGuard b =
        instance(pg.newInstance(1), clockB, budget("all", BudgetScope.GLOBAL, 1_000_000));
    a.reserve("in-flight-on-a", ALICE, "chat", usd("0.80"));
    // instance a dies here: it never settles

    assertThatThrownBy(() -> b.reserve("b1", BOB, "chat", usd("0.50")))
        .isInstanceOf(BudgetExceeded.class);
    clockB.advance(Duration.ofMinutes(1));
    assertThat(b.expireReservations()).isZero();

    clockB.advance(Duration.ofMinutes(2));
    assertThat(b.reserve("b2", BOB, "chat", usd("1.00"))).isTrue(); // lazily expired
    assertThat(b.status(BOB, "chat").get(0).reserved()).isEqualTo(usd("1.00"));
  }

  @Test
  void settle_afterExpiry_recordsCostOnce() {
    BudgetGuard guard =
        instance(pg.newInstance(1), clock, budget("user", BudgetScope.ACTOR, 1_000_000));
    guard.reserve("slow", ALICE, "chat", usd("0.50"));
    clock.advance(Duration.ofMinutes(3));
    assertThat(guard.expireReservations()).isEqualTo(1);
    assertThat(guard.status(ALICE, "chat").get(0).reserved().micros()).isZero();

    assertThat(guard.settle("slow", usd("0.45"))).isTrue();
    assertThat(guard.settle("slow", usd("0.45"))).isFalse();
    BudgetStatus status = guard.status(ALICE, "chat").get(0);
    assertThat(status.spent()).isEqualTo(usd("0.45"));
    assertThat(status.reserved().micros()).isZero();
  }

  @Test
  void thresholds_areRaisedExactlyOnceUnderConcurrentSettles() throws Exception {
    Budget team =
        Budget.builder("team")
            .scope(BudgetScope.TENANT)
            .limit(Money.ofMicros(1_000_000, USD))
            .period(BudgetPeriod.day(ZoneOffset.UTC))
            .alertAtPercent(50, 80, 100)
            .build();
    BudgetGuard[] instances = {
      instance(pg.newInstance(4), clock, team), instance(pg.newInstance(4), clock, team)
    };
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      BudgetGuard guard = instances[t % 2];
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
                for (int i = 0; i < 20; i++) {
                  String id = index + "-" + i;
                  try {
                    guard.reserve(id, ALICE, "chat", Money.ofMicros(10_000, USD));
                  } catch (BudgetExceeded e) {
                    return;
                  }
                  guard.settle(id, Money.ofMicros(10_000, USD));
                }
              });
      threads.add(thread);
      thread.start();
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(events.events(BudgetCrossedEvent.class))
        .extracting(BudgetCrossedEvent::thresholdPercent)
        .containsExactlyInAnyOrder(50, 80, 100);
  }

  @Test
  void duplicateCallId_isRejectedWithoutChange() {
    BudgetGuard guard =
        instance(pg.newInstance(1), clock, budget("user", BudgetScope.ACTOR, 1_000_000));
    guard.reserve("c1", ALICE, "chat", usd("0.10"));
    assertThatThrownBy(() -> guard.reserve("c1", ALICE, "chat", usd("0.10")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already reserved");
    assertThat(guard.status(ALICE, "chat").get(0).reserved()).isEqualTo(usd("0.10"));
  }

  @Test
  void rollingWindow_countsOnlyRecentSpend_acrossInstances() {
    Budget hourly =
        Budget.builder("hourly")
            .scope(BudgetScope.ACTOR)
            .limit(usd("1.00"))
            .period(BudgetPeriod.rolling(Duration.ofHours(1)))
            .alertAtPercent(100)
            .build();
    Budget daily = budget("daily", BudgetScope.TENANT, 10_000_000);
    BudgetGuard a = instance(pg.newInstance(2), clock, hourly, daily);
    BudgetGuard b = instance(pg.newInstance(2), clock, hourly, daily);
    a.reserve("r1", ALICE, "chat", usd("0.60"));
    a.settle("r1", usd("0.60"));
    clock.advance(Duration.ofMinutes(30));
    b.reserve("r2", ALICE, "chat", usd("0.40"));
    b.settle("r2", usd("0.40"));
    assertThat(events.events(BudgetCrossedEvent.class))
        .singleElement()
        .satisfies(e -> assertThat(e.thresholdPercent()).isEqualTo(100));

    assertThatThrownBy(() -> a.reserve("r3", ALICE, "chat", usd("0.01")))
        .isInstanceOfSatisfying(
            BudgetExceeded.class,
            e -> {
              assertThat(e.budgetName()).isEqualTo("hourly/actor:acme/alice");
              assertThat(e.spent()).isEqualTo(usd("1.00"));
            });
    assertThat(a.status(ALICE, "chat").get(1).reserved().micros()).isZero();
    assertThat(b.status(BOB, "chat").get(0).spent().micros()).isZero();

    clock.advance(Duration.ofMinutes(29));
    assertThatThrownBy(() -> b.reserve("r4", ALICE, "chat", usd("0.01")))
        .isInstanceOf(BudgetExceeded.class);

    clock.advance(Duration.ofMinutes(2)); // the first 0.60 left the window
    assertThat(b.reserve("r5", ALICE, "chat", usd("0.60"))).isTrue();
    assertThat(a.status(ALICE, "chat").get(0).spent()).isEqualTo(usd("0.40"));
    assertThat(a.status(ALICE, "chat").get(0).reserved()).isEqualTo(usd("0.60"));
    assertThatThrownBy(() -> a.reserve("r6", ALICE, "chat", usd("0.01")))
        .isInstanceOf(BudgetExceeded.class);

    clock.advance(Duration.ofMinutes(3));
    assertThat(a.expireReservations()).isEqualTo(1);
    assertThat(a.status(ALICE, "chat").get(0).reserved().micros()).isZero();
  }

  @Test
  void rollingWindow_notAMultipleOfSixtyMillis_keepsSpendForTheWholeWindow() {
    // 10 s: a sixtieth is 166.67 ms; spend settled late in a bucket must not leave early
    Budget tenSeconds =
        Budget.builder("ten-seconds")
            .scope(BudgetScope.ACTOR)
            .limit(usd("1.00"))
            .period(BudgetPeriod.rolling(Duration.ofSeconds(10)))
            .alertAtPercent()
            .build();
    BudgetGuard guard = instance(pg.newInstance(1), clock, tenSeconds);
    Instant base = clock.instant();
    for (int offset = 0; offset < 200; offset++) {
      Actor actor = Actor.person("u" + offset, "acme");
      clock.set(base.plusMillis(offset));
      guard.reserve("w" + offset, actor, "chat", usd("1.00"));
      guard.settle("w" + offset, usd("1.00"));

      clock.set(base.plusMillis(offset + 9_999)); // still inside the window of that spend
      int settledAt = offset;
      assertThatThrownBy(() -> guard.reserve("x" + settledAt, actor, "chat", usd("0.01")))
          .as("spend settled at +%d ms, asked 9999 ms later", settledAt)
          .isInstanceOf(BudgetExceeded.class);
    }
  }

  @Test
  void rollingWindow_underConcurrency_neverOverspends() throws Exception {
    Budget hourly =
        Budget.builder("hourly")
            .limit(Money.ofMicros(500_000, USD))
            .period(BudgetPeriod.rolling(Duration.ofHours(1)))
            .build();
    BudgetGuard[] instances = {
      instance(pg.newInstance(4), clock, hourly), instance(pg.newInstance(4), clock, hourly)
    };
    AtomicLong settled = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      BudgetGuard guard = instances[t % 2];
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
                for (int i = 0; i < 40; i++) {
                  String id = "w" + index + "-" + i;
                  try {
                    guard.reserve(id, ALICE, "chat", Money.ofMicros(7_000, USD));
                  } catch (BudgetExceeded e) {
                    continue;
                  }
                  if (guard.settle(id, Money.ofMicros(7_000, USD))) {
                    settled.addAndGet(7_000);
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
    BudgetStatus status = instances[0].status(ALICE, "chat").get(0);
    assertThat(status.spent().micros()).isEqualTo(settled.get()).isLessThanOrEqualTo(500_000);
    assertThat(settled.get()).isEqualTo(500_000 / 7_000 * 7_000);
  }

  long reservationRows() throws Exception {
    try (Connection c = pg.newInstance(1).getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM gr_budget_reservation")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void settle_deletesTheReservationRows_andRefusalsWriteNone() throws Exception {
    BudgetGuard guard =
        instance(
            pg.newInstance(2),
            clock,
            budget("user", BudgetScope.ACTOR, 1_000_000),
            budget("tenant", BudgetScope.TENANT, 1_500_000));
    guard.reserve("c1", ALICE, "chat", usd("0.50"));
    assertThat(reservationRows()).isEqualTo(2);
    guard.settle("c1", usd("0.40"));
    assertThat(reservationRows()).isZero();

    // every line refuses: nothing written, no error raised inside the statement
    assertThatThrownBy(() -> guard.reserve("c2", ALICE, "chat", usd("2.00")))
        .isInstanceOf(BudgetExceeded.class);
    // only the tenant line refuses: the statement aborts itself, the user line keeps nothing
    guard.reserve("c3", BOB, "chat", usd("1.00"));
    assertThatThrownBy(() -> guard.reserve("c4", ALICE, "chat", usd("0.20")))
        .isInstanceOfSatisfying(
            BudgetExceeded.class, e -> assertThat(e.budgetName()).isEqualTo("tenant/tenant:acme"));
    assertThat(reservationRows()).isEqualTo(2);
    assertThat(guard.status(ALICE, "chat").get(0).reserved().micros()).isZero();
    assertThat(guard.status(ALICE, "chat").get(0).spent()).isEqualTo(usd("0.40"));
    assertThat(guard.status(ALICE, "chat").get(1).reserved()).isEqualTo(usd("1.00"));

    // a settled call id can be settled again without effect
    assertThat(guard.settle("c1", usd("0.40"))).isFalse();
    assertThat(guard.status(ALICE, "chat").get(0).spent()).isEqualTo(usd("0.40"));
  }

  @Test
  void poolWithoutAutoCommit_stillCommitsEveryOperation() {
    DataSource inner = pg.newInstance(2);
    DataSource manual =
        (DataSource)
            java.lang.reflect.Proxy.newProxyInstance(
                DataSource.class.getClassLoader(),
                new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                  Object result = method.invoke(inner, args);
                  if (result instanceof Connection c) {
                    c.setAutoCommit(false);
                  }
                  return result;
                });
    BudgetGuard guard = instance(manual, clock, budget("user", BudgetScope.ACTOR, 1_000_000));
    guard.reserve("c1", ALICE, "chat", usd("0.30"));
    guard.settle("c1", usd("0.20"));
    guard.reserve("c2", ALICE, "chat", usd("0.10"));

    BudgetGuard other =
        instance(pg.newInstance(1), clock, budget("user", BudgetScope.ACTOR, 1_000_000));
    BudgetStatus status = other.status(ALICE, "chat").get(0);
    assertThat(status.spent()).isEqualTo(usd("0.20"));
    assertThat(status.reserved()).isEqualTo(usd("0.10"));
  }

  /**
   * One hot budget shared by two instances of eight threads each, with a second line that often
   * refuses alone (partial refusals abort inside the statement), duplicate concurrent settles and
   * calls never settled (left to expire): afterwards every total equals what the callers saw.
   */
  @Test
  void hotBudget_twoInstances_unsettledAndDuplicateSettles_invariantsHold() throws Exception {
    hotBudgetInvariantsHold(
        budget("global", BudgetScope.GLOBAL, 5_000_000),
        budget("user", BudgetScope.ACTOR, 700_000));
  }

  /**
   * The same with the hot budget as the only line (the one-line statements: the reservation row is
   * inserted before the total is locked, and a settle needs no ordering lock), run close to the
   * limit so that reservations race for the last room.
   */
  @Test
  void oneHotLine_twoInstances_unsettledAndDuplicateSettles_invariantsHold() throws Exception {
    hotBudgetInvariantsHold(budget("global", BudgetScope.GLOBAL, 3_000_000));
  }

  /** Budget 0 is a GLOBAL budget; budget 1, if given, an ACTOR budget. */
  void hotBudgetInvariantsHold(Budget... budgets) throws Exception {
    BudgetGuard[] instances = {
      instance(pg.newInstance(8), clock, budgets), instance(pg.newInstance(8), clock, budgets)
    };
    Actor[] actors = {Actor.person("u0", "acme"), Actor.person("u1", "acme")};
    AtomicLong settledTotal = new AtomicLong();
    AtomicLong[] settledPerActor = {new AtomicLong(), new AtomicLong()};
    AtomicLong[] openPerActor = {new AtomicLong(), new AtomicLong()};
    AtomicLong openTotal = new AtomicLong();
    AtomicLong openCalls = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = new ArrayList<>();
    for (int inst = 0; inst < 2; inst++) {
      for (int t = 0; t < 8; t++) {
        BudgetGuard guard = instances[inst];
        BudgetGuard twin = instances[1 - inst];
        int who = t % 2;
        Actor actor = actors[who];
        String prefix = "h" + inst + "-" + t + "-";
        SplittableRandom random = new SplittableRandom(inst * 31L + t);
        Thread thread =
            new Thread(
                () -> {
                  try {
                    start.await();
                    for (int i = 0; i < 50; i++) {
                      long estimate = 1 + random.nextLong(30_000);
                      String callId = prefix + i;
                      try {
                        guard.reserve(callId, actor, "chat", Money.ofMicros(estimate, USD));
                      } catch (BudgetExceeded e) {
                        refused.incrementAndGet();
                        continue;
                      }
                      int fate = random.nextInt(10);
                      if (fate == 0) {
                        openTotal.addAndGet(estimate);
                        openPerActor[who].addAndGet(estimate);
                        openCalls.incrementAndGet();
                        continue; // never settled
                      }
                      long actual = estimate - random.nextLong(estimate / 2 + 1);
                      boolean first = guard.settle(callId, Money.ofMicros(actual, USD));
                      boolean second = twin.settle(callId, Money.ofMicros(actual, USD));
                      if (first == second) {
                        throw new AssertionError("settled " + callId + " twice or never");
                      }
                      settledTotal.addAndGet(actual);
                      settledPerActor[who].addAndGet(actual);
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
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(errors).isEmpty();
    assertThat(refused.get()).isPositive();
    BudgetStatus global = instances[0].status(actors[0], "chat").get(0);
    assertThat(global.spent().micros()).isEqualTo(settledTotal.get());
    assertThat(global.reserved().micros()).isEqualTo(openTotal.get());
    assertThat(global.spent().micros() + global.reserved().micros())
        .isLessThanOrEqualTo(budgets[0].limit().micros());
    for (int a = 0; a < actors.length && budgets.length > 1; a++) {
      BudgetStatus user = instances[1].status(actors[a], "chat").get(1);
      assertThat(user.spent().micros()).isEqualTo(settledPerActor[a].get());
      assertThat(user.reserved().micros()).isEqualTo(openPerActor[a].get());
      assertThat(user.spent().micros() + user.reserved().micros())
          .isLessThanOrEqualTo(budgets[1].limit().micros());
    }
    assertThat(reservationRows()).isEqualTo(openCalls.get() * budgets.length);

    clock.advance(Duration.ofMinutes(3));
    assertThat(instances[0].expireReservations()).isEqualTo((int) openCalls.get());
    assertThat(instances[1].status(actors[0], "chat").get(0).reserved().micros()).isZero();
    assertThat(instances[1].status(actors[0], "chat").get(0).spent().micros())
        .isEqualTo(settledTotal.get());
  }

  @Test
  void oneLineAboveTheLimit_onAFreshTotal_isRefusedAndWritesNothing() throws Exception {
    BudgetGuard guard =
        instance(pg.newInstance(1), clock, budget("user", BudgetScope.ACTOR, 1_000_000));
    assertThatThrownBy(() -> guard.reserve("big", ALICE, "chat", usd("1.01")))
        .isInstanceOf(BudgetExceeded.class);
    assertThat(reservationRows()).isZero();
    assertThat(guard.reserve("fits", ALICE, "chat", usd("1.00"))).isTrue();
    assertThat(reservationRows()).isEqualTo(1);
  }

  @Test
  void callWithRollingAndCalendarLines_settlesWholeAndOnce() throws Exception {
    Budget hourly =
        Budget.builder("hourly-mixed")
            .scope(BudgetScope.ACTOR)
            .limit(usd("1.00"))
            .period(BudgetPeriod.rolling(Duration.ofHours(1)))
            .build();
    Budget daily = budget("daily", BudgetScope.TENANT, 10_000_000);
    BudgetGuard guard = instance(pg.newInstance(2), clock, hourly, daily);
    guard.reserve("m1", ALICE, "chat", usd("0.50"));
    assertThat(reservationRows()).isEqualTo(2);
    assertThat(guard.settle("m1", usd("0.30"))).isTrue();
    assertThat(guard.settle("m1", usd("0.30"))).isFalse();
    assertThat(reservationRows()).isZero();
    List<BudgetStatus> status = guard.status(ALICE, "chat");
    assertThat(status.get(0).spent()).isEqualTo(usd("0.30"));
    assertThat(status.get(0).reserved().micros()).isZero();
    assertThat(status.get(1).spent()).isEqualTo(usd("0.30"));
    assertThat(status.get(1).reserved().micros()).isZero();
  }

  @Test
  void oneLine_roomTakenWhileWaitingForTheTotal_isRefusedAndKeepsNoRow() throws Exception {
    BudgetGuard guard =
        instance(pg.newInstance(1), clock, budget("user", BudgetScope.ACTOR, 1_000_000));
    assertThat(guard.reserve("c1", ALICE, "chat", usd("0.10"))).isTrue();
    CompletableFuture<Boolean> racer = reserveWhileRoomIsTakenAndLocked(guard, true);
    // the racer's snapshot had room, the locked re-check has not: refused, its row rolled back
    assertThatThrownBy(racer::join).hasCauseInstanceOf(BudgetExceeded.class);
    assertThat(reservationRows()).isEqualTo(1);
    assertThat(guard.status(ALICE, "chat").get(0).reserved()).isEqualTo(usd("1.00"));
    assertThat(guard.settle("c1", usd("0.10"))).isTrue();
  }

  @Test
  void oneLine_lockHolderRollsBack_waiterIsGranted() throws Exception {
    BudgetGuard guard =
        instance(pg.newInstance(1), clock, budget("user", BudgetScope.ACTOR, 1_000_000));
    assertThat(guard.reserve("c1", ALICE, "chat", usd("0.10"))).isTrue();
    CompletableFuture<Boolean> racer = reserveWhileRoomIsTakenAndLocked(guard, false);
    assertThat(racer.join()).isTrue();
    assertThat(reservationRows()).isEqualTo(2);
    assertThat(guard.status(ALICE, "chat").get(0).reserved()).isEqualTo(usd("0.60"));
  }

  /**
   * Reserves 0.50 as call {@code c2} while another instance has taken all the room of the total and
   * holds its row lock; once the reservation waits for that lock, the other instance commits or
   * rolls back.
   */
  CompletableFuture<Boolean> reserveWhileRoomIsTakenAndLocked(BudgetGuard guard, boolean commit)
      throws Exception {
    try (Connection other = pg.newInstance(1).getConnection();
        Statement s = other.createStatement()) {
      other.setAutoCommit(false);
      s.executeUpdate("UPDATE gr_budget_usage SET reserved_micros = 1000000");
      CompletableFuture<Boolean> racer =
          CompletableFuture.supplyAsync(() -> guard.reserve("c2", ALICE, "chat", usd("0.50")));
      awaitLockWaiter();
      if (commit) {
        other.commit();
      } else {
        other.rollback();
      }
      return racer;
    }
  }

  /** Waits until some session waits for a row lock. */
  void awaitLockWaiter() throws Exception {
    try (Connection c = pg.newInstance(1).getConnection();
        Statement s = c.createStatement()) {
      for (int i = 0; i < 500; i++) {
        try (ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM pg_stat_activity"
                    + " WHERE wait_event_type = 'Lock' AND datname = current_database()")) {
          rs.next();
          if (rs.getLong(1) > 0) {
            return;
          }
        }
        Thread.sleep(10);
      }
    }
    throw new AssertionError("no session waited for the row lock");
  }

  @Test
  void reservationRows_recordTheCallsLineCount() throws Exception {
    Budget user = budget("user", BudgetScope.ACTOR, 1_000_000);
    Budget tenant = budget("tenant", BudgetScope.TENANT, 2_000_000);
    instance(pg.newInstance(1), clock, user).reserve("one", ALICE, "chat", usd("0.10"));
    instance(pg.newInstance(1), clock, user, tenant).reserve("two", ALICE, "chat", usd("0.10"));
    try (Connection c = pg.newInstance(1).getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT call_id, line_count FROM gr_budget_reservation ORDER BY call_id")) {
      List<String> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(rs.getString(1) + "=" + rs.getInt(2));
      }
      assertThat(rows).containsExactly("one=1", "two=2", "two=2");
    }
  }

  /**
   * A database of the previous version: reservation rows without a line count, CHECKs on kind and
   * state. Until it is upgraded, reservations fail closed and say why; {@code createSchema()} then
   * adds the column and drops the CHECKs in place, and the old rows settle once by the guarded
   * path.
   */
  @Test
  void schemaUpgrade_addsTheLineCount_andOldReservationsSettleOnce() throws Exception {
    Budget user = budget("user", BudgetScope.ACTOR, 1_000_000);
    Budget tenant = budget("tenant", BudgetScope.TENANT, 2_000_000);
    BudgetGuard one = instance(pg.newInstance(1), clock, user);
    BudgetGuard two = instance(pg.newInstance(1), clock, user, tenant);
    one.reserve("old-one", ALICE, "chat", usd("0.30"));
    two.reserve("old-two", BOB, "chat", usd("0.20"));
    PostgresBudgetStore store = PostgresBudgetStore.create(pg.newInstance(1));
    try (Connection c = pg.newInstance(1).getConnection();
        Statement s = c.createStatement()) {
      s.execute("ALTER TABLE gr_budget_reservation DROP COLUMN line_count");
      s.execute(
          "ALTER TABLE gr_budget_reservation ADD CHECK (kind IN ('C', 'W')),"
              + " ADD CHECK (state IN ('R', 'E', 'S'))");
      assertThatThrownBy(() -> one.reserve("early", ALICE, "chat", usd("0.01")))
          .isInstanceOf(UpstreamUnavailable.class)
          .satisfies(e -> assertThat(e.getCause()).hasMessageContaining("run createSchema()"));
      store.createSchema();
      store.createSchema();
      try (ResultSet rs =
          s.executeQuery("SELECT count(*) FROM gr_budget_reservation WHERE line_count IS NULL")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(3);
      }
      try (ResultSet rs =
          s.executeQuery(
              "SELECT count(*) FROM pg_constraint"
                  + " WHERE conrelid = 'gr_budget_reservation'::regclass AND contype = 'c'")) {
        rs.next();
        assertThat(rs.getLong(1)).as("only amount_micros >= 0 is left").isEqualTo(1);
      }
    }
    assertThat(one.settle("old-one", usd("0.25"))).isTrue();
    assertThat(one.settle("old-one", usd("0.25"))).isFalse();
    assertThat(two.settle("old-two", usd("0.15"))).isTrue();
    assertThat(two.settle("old-two", usd("0.15"))).isFalse();
    assertThat(reservationRows()).isZero();
    assertThat(two.status(ALICE, "chat").get(0).spent()).isEqualTo(usd("0.25"));
    assertThat(two.status(BOB, "chat").get(0).spent()).isEqualTo(usd("0.15"));
    assertThat(two.status(BOB, "chat").get(1).spent()).isEqualTo(usd("0.15"));
    assertThat(two.status(BOB, "chat").get(1).reserved().micros()).isZero();
    // new reservations on the upgraded table use the one-line path again
    assertThat(one.reserve("new-one", ALICE, "chat", usd("0.10"))).isTrue();
    assertThat(one.settle("new-one", usd("0.10"))).isTrue();
    assertThat(one.status(ALICE, "chat").get(0).spent()).isEqualTo(usd("0.35"));
  }

  @Test
  void createSchema_isIdempotentAndItsSqlIsPublished() {
    PostgresBudgetStore store = PostgresBudgetStore.create(pg.newInstance(1));
    store.createSchema();
    store.createSchema();
    assertThat(PostgresBudgetStore.schemaSql())
        .contains("gr_budget_usage", "gr_budget_reservation");
  }

  @Test
  void databaseDown_failsClosed() {
    PGSimpleDataSource nowhere = new PGSimpleDataSource();
    nowhere.setURL("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=1");
    BudgetGuard guard = instance(nowhere, clock, budget("user", BudgetScope.ACTOR, 1_000_000));
    assertThatThrownBy(() -> guard.reserve("c1", ALICE, "chat", usd("0.10")))
        .isInstanceOf(UpstreamUnavailable.class);
    assertThat(events.events(FailureEvent.class)).isNotEmpty();
  }
}
