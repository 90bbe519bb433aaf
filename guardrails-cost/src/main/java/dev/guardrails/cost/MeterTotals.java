package dev.guardrails.cost;

import dev.guardrails.core.Money;
import java.util.Objects;

/**
 * The sum of the rows a {@link CostMeter.Query} selects.
 *
 * @param calls calls that reached the upstream
 * @param failures of those, the calls that failed
 * @param cost their actual cost
 */
public record MeterTotals(long calls, long failures, Money cost) {

  /**
   * Validates the totals.
   *
   * @throws NullPointerException if the cost is null
   */
  public MeterTotals {
    Objects.requireNonNull(cost, "cost");
  }

  /** {@return the average cost per call, rounded down to a micro-unit; zero without calls} */
  public Money averagePerCall() {
    return Money.ofMicros(calls == 0 ? 0 : cost.micros() / calls, cost.currency());
  }
}
