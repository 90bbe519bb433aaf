package dev.guardrails.cost.spi;

import dev.guardrails.core.RateLimited;
import dev.guardrails.core.UpstreamUnavailable;
import dev.guardrails.cost.UpstreamHttpException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Decides what a failed call means: retry it (perhaps after a {@code Retry-After}), count it as an
 * upstream failure without retrying, or treat it as the caller's own error.
 *
 * <p>Implementations must be thread-safe and must not throw.
 */
@FunctionalInterface
public interface FailureClassifier {

  /**
   * Classifies a failure of the upstream call.
   *
   * @param failure what the call threw (checked exceptions unwrapped)
   * @return the classification
   */
  Classification classify(Throwable failure);

  /**
   * Returns the default classification: I/O errors are retryable; core's {@link
   * UpstreamUnavailable} and {@link RateLimited} are retryable after their retry-after; a timeout
   * is an upstream failure that is not retried (the upstream may have done, and billed, the work);
   * anything else is the caller's error.
   *
   * @return the default classifier
   */
  static FailureClassifier defaults() {
    return failure -> {
      if (failure instanceof IOException || failure instanceof UncheckedIOException) {
        return Classification.retryable();
      }
      if (failure instanceof UpstreamHttpException http) {
        int status = http.status();
        if (status == 408
            || status == 429
            || status == 500
            || status == 502
            || status == 503
            || status == 504) {
          Optional<Duration> after = http.retryAfter();
          return after.isPresent()
              ? Classification.retryableAfter(after.get())
              : Classification.retryable();
        }
        return status >= 500 ? Classification.upstreamFailure() : Classification.callerError();
      }
      if (failure instanceof UpstreamUnavailable unavailable) {
        Optional<Duration> after = unavailable.retryAfter();
        return after.isPresent()
            ? Classification.retryableAfter(after.get())
            : Classification.retryable();
      }
      if (failure instanceof RateLimited limited) {
        return Classification.retryableAfter(limited.retryAfter());
      }
      if (failure instanceof TimeoutException) {
        return Classification.upstreamFailure();
      }
      return Classification.callerError();
    };
  }

  /** What a failure means; immutable and thread-safe. */
  final class Classification {
    private static final Classification RETRYABLE = new Classification(true, true, null);
    private static final Classification UPSTREAM = new Classification(false, true, null);
    private static final Classification CALLER = new Classification(false, false, null);

    private final boolean retryable;
    private final boolean upstreamFailure;
    private final @Nullable Duration retryAfter;

    private Classification(
        boolean retryable, boolean upstreamFailure, @Nullable Duration retryAfter) {
      this.retryable = retryable;
      this.upstreamFailure = upstreamFailure;
      this.retryAfter = retryAfter;
    }

    /** {@return a transient upstream failure: retried with backoff, counted by the breaker} */
    public static Classification retryable() {
      return RETRYABLE;
    }

    /**
     * Returns a transient upstream failure that asked to be retried no sooner than {@code after}
     * (HTTP {@code Retry-After}).
     *
     * @param after the wait the upstream asked for, not negative
     * @return the classification
     * @throws NullPointerException if {@code after} is null
     * @throws IllegalArgumentException if {@code after} is negative
     */
    public static Classification retryableAfter(Duration after) {
      Objects.requireNonNull(after, "after");
      if (after.isNegative()) {
        throw new IllegalArgumentException("retry-after must not be negative, but was " + after);
      }
      return new Classification(true, true, after);
    }

    /** {@return an upstream failure that is not retried but is counted by the breaker} */
    public static Classification upstreamFailure() {
      return UPSTREAM;
    }

    /** {@return the caller's own error: neither retried nor counted by the breaker} */
    public static Classification callerError() {
      return CALLER;
    }

    /** {@return whether the call may be retried} */
    public boolean isRetryable() {
      return retryable;
    }

    /** {@return whether the failure counts against the upstream in the circuit breaker} */
    public boolean isUpstreamFailure() {
      return upstreamFailure;
    }

    /** {@return the wait the upstream asked for, if any} */
    public Optional<Duration> retryAfter() {
      return Optional.ofNullable(retryAfter);
    }

    @Override
    public String toString() {
      return retryable
          ? "retryable" + (retryAfter == null ? "" : " after " + retryAfter)
          : upstreamFailure ? "upstream failure" : "caller error";
    }
  }
}
