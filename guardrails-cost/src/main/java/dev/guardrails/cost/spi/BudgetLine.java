package dev.guardrails.cost.spi;

import java.time.Instant;
import java.util.Currency;
import java.util.Objects;

/**
 * One budget's share of a reservation: which running total (budget name, scope key, period) and how
 * much to reserve in it.
 *
 * <p>A calendar line's total is identified by {@code (budgetName, scopeKey, periodStart)}; a
 * rolling line's total by {@code (budgetName, scopeKey)}, counting spend after {@code periodStart}
 * (now minus the window) up to {@code periodEnd} (now).
 *
 * @param budgetName the budget's name
 * @param scopeKey the scope key, e.g. {@code "actor:acme/u-42"}
 * @param currency the budget's currency
 * @param limitMicros the limit per period, positive
 * @param enforced whether the limit refuses reservations (false: alert only)
 * @param rolling whether the period is a rolling window
 * @param periodStart the period's start (calendar) or the window's start (rolling)
 * @param periodEnd the period's end (calendar) or now (rolling)
 * @param amountMicros the amount to reserve, not negative
 */
public record BudgetLine(
    String budgetName,
    String scopeKey,
    Currency currency,
    long limitMicros,
    boolean enforced,
    boolean rolling,
    Instant periodStart,
    Instant periodEnd,
    long amountMicros) {

  /**
   * Validates the line.
   *
   * @throws NullPointerException if a reference is null
   * @throws IllegalArgumentException if the limit is not positive, the amount is negative or the
   *     period ends before it starts
   */
  public BudgetLine {
    Objects.requireNonNull(budgetName, "budgetName");
    Objects.requireNonNull(scopeKey, "scopeKey");
    Objects.requireNonNull(currency, "currency");
    Objects.requireNonNull(periodStart, "periodStart");
    Objects.requireNonNull(periodEnd, "periodEnd");
    if (limitMicros <= 0) {
      throw new IllegalArgumentException("limitMicros must be positive, but was " + limitMicros);
    }
    if (amountMicros < 0) {
      throw new IllegalArgumentException(
          "amountMicros must not be negative, but was " + amountMicros);
    }
    if (periodEnd.isBefore(periodStart)) {
      throw new IllegalArgumentException(
          "periodEnd must not be before periodStart, but was " + periodEnd + " < " + periodStart);
    }
  }
}
