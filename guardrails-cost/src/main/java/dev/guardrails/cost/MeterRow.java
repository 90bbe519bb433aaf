package dev.guardrails.cost;

import dev.guardrails.core.Money;
import java.time.LocalDate;
import java.util.Objects;

/**
 * The metered calls of one actor of one tenant to one operation on one day.
 *
 * @param day the day in the meter's time zone
 * @param tenantId the tenant
 * @param actorId the actor
 * @param operation the operation
 * @param calls calls that reached the upstream (cache hits are counted per operation, see {@link
 *     CostMeter#hits})
 * @param failures of those, the calls that failed
 * @param cost their actual cost
 */
public record MeterRow(
    LocalDate day,
    String tenantId,
    String actorId,
    String operation,
    long calls,
    long failures,
    Money cost) {

  /**
   * Validates the row.
   *
   * @throws NullPointerException if a reference is null
   */
  public MeterRow {
    Objects.requireNonNull(day, "day");
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(actorId, "actorId");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(cost, "cost");
  }
}
