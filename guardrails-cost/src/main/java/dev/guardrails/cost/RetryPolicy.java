package dev.guardrails.cost;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link GuardedCall} retries failures classified as retryable: exponential backoff with
 * jitter, an upstream's {@code Retry-After} honoured up to a cap, at most {@link #maxAttempts()}
 * attempts per call, and a retry budget so that retries stay within a share of calls even when the
 * upstream is down.
 *
 * <p>The retry budget is a token bucket per guarded call: every call adds {@link
 * #retryBudgetPercent()} hundredths of a token, every retry takes one, and the bucket holds at most
 * {@link #retryBudgetBurst()} tokens (it starts full). Over any run of {@code n} calls there are at
 * most {@code n * percent / 100 + burst} retries.
 *
 * <p>Immutable and thread-safe.
 */
public final class RetryPolicy {

  private static final RetryPolicy NONE = builder().maxAttempts(1).build();

  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration maxRetryAfter;
  private final int retryBudgetPercent;
  private final int retryBudgetBurst;

  private RetryPolicy(Builder b) {
    this.maxAttempts = b.maxAttempts;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.maxRetryAfter = b.maxRetryAfter;
    this.retryBudgetPercent = b.retryBudgetPercent;
    this.retryBudgetBurst = b.retryBudgetBurst;
  }

  /**
   * Returns the defaults: 3 attempts, backoff from 200 ms doubling up to 10 s with jitter, {@code
   * Retry-After} honoured up to 30 s, retries at most 10% of calls plus a burst of 10.
   *
   * @return the default policy
   */
  public static RetryPolicy defaults() {
    return builder().build();
  }

  /** {@return a policy that never retries} */
  public static RetryPolicy none() {
    return NONE;
  }

  /** {@return a builder starting from the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the most attempts per call, the first included} */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** {@return the backoff before the first retry, before jitter} */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /** {@return the longest backoff} */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /** {@return the longest {@code Retry-After} honoured; a longer one ends the retries} */
  public Duration maxRetryAfter() {
    return maxRetryAfter;
  }

  /** {@return the share of calls, in percent, that may be retried over time} */
  public int retryBudgetPercent() {
    return retryBudgetPercent;
  }

  /** {@return the retries allowed in a burst beyond the share} */
  public int retryBudgetBurst() {
    return retryBudgetBurst;
  }

  /**
   * Returns the backoff before retry number {@code retry}: {@code initial * 2^(retry-1)} capped at
   * the maximum, then drawn uniformly from its upper half (equal jitter).
   *
   * @param retry 1 for the first retry
   * @param random a uniform draw in [0, 1)
   * @return the backoff in nanoseconds
   */
  long backoffNanos(int retry, double random) {
    long initial = initialBackoff.toNanos();
    long max = maxBackoff.toNanos();
    int shift = Math.min(retry - 1, 62);
    long base = initial > (max >> shift) ? max : Math.min(max, initial << shift);
    long half = base / 2;
    return half + (long) (random * (base - half));
  }

  @Override
  public String toString() {
    return "RetryPolicy{maxAttempts="
        + maxAttempts
        + ", backoff="
        + initialBackoff
        + ".."
        + maxBackoff
        + ", maxRetryAfter="
        + maxRetryAfter
        + ", budget="
        + retryBudgetPercent
        + "%+"
        + retryBudgetBurst
        + "}";
  }

  /** Builds a {@link RetryPolicy}; not thread-safe, {@link #build()} copies. */
  public static final class Builder {
    private int maxAttempts = 3;
    private Duration initialBackoff = Duration.ofMillis(200);
    private Duration maxBackoff = Duration.ofSeconds(10);
    private Duration maxRetryAfter = Duration.ofSeconds(30);
    private int retryBudgetPercent = 10;
    private int retryBudgetBurst = 10;

    private Builder() {}

    /**
     * Sets the most attempts per call, the first included.
     *
     * @param maxAttempts 1 (no retry) to 10
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1 || maxAttempts > 10) {
        throw new IllegalArgumentException(
            "max attempts must be between 1 and 10, but was " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * Sets the backoff range.
     *
     * @param initial before the first retry, positive
     * @param max the longest, at least {@code initial}
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code initial} is not positive or above {@code max}
     */
    public Builder backoff(Duration initial, Duration max) {
      Objects.requireNonNull(initial, "initial");
      Objects.requireNonNull(max, "max");
      if (initial.isNegative() || initial.isZero()) {
        throw new IllegalArgumentException("initial backoff must be positive, but was " + initial);
      }
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException(
            "max backoff must be at least the initial backoff " + initial + ", but was " + max);
      }
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /**
     * Sets the longest {@code Retry-After} that is honoured; an upstream asking for longer ends the
     * retries and its wait is passed on to the caller.
     *
     * @param max not negative
     * @return this builder
     * @throws NullPointerException if the duration is null
     * @throws IllegalArgumentException if it is negative
     */
    public Builder maxRetryAfter(Duration max) {
      Objects.requireNonNull(max, "max");
      if (max.isNegative()) {
        throw new IllegalArgumentException("max retry-after must not be negative, but was " + max);
      }
      this.maxRetryAfter = max;
      return this;
    }

    /**
     * Sets the retry budget.
     *
     * @param percent the share of calls that may be retried, 0 to 100
     * @param burst the retries allowed beyond the share, 0 to 1000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder retryBudget(int percent, int burst) {
      if (percent < 0 || percent > 100) {
        throw new IllegalArgumentException(
            "retry budget percent must be between 0 and 100, but was " + percent);
      }
      if (burst < 0 || burst > 1000) {
        throw new IllegalArgumentException(
            "retry budget burst must be between 0 and 1000, but was " + burst);
      }
      this.retryBudgetPercent = percent;
      this.retryBudgetBurst = burst;
      return this;
    }

    /** {@return the policy} */
    public RetryPolicy build() {
      return new RetryPolicy(this);
    }
  }
}
