package dev.guardrails.cost;

import dev.guardrails.core.Money;
import java.time.Instant;
import java.util.Objects;

/**
 * One running total as an operator sees it: which budget and scope key, spent, reserved in flight,
 * limit and when it resets.
 *
 * @param budgetName the budget's name
 * @param scopeKey the scope key, e.g. {@code "actor:acme/u-42"}
 * @param spent settled spend in the period
 * @param reserved reservations in flight
 * @param limit the limit per period
 * @param periodStart the start of the period or window
 * @param resetsAt when the period ends (for a rolling window: now, as spend leaves continuously)
 */
public record BudgetStatus(
    String budgetName,
    String scopeKey,
    Money spent,
    Money reserved,
    Money limit,
    Instant periodStart,
    Instant resetsAt) {

  /**
   * Validates the status.
   *
   * @throws NullPointerException if an argument is null
   */
  public BudgetStatus {
    Objects.requireNonNull(budgetName, "budgetName");
    Objects.requireNonNull(scopeKey, "scopeKey");
    Objects.requireNonNull(spent, "spent");
    Objects.requireNonNull(reserved, "reserved");
    Objects.requireNonNull(limit, "limit");
    Objects.requireNonNull(periodStart, "periodStart");
    Objects.requireNonNull(resetsAt, "resetsAt");
  }

  /** {@return what is left: the limit minus spend and reservations, never below zero} */
  public Money remaining() {
    long left = limit.micros() - spent.micros() - reserved.micros();
    return Money.ofMicros(Math.max(0, left), limit.currency());
  }
}
