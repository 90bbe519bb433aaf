package dev.guardrails.errors;

import java.util.Objects;

/**
 * Thrown by {@link ErrorBoundary#call(ErrorBoundary.Work)} when the work failed: the failure has
 * been logged (once) and alerted, and {@link #problem()} is what to show the end user. An outer
 * boundary passes it through without logging it again; a framework adapter renders the problem.
 *
 * <p>The message names only the status and the incident id; the original exception is the cause. It
 * has no stack trace of its own. Immutable and thread-safe.
 */
public final class ProblemException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  @SuppressWarnings("serial") // a failure is not meant to be serialised
  private final Failure failure;

  /**
   * Creates the exception for a handled failure.
   *
   * @param failure the handled failure
   * @throws NullPointerException if the failure is null
   */
  public ProblemException(Failure failure) {
    super(message(failure), failure.cause(), false, false);
    this.failure = failure;
  }

  private static String message(Failure failure) {
    Objects.requireNonNull(failure, "failure");
    return "failure handled by an error boundary: status "
        + failure.problem().status()
        + ", incident "
        + failure.problem().incidentId();
  }

  /** {@return the handled failure} */
  public Failure failure() {
    return failure;
  }

  /** {@return what to show the end user} */
  public Problem problem() {
    return failure.problem();
  }
}
