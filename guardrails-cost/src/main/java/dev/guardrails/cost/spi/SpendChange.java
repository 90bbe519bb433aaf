package dev.guardrails.cost.spi;

import java.time.Instant;
import java.util.Currency;
import java.util.Objects;

/**
 * How one running total changed when a call was settled, read in the same atomic update, so that
 * threshold crossings are seen exactly once.
 *
 * @param budgetName the budget's name
 * @param scopeKey the scope key
 * @param currency the budget's currency
 * @param limitMicros the limit of the period
 * @param periodStart the start of the period (calendar) or window (rolling)
 * @param periodEnd the end of the period (calendar) or the settle time (rolling)
 * @param spentBeforeMicros the settled spend just before this settle
 * @param spentAfterMicros the settled spend just after it
 */
public record SpendChange(
    String budgetName,
    String scopeKey,
    Currency currency,
    long limitMicros,
    Instant periodStart,
    Instant periodEnd,
    long spentBeforeMicros,
    long spentAfterMicros) {

  /**
   * Validates the change.
   *
   * @throws NullPointerException if a reference is null
   */
  public SpendChange {
    Objects.requireNonNull(budgetName, "budgetName");
    Objects.requireNonNull(scopeKey, "scopeKey");
    Objects.requireNonNull(currency, "currency");
    Objects.requireNonNull(periodStart, "periodStart");
    Objects.requireNonNull(periodEnd, "periodEnd");
  }
}
