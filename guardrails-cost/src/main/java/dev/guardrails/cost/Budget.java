package dev.guardrails.cost;

import dev.guardrails.core.Actor;
import dev.guardrails.core.Money;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A spending limit: at most {@link #limit()} per {@link #period()} per {@link #scope()} key,
 * optionally for one operation only, with alerts when the settled spend crosses given percentages
 * of the limit.
 *
 * <p>A budget is a hard stop by default: a call whose estimated cost would take the spend and the
 * reservations in flight past the limit does not happen. {@link Builder#alertOnly()} turns it into
 * a spend threshold that only raises alerts (e.g. "tell me when we spend 100 USD a day").
 *
 * <p>Immutable and thread-safe.
 */
public final class Budget {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}");
  private static final int[] DEFAULT_ALERTS = {50, 80, 100};

  private final String name;
  private final BudgetScope scope;
  private final Money limit;
  private final BudgetPeriod period;
  private final int[] alertPercents;
  private final boolean enforced;
  private final @Nullable String operation;

  private Budget(Builder b, Money limit, BudgetPeriod period) {
    this.name = b.name;
    this.scope = b.scope;
    this.limit = limit;
    this.period = period;
    this.alertPercents = b.alertPercents.clone();
    this.enforced = b.enforced;
    this.operation = b.operation;
  }

  /**
   * Starts a budget with a unique name, e.g. {@code "openai-per-user-daily"}.
   *
   * @param name letters, digits and {@code . _ : / -}, starting with a letter or digit, at most 128
   *     characters
   * @return a builder; scope defaults to {@link BudgetScope#GLOBAL}
   * @throws NullPointerException if the name is null
   * @throws IllegalArgumentException if the name is not of that form
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** {@return the budget's unique name} */
  public String name() {
    return name;
  }

  /** {@return whose spending the budget counts} */
  public BudgetScope scope() {
    return scope;
  }

  /** {@return the limit per period and scope key} */
  public Money limit() {
    return limit;
  }

  /** {@return the period over which spending is counted} */
  public BudgetPeriod period() {
    return period;
  }

  /** {@return the alert thresholds in percent of the limit, ascending; a copy} */
  public int[] alertPercents() {
    return alertPercents.clone();
  }

  /** {@return whether the budget refuses calls (true) or only raises alerts (false)} */
  public boolean enforced() {
    return enforced;
  }

  /**
   * Returns whether the budget counts a call of this operation.
   *
   * @param operationName the operation called
   * @return true if the budget has no operation filter or the filter matches
   */
  public boolean appliesTo(String operationName) {
    return operation == null || operation.equals(operationName);
  }

  String scopeKey(Actor actor, String operationName) {
    return scope.key(actor, operationName);
  }

  int[] alertPercentsUnsafe() {
    return alertPercents;
  }

  @Override
  public String toString() {
    return "budget '"
        + name
        + "' ("
        + scope.name().toLowerCase(java.util.Locale.ROOT)
        + ", "
        + limit
        + " per "
        + period
        + (operation == null ? "" : ", operation " + operation)
        + (enforced ? "" : ", alert only")
        + ")";
  }

  /** Builds a {@link Budget}; not thread-safe, {@link #build()} copies. */
  public static final class Builder {
    private final String name;
    private BudgetScope scope = BudgetScope.GLOBAL;
    private @Nullable Money limit;
    private @Nullable BudgetPeriod period;
    private int[] alertPercents = DEFAULT_ALERTS.clone();
    private boolean enforced = true;
    private @Nullable String operation;

    private Builder(String name) {
      Objects.requireNonNull(name, "name");
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "budget name must be 1 to 128 letters, digits or . _ : / - starting with a letter or"
                + " digit, but was '"
                + name
                + "'");
      }
      this.name = name;
    }

    /**
     * Sets whose spending the budget counts.
     *
     * @param scope the scope
     * @return this builder
     * @throws NullPointerException if the scope is null
     */
    public Builder scope(BudgetScope scope) {
      this.scope = Objects.requireNonNull(scope, "scope");
      return this;
    }

    /**
     * Sets the limit per period and scope key; required.
     *
     * @param limit a positive amount
     * @return this builder
     * @throws NullPointerException if the limit is null
     * @throws IllegalArgumentException if the limit is not positive
     */
    public Builder limit(Money limit) {
      Objects.requireNonNull(limit, "limit");
      if (limit.micros() <= 0) {
        throw new IllegalArgumentException("budget limit must be positive, but was " + limit);
      }
      this.limit = limit;
      return this;
    }

    /**
     * Sets the period; required.
     *
     * @param period the period
     * @return this builder
     * @throws NullPointerException if the period is null
     */
    public Builder period(BudgetPeriod period) {
      this.period = Objects.requireNonNull(period, "period");
      return this;
    }

    /**
     * Counts only calls of one operation (by default a budget counts every operation).
     *
     * @param operationName the operation's name
     * @return this builder
     * @throws NullPointerException if the name is null
     * @throws IllegalArgumentException if the name is blank
     */
    public Builder onlyOperation(String operationName) {
      Objects.requireNonNull(operationName, "operationName");
      if (operationName.isBlank()) {
        throw new IllegalArgumentException("operation name must not be blank");
      }
      this.operation = operationName;
      return this;
    }

    /**
     * Sets the alert thresholds in percent of the limit (default 50, 80 and 100); each is raised
     * once per crossing per period.
     *
     * @param percents distinct values from 1 to 1000; none to raise no alerts
     * @return this builder
     * @throws NullPointerException if the array is null
     * @throws IllegalArgumentException if a value is out of range or repeated
     */
    public Builder alertAtPercent(int... percents) {
      Objects.requireNonNull(percents, "percents");
      int[] sorted = percents.clone();
      Arrays.sort(sorted);
      for (int i = 0; i < sorted.length; i++) {
        if (sorted[i] < 1 || sorted[i] > 1000) {
          throw new IllegalArgumentException(
              "alert percent must be between 1 and 1000, but was " + sorted[i]);
        }
        if (i > 0 && sorted[i] == sorted[i - 1]) {
          throw new IllegalArgumentException("alert percent must not repeat, but was " + sorted[i]);
        }
      }
      this.alertPercents = sorted;
      return this;
    }

    /**
     * Loosens the budget into an alert-only threshold: calls are never refused, alerts are raised.
     *
     * @return this builder
     */
    public Builder alertOnly() {
      this.enforced = false;
      return this;
    }

    /**
     * Builds the budget.
     *
     * @return the budget
     * @throws IllegalStateException if the limit or the period is missing, or an alert-only budget
     *     has no alert threshold
     */
    public Budget build() {
      if (limit == null) {
        throw new IllegalStateException("budget '" + name + "' needs a limit");
      }
      if (period == null) {
        throw new IllegalStateException("budget '" + name + "' needs a period");
      }
      if (!enforced && alertPercents.length == 0) {
        throw new IllegalStateException(
            "alert-only budget '" + name + "' needs at least one alert threshold");
      }
      return new Budget(this, limit, period);
    }
  }
}
