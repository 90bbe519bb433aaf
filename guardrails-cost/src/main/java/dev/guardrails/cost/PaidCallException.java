package dev.guardrails.cost;

import java.util.Objects;

/**
 * Wraps, once, a checked exception that the caller's {@link PaidCall} threw and that was not an
 * upstream failure (see {@link dev.guardrails.cost.spi.FailureClassifier}). Runtime exceptions of
 * the call pass through unwrapped; upstream failures become core's {@code UpstreamUnavailable}.
 *
 * <p>The cause is the original exception. Not thread-safe in the sense of any exception.
 */
public final class PaidCallException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Wraps a checked exception.
   *
   * @param operation the guarded operation
   * @param cause the checked exception
   * @throws NullPointerException if an argument is null
   */
  public PaidCallException(String operation, Exception cause) {
    super(
        "paid call '" + Objects.requireNonNull(operation, "operation") + "' failed: " + cause,
        Objects.requireNonNull(cause, "cause"));
  }
}
