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
 * <p>A reservation is atomic across the applicable budgets (all or none). Settling is idempotent by
 * call id; a reservation that is never settled expires after {@link Builder#reservationTimeout} and
 * its amount is released. When a settle takes a budget's spend across one of its alert thresholds a
 * {@link BudgetCrossedEvent} is published, once per crossing per period, detected from the spend
 * before and after that same atomic update.
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

  private BudgetGuard(Builder b, Currency currency) {
    this.store = b.store;
    this.budgets = b.budgets.values().toArray(new Budget[0]);
    this.byName = Map.copyOf(b.budgets);
    this.currency = currency;
    this.clock = b.clock;
    this.events = b.events;
    this.reservationTimeout = b.reservationTimeout;
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
   * @throws BudgetExceeded if the estimate would take a budget past its limit; names the budget and
   *     scope key, the spend plus reservations, the limit and the reset time
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
    List<BudgetLine> lines = lines(actor, operation, estimate.micros(), now);
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
