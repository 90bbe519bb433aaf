package dev.guardrails.testkit;

import dev.guardrails.core.BudgetExceeded;
import dev.guardrails.core.Money;
import dev.guardrails.cost.Budget;
import dev.guardrails.cost.BudgetGuard;
import dev.guardrails.cost.BudgetStatus;
import dev.guardrails.cost.CostMeter;
import dev.guardrails.cost.MeterTotals;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.opentest4j.AssertionFailedError;

/**
 * Runs a sequence of paid calls against a consumer's {@link BudgetGuard} from several threads and
 * asserts the budget invariants:
 *
 * <ul>
 *   <li>no enforced budget's spend plus reservations ever exceeds its limit, observed after every
 *       reserve and settle;
 *   <li>every reservation is settled, released or expires: once the clock passes the reservation
 *       timeout, {@link BudgetGuard#expireReservations()} releases exactly the abandoned calls and
 *       nothing stays reserved;
 *   <li>a settle is counted once: each budget's spend equals the sum of the actual costs settled in
 *       it, and a second settle of a call changes nothing;
 *   <li>with a {@link CostMeter}, the metered totals (cost and calls, overall and per actor) equal
 *       the sum of the settled costs.
 * </ul>
 *
 * <pre>{@code
 * TestClock clock = TestClock.at(Instant.parse("2026-01-15T12:00:00Z"));
 * BudgetGuard guard = BudgetGuard.builder(myStore).budget(myBudget).clock(clock).build();
 * BudgetInvariants.runner(guard, clock).threads(4).meter(meter).check(calls);
 * }</pre>
 *
 * <p>The guard must use the given clock and start from an empty store (or one whose totals for the
 * generated actors are zero), with a fresh guard per run. The clock must stand far enough from a
 * period's end that moving it by the reservation timeout stays in the same period. The runner is
 * not thread-safe; it starts and joins its own threads.
 */
public final class BudgetInvariants {

  private static final long JOIN_SECONDS = 60;

  private final BudgetGuard guard;
  private final TestClock clock;
  private int threads = 4;
  private @Nullable CostMeter meter;

  private BudgetInvariants(BudgetGuard guard, TestClock clock) {
    this.guard = guard;
    this.clock = clock;
  }

  /**
   * Starts a runner for a guard built with the clock.
   *
   * @param guard the guard under test, built with {@code clock}
   * @param clock the guard's clock
   * @return the runner, with 4 threads and no meter
   * @throws NullPointerException if an argument is null
   */
  public static BudgetInvariants runner(BudgetGuard guard, TestClock clock) {
    return new BudgetInvariants(
        Objects.requireNonNull(guard, "guard"), Objects.requireNonNull(clock, "clock"));
  }

  /**
   * Sets how many threads run the calls concurrently.
   *
   * @param count between 1 and 64
   * @return this runner
   * @throws IllegalArgumentException if the count is out of range
   */
  public BudgetInvariants threads(int count) {
    if (count < 1 || count > 64) {
      throw new IllegalArgumentException("threads must be between 1 and 64, but was " + count);
    }
    this.threads = count;
    return this;
  }

  /**
   * Records every settled call in the meter, as {@code GuardedCall} does, and checks its totals.
   * The meter must be empty and use the same clock.
   *
   * @param meter the meter under test
   * @return this runner
   * @throws NullPointerException if the meter is null
   */
  public BudgetInvariants meter(CostMeter meter) {
    this.meter = Objects.requireNonNull(meter, "meter");
    return this;
  }

  /**
   * Runs the calls and asserts the invariants.
   *
   * @param calls the calls, with unique ids, e.g. from {@link BudgetArbitraries#callSequences}
   * @return what happened, for further assertions
   * @throws NullPointerException if the list or a call is null
   * @throws IllegalArgumentException if two calls share an id
   * @throws AssertionFailedError if an invariant is violated; the message lists every violation
   */
  public Outcome check(List<BudgetCall> calls) {
    List<BudgetCall> work = List.copyOf(calls);
    Set<String> ids = new HashSet<>();
    for (BudgetCall c : work) {
      if (!ids.add(c.callId())) {
        throw new IllegalArgumentException(
            "call ids must be unique, but '" + c.callId() + "' repeats");
      }
    }
    Map<String, Boolean> enforced = new HashMap<>();
    for (Budget b : guard.budgets()) {
      enforced.put(b.name(), b.enforced());
    }
    Instant start = clock.instant();
    Queue<String> violations = new ConcurrentLinkedQueue<>();
    Map<String, Long> settled = new ConcurrentHashMap<>();
    AtomicInteger granted = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    AtomicInteger abandoned = new AtomicInteger();
    AtomicInteger next = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(threads);
    List<Thread> started = new ArrayList<>(threads);
    for (int t = 0; t < threads; t++) {
      Thread thread =
          new Thread(
              () -> {
                try {
                  go.await();
                  for (int i = next.getAndIncrement();
                      i < work.size();
                      i = next.getAndIncrement()) {
                    run(work.get(i), enforced, violations, settled, granted, refused, abandoned);
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  violations.add("runner thread interrupted");
                } catch (RuntimeException | Error e) {
                  violations.add("unexpected " + e);
                } finally {
                  done.countDown();
                }
              },
              "budget-invariants-" + t);
      thread.setDaemon(true);
      started.add(thread);
      thread.start();
    }
    go.countDown();
    try {
      if (!done.await(JOIN_SECONDS, TimeUnit.SECONDS)) {
        violations.add("calls did not finish within " + JOIN_SECONDS + " seconds");
        started.forEach(Thread::interrupt);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionFailedError("interrupted while waiting for the calls", e);
    }
    if (violations.isEmpty()) {
      checkTotals(work, settled, violations);
      checkExpiry(start, abandoned.get(), work, violations);
      checkMeter(work, settled, violations);
    }
    if (!violations.isEmpty()) {
      throw new AssertionFailedError(
          "budget invariants violated ("
              + violations.size()
              + "):\n  "
              + String.join("\n  ", violations));
    }
    return new Outcome(granted.get(), refused.get(), settled.size(), abandoned.get());
  }

  private void run(
      BudgetCall call,
      Map<String, Boolean> enforced,
      Queue<String> violations,
      Map<String, Long> settled,
      AtomicInteger granted,
      AtomicInteger refused,
      AtomicInteger abandoned) {
    boolean reserved;
    try {
      reserved = guard.reserve(call.callId(), call.actor(), call.operation(), call.estimate());
    } catch (BudgetExceeded e) {
      refused.incrementAndGet();
      checkLimits(call, enforced, violations, "after a refused reserve");
      return;
    }
    if (!reserved) {
      return;
    }
    granted.incrementAndGet();
    checkLimits(call, enforced, violations, "after reserving " + call.callId());
    switch (call.ending()) {
      case ABANDON -> abandoned.incrementAndGet();
      case RELEASE -> {
        if (!guard.release(call.callId())) {
          violations.add("release of " + call.callId() + " returned false");
        }
      }
      case SETTLE, SETTLE_TWICE -> {
        if (!guard.settle(call.callId(), call.actual())) {
          violations.add("first settle of " + call.callId() + " returned false");
          return;
        }
        settled.put(call.callId(), call.actual().micros());
        if (call.ending() == BudgetCall.Ending.SETTLE_TWICE
            && guard.settle(call.callId(), call.estimate())) {
          violations.add("second settle of " + call.callId() + " returned true");
        }
        CostMeter m = meter;
        if (m != null) {
          m.record(call.actor(), call.operation(), call.actual(), false);
        }
      }
    }
    checkLimits(call, enforced, violations, "after ending " + call.callId());
  }

  private void checkLimits(
      BudgetCall call, Map<String, Boolean> enforced, Queue<String> violations, String when) {
    for (BudgetStatus s : guard.status(call.actor(), call.operation())) {
      if (!enforced.getOrDefault(s.budgetName(), true)) {
        continue;
      }
      Money used = s.spent().plus(s.reserved());
      if (used.compareTo(s.limit()) > 0) {
        violations.add(
            s.budgetName()
                + "/"
                + s.scopeKey()
                + " over its limit "
                + when
                + ": spent "
                + s.spent()
                + " + reserved "
                + s.reserved()
                + " > "
                + s.limit());
      }
    }
  }

  private void checkTotals(
      List<BudgetCall> work, Map<String, Long> settled, Queue<String> violations) {
    Map<String, Long> expected = new HashMap<>();
    Map<String, BudgetStatus> actual = new HashMap<>();
    for (BudgetCall c : work) {
      Long cost = settled.get(c.callId());
      for (BudgetStatus s : guard.status(c.actor(), c.operation())) {
        String key = s.budgetName() + "/" + s.scopeKey();
        actual.put(key, s);
        expected.merge(key, cost == null ? 0L : cost, Long::sum);
      }
    }
    for (Map.Entry<String, BudgetStatus> e : actual.entrySet()) {
      long want = expected.getOrDefault(e.getKey(), 0L);
      long got = e.getValue().spent().micros();
      if (got != want) {
        violations.add(
            e.getKey()
                + " spent "
                + e.getValue().spent()
                + " but the settled calls cost "
                + Money.ofMicros(want, e.getValue().spent().currency()));
      }
    }
  }

  private void checkExpiry(
      Instant start, int abandoned, List<BudgetCall> work, Queue<String> violations) {
    clock.set(start.plus(guard.reservationTimeout()).plusSeconds(1));
    int expired;
    try {
      expired = guard.expireReservations();
    } finally {
      clock.set(start);
    }
    if (expired != abandoned) {
      violations.add(
          "expireReservations released "
              + expired
              + " calls after the timeout, but "
              + abandoned
              + " were abandoned");
    }
    Set<String> seen = new HashSet<>();
    for (BudgetCall c : work) {
      for (BudgetStatus s : guard.status(c.actor(), c.operation())) {
        String key = s.budgetName() + "/" + s.scopeKey();
        if (seen.add(key) && !s.reserved().isZero()) {
          violations.add(key + " still has " + s.reserved() + " reserved after every call ended");
        }
      }
    }
  }

  private void checkMeter(
      List<BudgetCall> work, Map<String, Long> settled, Queue<String> violations) {
    CostMeter m = meter;
    if (m == null) {
      return;
    }
    Map<String, long[]> perActor = new HashMap<>();
    long total = 0;
    for (BudgetCall c : work) {
      Long cost = settled.get(c.callId());
      String key = c.actor().tenantId() + "/" + c.actor().id();
      long[] sums = perActor.computeIfAbsent(key, k -> new long[2]);
      if (cost != null) {
        sums[0] += cost;
        sums[1]++;
        total += cost;
      }
    }
    MeterTotals all = m.query().total();
    if (all.cost().micros() != total || all.calls() != settled.size()) {
      violations.add(
          "meter total is "
              + all.calls()
              + " calls costing "
              + all.cost()
              + ", but "
              + settled.size()
              + " calls were settled costing "
              + Money.ofMicros(total, m.currency()));
    }
    for (BudgetCall c : work) {
      String key = c.actor().tenantId() + "/" + c.actor().id();
      long[] sums = perActor.remove(key);
      if (sums == null) {
        continue;
      }
      MeterTotals t = m.query().tenant(c.actor().tenantId()).actor(c.actor().id()).total();
      if (t.cost().micros() != sums[0] || t.calls() != sums[1]) {
        violations.add(
            "meter for "
                + key
                + " is "
                + t.calls()
                + " calls costing "
                + t.cost()
                + ", but "
                + sums[1]
                + " settled calls cost "
                + Money.ofMicros(sums[0], m.currency()));
      }
    }
  }

  /**
   * What a run did.
   *
   * @param granted calls whose reservation was granted
   * @param refused calls refused by a budget
   * @param settled calls settled with their actual cost
   * @param abandoned granted calls never settled, released by expiry
   */
  public record Outcome(int granted, int refused, int settled, int abandoned) {}
}
