package dev.guardrails.errors;

import java.util.Objects;

/**
 * A failure the {@link ErrorBoundary} has handled: logged once, alerted if its class alerts, and
 * turned into a problem.
 *
 * <p>Immutable and thread-safe (as far as the cause is).
 *
 * @param problem what the end user sees
 * @param failureClass what kind of failure it was
 * @param cause the exception, for code that must inspect it; it has been logged already
 * @param alerted whether the boundary raised an alert for it
 */
public record Failure(
    Problem problem, FailureClass failureClass, Throwable cause, boolean alerted) {

  /**
   * Creates a failure.
   *
   * @throws NullPointerException if a component is null
   */
  public Failure {
    Objects.requireNonNull(problem, "problem");
    Objects.requireNonNull(failureClass, "failureClass");
    Objects.requireNonNull(cause, "cause");
  }

  /** {@return the incident id the user can quote} */
  public String incidentId() {
    return Objects.requireNonNull(problem.incidentId(), "a handled failure has an incident id");
  }
}
