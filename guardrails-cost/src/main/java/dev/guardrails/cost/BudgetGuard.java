package dev.guardrails.cost;

import dev.guardrails.core.Actor;
import dev.guardrails.core.BudgetCrossedEvent;
import dev.guardrails.core.BudgetExceeded;
import dev.guardrails.core.EventContext;
import dev.guardrails.core.EventSink;
import dev.guardrails.core.FailureEvent;
import dev.guardrails.core.Money;
import dev.guardrails.core.UpstreamUnavailable;
import dev.guardrails.cost.spi.BudgetLine;
import dev.guardrails.cost.spi.BudgetStore;
import dev.guardrails.cost.spi.BudgetUsage;
import dev.guardrails.cost.spi.ReserveOutcome;
import dev.guardrails.cost.spi.SpendChange;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The hard stop on spending: reserves a call's estimated cost in every budget that applies before
 * the call, and settles the actual cost after it.
 *
 * <pre>{@code
 * BudgetGuard budgets = BudgetGuard.builder(InMemoryBudgetStore.create())
 *     .budget(Budget.builder("per-user-daily").scope(BudgetScope.ACTOR)
 *         .limit(Money.of("2.00", usd)).period(BudgetPeriod.day(ZoneOffset.UTC)).build())
 *     .events(sink)
 *     .build();
 * budgets.reserve(callId, actor, "openai.chat", estimate);   // throws BudgetExceeded
 * ... call ...
 * budgets.settle(callId, actualCost);                         // idempotent
 * }</pre>
 *
 * <p>A call always reserves at least one micro-unit, even when its estimate is zero, so a budget
 * that is used up stops every call, including those estimated to be free; the settle records the
 * actual cost either way. A reservation is atomic across the applicable budgets (all or none).
 * Settling is idempotent by call id; a reservation that is never settled expires after {@link
 * Builder#reservationTimeout} and its amount is released. When a settle takes a budget's spend
 * across one of its alert thresholds a {@link BudgetCrossedEvent} is published, once per crossing
 * per period, detected from the spend before and after that same atomic update.
 *
 * <p>If the store cannot decide (e.g. the database is down) the reservation fails closed with
 * {@link UpstreamUnavailable} and a {@link FailureEvent}; a settle that cannot be written publishes
 * a {@link FailureEvent} and leaves the reservation to expire.
 *
 * <p>Immutable and thread-safe.
 */
public final class BudgetGuard {

  static final String COMPONENT = "guardrails-cost budget store";

  private final BudgetStore store;
  private final Budget[] budgets;
  private final Map<String, Budget> byName;
  private final Currency currency;
  private final Clock clock;
  private final EventSink events;
  private final Duration reservationTimeout;
  private final long reservationTimeoutMillis;

  /**
   * The store when it is an {@link InMemoryBudgetStore}: calls then take its allocation-free path.
   */
  private final @Nullable InMemoryBudgetStore inMemory;

  private final boolean anyAlerts;

  /** Per operation name: the budgets that apply, and the totals last used for each. */
  private final ConcurrentHashMap<String, Plan> plans = new ConcurrentHashMap<>();

  private BudgetGuard(Builder b, Currency currency) {
    this.store = b.store;
    this.budgets = b.budgets.values().toArray(new Budget[0]);
    this.byName = Map.copyOf(b.budgets);
    this.currency = currency;
    this.clock = b.clock;
    this.events = b.events;
    this.reservationTimeout = b.reservationTimeout;
    this.reservationTimeoutMillis = b.reservationTimeout.toMillis();
    this.inMemory = b.store instanceof InMemoryBudgetStore m ? m : null;
    boolean alerts = false;
    for (Budget budget : budgets) {
      alerts |= budget.alertPercentsUnsafe().length > 0;
    }
    this.anyAlerts = alerts;
  }

  /**
   * Starts a guard on a store.
   *
   * @param store where the totals live
   * @return a builder
   * @throws NullPointerException if the store is null
   */
  public static Builder builder(BudgetStore store) {
    return new Builder(store);
  }

  /** {@return the currency of every budget} */
  public Currency currency() {
    return currency;
  }

  /** {@return the clock of the budgets' periods} */
  Clock clock() {
    return clock;
  }

  /** {@return how long an unsettled reservation lives before it is released} */
  public Duration reservationTimeout() {
    return reservationTimeout;
  }

  /** {@return the budgets, in the order they were added} */
  public List<Budget> budgets() {
    return List.of(budgets);
  }

  /**
   * Reserves the estimate in every budget that applies to the actor and operation, or in none.
   *
   * @param callId a unique id of the call, used again to settle
   * @param actor who makes the call
   * @param operation the operation called
   * @param estimate the estimated cost, in the budgets' currency
   * @return true if something was reserved, false if no budget applies
   * @throws BudgetExceeded if the estimate (at least one micro-unit) would take a budget past its
   *     limit; names the budget and scope key, the spend plus reservations, the limit and the reset
   *     time
   * @throws UpstreamUnavailable if the store cannot decide; nothing is reserved
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the estimate is negative or in another currency, or the
   *     call id is already reserved
   */
  public boolean reserve(String callId, Actor actor, String operation, Money estimate) {
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(operation, "operation");
    requireAmount(estimate, "estimate");
    return reserve(callId, actor, operation, estimate, clock.instant());
  }

  /**
   * {@link #reserve(String, Actor, String, Money)} at a time the caller read from {@link #clock}.
   */
  boolean reserve(String callId, Actor actor, String operation, Money estimate, Instant now) {
    List<BudgetLine> lines = lines(actor, operation, reservedMicros(estimate), now);
    if (lines.isEmpty()) {
      return false;
    }
    ReserveOutcome outcome;
    try {
      outcome = store.reserve(callId, lines, now, now.plus(reservationTimeout));
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      events.publish(
          new FailureEvent(
              EventContext.capture(clock),
              COMPONENT,
              "budget_store_unavailable",
              "the budget store could not reserve; the call was refused",
              Optional.empty()));
      throw new UpstreamUnavailable(
          "budget-store", "the budget store could not reserve, so the call was refused", e);
    }
    if (outcome.isGranted()) {
      return true;
    }
    BudgetLine line = lines.get(outcome.refusedLine());
    Instant resetsAt = line.periodEnd();
    if (line.rolling()) {
      Instant rolling = outcome.rollingResetsAt();
      resetsAt = rolling != null ? rolling : now.plus(Duration.between(line.periodStart(), now));
    }
    throw new BudgetExceeded(
        line.budgetName() + "/" + line.scopeKey(),
        Money.ofMicros(
            Math.addExact(outcome.spentMicros(), outcome.reservedMicros()), line.currency()),
        Money.ofMicros(line.limitMicros(), line.currency()),
        resetsAt);
  }

  /** The amount a call reserves: its estimate, and at least one micro-unit (see class doc). */
  private static long reservedMicros(Money estimate) {
    return Math.max(1L, estimate.micros());
  }

  /**
   * Reserves for a {@link GuardedCall} at {@code nowMillis} by {@link #clock}: like {@link
   * #reserve(String, Actor, String, Money)}, but on an {@link InMemoryBudgetStore} with only
   * calendar budgets it reserves through a handle, with no call id, line list or key object per
   * call (the same totals, locks and checks as the general path).
   *
   * @param callIds makes a call id when the general path is taken
   * @return what to give {@link #settleCall}, or null if no budget applies
   */
  @Nullable Object reserveCall(
      Supplier<String> callIds, Actor actor, String operation, Money estimate, long nowMillis) {
    InMemoryBudgetStore m = inMemory;
    if (m != null && estimate.micros() >= 0) {
      Plan plan = plans.get(operation);
      if (plan == null) {
        plan = plans.computeIfAbsent(operation, this::plan);
      }
      if (plan.budgets.length == 0) {
        return null;
      }
      if (plan.calendarOnly) {
        InMemoryBudgetStore.Pending p = reserveFast(m, plan, actor, operation, estimate, nowMillis);
        if (p != null) {
          return p;
        }
      }
    }
    String callId = callIds.get();
    return reserve(callId, actor, operation, estimate, Instant.ofEpochMilli(nowMillis))
        ? callId
        : null;
  }

  /**
   * Settles what {@link #reserveCall} returned; publishes threshold crossings like {@link
   * #settle(String, Money)}. A handle settles into the totals it reserved and reads no clock; a
   * call id settles at the current time by {@link #clock}.
   *
   * @return true if this settled the call
   */
  boolean settleCall(Object reservation, Money actual) {
    if (reservation instanceof InMemoryBudgetStore.Pending p) {
      if (actual.micros() < 0) {
        throw new IllegalArgumentException("actual must not be negative, but was " + actual);
      }
      InMemoryBudgetStore m = Objects.requireNonNull(inMemory);
      return m.settleCalendar(p, actual.micros(), anyAlerts ? crossings : null);
    }
    return settle((String) reservation, actual, clock.instant());
  }

  /** Publishes the alerts a handle's settle crossed. */
  private final InMemoryBudgetStore.SettleListener crossings = this::settled;

  private void settled(InMemoryBudgetStore.Total t, long before, long after) {
    Budget b = byName.get(t.budgetName);
    if (b != null && crossesAny(b, b.limit().micros(), before, after)) {
      publishCrossings(
          new SpendChange(
              t.budgetName,
              t.scopeKey,
              t.currency,
              b.limit().micros(),
              t.periodStart,
              t.periodEnd,
              before,
              after));
    }
  }

  private static boolean crossesAny(Budget b, long limitMicros, long before, long after) {
    for (int percent : b.alertPercentsUnsafe()) {
      long threshold = threshold(limitMicros, percent);
      if (before < threshold && after >= threshold) {
        return true;
      }
    }
    return false;
  }

  private InMemoryBudgetStore.@Nullable Pending reserveFast(
      InMemoryBudgetStore m,
      Plan plan,
      Actor actor,
      String operation,
      Money estimate,
      long nowMillis) {
    int n = plan.budgets.length;
    Memo only = plan.memos[0];
    InMemoryBudgetStore.Total[] totals;
    if (n == 1 && only != null && only.range.contains(nowMillis) && only.matches(actor)) {
      totals = only.alone; // shared and never written: one total, the memo's own
    } else {
      totals = new InMemoryBudgetStore.Total[n];
      resolve(m, plan, actor, operation, nowMillis, totals);
    }
    InMemoryBudgetStore.Pending p =
        m.reserveCalendar(
            totals,
            plan.limits,
            plan.enforced,
            reservedMicros(estimate),
            nowMillis,
            nowMillis + reservationTimeoutMillis);
    if (p == null) {
      // refused, or a total was retired: the general path decides and explains; forget the memos
      java.util.Arrays.fill(plan.memos, null);
    }
    return p;
  }

  /** Fills {@code totals} with each budget's total for the actor at {@code nowMillis}. */
  private void resolve(
      InMemoryBudgetStore m,
      Plan plan,
      Actor actor,
      String operation,
      long nowMillis,
      InMemoryBudgetStore.Total[] totals) {
    for (int i = 0; i < totals.length; i++) {
      Budget b = plan.budgets[i];
      Memo memo = plan.memos[i];
      if (memo == null || !memo.range.contains(nowMillis) || !memo.matches(actor)) {
        BudgetPeriod.Range range = b.period().range(nowMillis);
        InMemoryBudgetStore.Total t =
            m.calendarTotal(
                b.name(),
                b.scopeKey(actor, operation),
                currency,
                plan.limits[i],
                plan.enforced[i],
                range.start(),
                range.end());
        memo = new Memo(b.scope(), actor.tenantId(), actor.id(), range, t);
        plan.memos[i] = memo;
      }
      totals[i] = memo.total;
    }
  }

  private Plan plan(String operation) {
    List<Budget> applicable = new ArrayList<>();
    boolean calendarOnly = true;
    for (Budget b : budgets) {
      if (b.appliesTo(operation)) {
        applicable.add(b);
        calendarOnly &= !b.period().isRolling();
      }
    }
    return new Plan(applicable.toArray(new Budget[0]), calendarOnly);
  }

  /** The budgets that apply to one operation. */
  private static final class Plan {
    final Budget[] budgets;
    final boolean calendarOnly;
    final long[] limits;
    final boolean[] enforced;

    /** The total each budget last used; racy by design, each entry is immutable. */
    final @Nullable Memo[] memos;

    Plan(Budget[] budgets, boolean calendarOnly) {
      this.budgets = budgets;
      this.calendarOnly = calendarOnly;
      this.limits = new long[budgets.length];
      this.enforced = new boolean[budgets.length];
      for (int i = 0; i < budgets.length; i++) {
        limits[i] = budgets[i].limit().micros();
        enforced[i] = budgets[i].enforced();
      }
      this.memos = new Memo[budgets.length];
    }
  }

  /** The running total of one budget for a scope (tenant, actor or all) in one period. */
  private static final class Memo {
    final BudgetScope scope;
    final String tenantId;
    final String actorId;
    final BudgetPeriod.Range range;
    final InMemoryBudgetStore.Total total;

    /** {@code total} alone, for the calls of a single budget; never written. */
    final InMemoryBudgetStore.Total[] alone;

    Memo(
        BudgetScope scope,
        String tenantId,
        String actorId,
        BudgetPeriod.Range range,
        InMemoryBudgetStore.Total total) {
      this.scope = scope;
      this.tenantId = tenantId;
      this.actorId = actorId;
      this.range = range;
      this.total = total;
      this.alone = new InMemoryBudgetStore.Total[] {total};
    }

    boolean matches(Actor actor) {
      return switch (scope) {
        case GLOBAL, OPERATION -> true;
        case TENANT -> tenantId.equals(actor.tenantId());
        case ACTOR -> tenantId.equals(actor.tenantId()) && actorId.equals(actor.id());
      };
    }
  }

  /**
   * Settles a call: records its actual cost in every budget it reserved and releases the rest, then
   * publishes a {@link BudgetCrossedEvent} per threshold crossed. Idempotent: settling a call again
   * changes nothing.
   *
   * @param callId the id given to {@link #reserve}
   * @param actual the actual cost, in the budgets' currency; zero releases the reservation
   * @return true if this settled the call; false if it was settled before, never reserved, or the
   *     store could not be written (then a {@link FailureEvent} is published)
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the cost is negative or in another currency
   */
  public boolean settle(String callId, Money actual) {
    Objects.requireNonNull(callId, "callId");
    requireAmount(actual, "actual");
    return settle(callId, actual, clock.instant());
  }

  /** {@link #settle(String, Money)} at a time the caller read from {@link #clock}. */
  boolean settle(String callId, Money actual, Instant now) {
    List<SpendChange> changes;
    try {
      changes = store.settle(callId, actual.micros(), now);
    } catch (RuntimeException e) {
      events.publish(
          new FailureEvent(
              EventContext.capture(clock),
              COMPONENT,
              "budget_settle_failed",
              "the budget store could not settle a call; its reservation will expire",
              Optional.empty()));
      return false;
    }
    for (SpendChange change : changes) {
      publishCrossings(change);
    }
    return !changes.isEmpty();
  }

  /**
   * Releases a call's reservation without cost (the call did not happen). Same as settling zero.
   *
   * @param callId the id given to {@link #reserve}
   * @return true if this released the reservation
   * @throws NullPointerException if the call id is null
   */
  public boolean release(String callId) {
    return settle(callId, Money.zero(currency));
  }

  /**
   * Releases every reservation whose timeout has passed by the guard's clock.
   *
   * @return the number of calls released
   * @throws IllegalStateException if the store cannot be reached
   */
  public int expireReservations() {
    return store.expireReservations(clock.instant());
  }

  /**
   * Returns the current totals of every budget that applies to the actor and operation.
   *
   * @param actor the actor
   * @param operation the operation
   * @return one status per applicable budget, in the order the budgets were added
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException if the store cannot be reached
   */
  public List<BudgetStatus> status(Actor actor, String operation) {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(operation, "operation");
    Instant now = clock.instant();
    List<BudgetStatus> out = new ArrayList<>();
    for (BudgetLine line : lines(actor, operation, 0, now)) {
      BudgetUsage usage = store.usage(line);
      out.add(
          new BudgetStatus(
              line.budgetName(),
              line.scopeKey(),
              Money.ofMicros(usage.spentMicros(), currency),
              Money.ofMicros(usage.reservedMicros(), currency),
              Money.ofMicros(line.limitMicros(), currency),
              line.periodStart(),
              line.periodEnd()));
    }
    return out;
  }

  private List<BudgetLine> lines(Actor actor, String operation, long amount, Instant now) {
    List<BudgetLine> lines = new ArrayList<>(budgets.length);
    for (Budget b : budgets) {
      if (!b.appliesTo(operation)) {
        continue;
      }
      BudgetPeriod p = b.period();
      lines.add(
          new BudgetLine(
              b.name(),
              b.scopeKey(actor, operation),
              currency,
              b.limit().micros(),
              b.enforced(),
              p.isRolling(),
              p.start(now),
              p.end(now),
              amount));
    }
    return lines;
  }

  private void publishCrossings(SpendChange change) {
    Budget b = byName.get(change.budgetName());
    if (b == null) {
      return;
    }
    for (int percent : b.alertPercentsUnsafe()) {
      long threshold = threshold(change.limitMicros(), percent);
      if (change.spentBeforeMicros() < threshold && change.spentAfterMicros() >= threshold) {
        events.publish(
            new BudgetCrossedEvent(
                EventContext.capture(clock),
                change.budgetName() + "/" + change.scopeKey(),
                percent,
                Money.ofMicros(change.spentAfterMicros(), change.currency()),
                Money.ofMicros(change.limitMicros(), change.currency()),
                change.periodStart()));
      }
    }
  }

  /** The spend at which {@code percent} of the limit is reached, rounded up. */
  static long threshold(long limitMicros, int percent) {
    long whole = limitMicros / 100;
    if (whole > Long.MAX_VALUE / percent) {
      return Long.MAX_VALUE;
    }
    long part = (limitMicros % 100 * percent + 99) / 100;
    return whole * percent > Long.MAX_VALUE - part ? Long.MAX_VALUE : whole * percent + part;
  }

  private void requireAmount(Money amount, String name) {
    Objects.requireNonNull(amount, name);
    if (amount.micros() < 0) {
      throw new IllegalArgumentException(name + " must not be negative, but was " + amount);
    }
    if (!amount.currency().equals(currency)) {
      throw new IllegalArgumentException(
          name + " must be in " + currency + " like the budgets, but was " + amount);
    }
  }

  @Override
  public String toString() {
    return "BudgetGuard{budgets=" + byName.keySet() + ", store=" + store + "}";
  }

  /** Builds a {@link BudgetGuard}; not thread-safe, {@link #build()} copies. */
  public static final class Builder {
    private final BudgetStore store;
    private final Map<String, Budget> budgets = new LinkedHashMap<>();
    private Clock clock = Clock.systemUTC();
    private EventSink events = EventSink.noop();
    private Duration reservationTimeout = Duration.ofMinutes(5);
    private @Nullable Currency currency;

    private Builder(BudgetStore store) {
      this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * Adds a budget.
     *
     * @param budget the budget; its name must be unique in this guard
     * @return this builder
     * @throws NullPointerException if the budget is null
     * @throws IllegalArgumentException if a budget of that name was added, or its currency differs
     *     from the others', or it is a rolling window and the store does not support them
     */
    public Builder budget(Budget budget) {
      Objects.requireNonNull(budget, "budget");
      if (budgets.containsKey(budget.name())) {
        throw new IllegalArgumentException(
            "budget name must be unique, but was repeated: " + budget.name());
      }
      Currency c = budget.limit().currency();
      if (currency != null && !currency.equals(c)) {
        throw new IllegalArgumentException(
            "every budget must use one currency, but "
                + budget
                + " is in "
                + c
                + ", not "
                + currency);
      }
      if (budget.period().isRolling() && !store.supportsRollingWindows()) {
        throw new IllegalArgumentException(
            "store " + store + " does not support rolling windows, but " + budget + " uses one");
      }
      currency = c;
      budgets.put(budget.name(), budget);
      return this;
    }

    /**
     * Sets the clock that decides periods, reset times and reservation expiry.
     *
     * @param clock the clock; default the system UTC clock
     * @return this builder
     * @throws NullPointerException if the clock is null
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets where threshold crossings and store failures are published.
     *
     * @param events the sink; default drops events
     * @return this builder
     * @throws NullPointerException if the sink is null
     */
    public Builder events(EventSink events) {
      this.events = Objects.requireNonNull(events, "events");
      return this;
    }

    /**
     * Sets how long a reservation lives unsettled before it is released; it must outlast the
     * slowest call including its retries.
     *
     * @param timeout at least one second; default five minutes
     * @return this builder
     * @throws NullPointerException if the timeout is null
     * @throws IllegalArgumentException if the timeout is shorter than one second
     */
    public Builder reservationTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException(
            "reservation timeout must be at least one second, but was " + timeout);
      }
      this.reservationTimeout = timeout;
      return this;
    }

    /**
     * Builds the guard.
     *
     * @return the guard
     * @throws IllegalStateException if no budget was added
     */
    public BudgetGuard build() {
      if (currency == null) {
        throw new IllegalStateException("a budget guard needs at least one budget");
      }
      return new BudgetGuard(this, currency);
    }
  }
}
