package dev.guardrails.core;

import java.time.Instant;
import java.util.Objects;

/**
 * Thrown when a spending budget is exhausted and the guarded call is refused before it costs
 * anything.
 *
 * <p>Code {@code "budget_exceeded"}, status 429. The public message says that the budget is
 * exhausted and when it resets; the budget's name, the amount spent and the limit go to {@link
 * #details()}, e.g. {@code "budget 'openai/tenant-42/day' is exhausted: spent 5.00 of 5.00 USD,
 * resets at 2026-11-23T00:00:00Z"}. No stack trace is filled in.
 *
 * <p>Immutable and thread-safe.
 */
public final class BudgetExceeded extends GuardrailException {

  /** The budget that is exhausted. */
  private final String budgetName;

  /** How much the period has spent. */
  private final Money spent;

  /** The limit for the period. */
  private final Money limit;

  /** When the next period starts. */
  private final Instant resetsAt;

  /**
   * Creates the exception.
   *
   * @param budgetName the budget, e.g. {@code "openai/tenant-42/day"}, for logs only
   * @param spent how much the budget's period has spent (or reserved)
   * @param limit the budget's limit for the period
   * @param resetsAt when the next period starts
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the budget name is blank or {@code spent} and {@code limit}
   *     are in different currencies
   */
  public BudgetExceeded(String budgetName, Money spent, Money limit, Instant resetsAt) {
    super(
        "budget_exceeded",
        429,
        "The usage budget for this operation is exhausted; it resets at "
            + Objects.requireNonNull(resetsAt, "resetsAt")
            + ".",
        "budget '"
            + Text.escape(Text.requireNonBlank(budgetName, "budgetName"))
            + "' is exhausted: spent "
            + Money.requireSameCurrency(spent, limit).amountText()
            + " of "
            + limit
            + ", resets at "
            + resetsAt,
        null,
        false);
    this.budgetName = budgetName;
    this.spent = spent;
    this.limit = limit;
    this.resetsAt = resetsAt;
  }

  /** {@return the budget that is exhausted} */
  public String budgetName() {
    return budgetName;
  }

  /** {@return how much the budget's period has spent} */
  public Money spent() {
    return spent;
  }

  /** {@return the budget's limit for the period} */
  public Money limit() {
    return limit;
  }

  /** {@return when the next period starts and calls may be allowed again} */
  public Instant resetsAt() {
    return resetsAt;
  }
}
