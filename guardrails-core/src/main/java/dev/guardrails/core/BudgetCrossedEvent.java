package dev.guardrails.core;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A budget's spending crossed an alert threshold, e.g. 80 % or 100 % of its limit.
 *
 * <p>Type {@code "budget.crossed"}; severity WARN below 100 %, ERROR from 100 % (the hard stop).
 * Immutable and thread-safe.
 *
 * @param context when and in which request the threshold was crossed
 * @param budgetName the budget, e.g. {@code "openai/tenant-42/day"}
 * @param thresholdPercent the threshold crossed, in percent of the limit, positive
 * @param spent how much the period has spent once the threshold was crossed
 * @param limit the budget's limit for the period, in the same currency
 * @param periodStart when the budget's current period started
 */
public record BudgetCrossedEvent(
    EventContext context,
    String budgetName,
    int thresholdPercent,
    Money spent,
    Money limit,
    Instant periodStart)
    implements GuardrailEvent {

  /**
   * Creates the event.
   *
   * @param context when and in which request the threshold was crossed
   * @param budgetName the budget, e.g. {@code "openai/tenant-42/day"}
   * @param thresholdPercent the threshold crossed, in percent of the limit, positive
   * @param spent how much the period has spent once the threshold was crossed
   * @param limit the budget's limit for the period, in the same currency
   * @param periodStart when the budget's current period started
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if the budget name is blank, the threshold is not positive or
   *     the amounts are in different currencies
   */
  public BudgetCrossedEvent {
    Objects.requireNonNull(context, "context");
    Text.requireNonBlank(budgetName, "budgetName");
    if (thresholdPercent <= 0) {
      throw new IllegalArgumentException(
          "threshold percent must be positive, but was " + thresholdPercent);
    }
    Objects.requireNonNull(spent, "spent");
    Objects.requireNonNull(limit, "limit");
    Money.requireSameCurrency(spent, limit);
    Objects.requireNonNull(periodStart, "periodStart");
  }

  @Override
  public String type() {
    return "budget.crossed";
  }

  @Override
  public Severity severity() {
    return thresholdPercent >= 100 ? Severity.ERROR : Severity.WARN;
  }

  @Override
  public Map<String, String> attributes() {
    return new Attributes()
        .put("budget", budgetName)
        .put("threshold_percent", thresholdPercent)
        .put("spent", spent)
        .put("limit", limit)
        .put("period_start", periodStart)
        .build();
  }
}
