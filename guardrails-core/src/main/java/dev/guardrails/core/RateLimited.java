package dev.guardrails.core;

import java.time.Duration;

/**
 * Thrown when a rate limit refuses a call.
 *
 * <p>Code {@code "rate_limited"}, status 429. The public message says when to retry, in whole
 * seconds rounded up; the limit's name goes to {@link #details()}. No stack trace is filled in.
 *
 * <p>Immutable and thread-safe.
 */
public final class RateLimited extends GuardrailException {

  /** The rate limit that refused. */
  private final String limitName;

  /** How long to wait before a retry. */
  private final Duration retryAfter;

  /**
   * Creates the exception.
   *
   * @param limitName the rate limit that refused, e.g. {@code "login/ip"}, for logs only
   * @param retryAfter how long to wait before a retry may succeed
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the limit name is blank or {@code retryAfter} is negative
   */
  public RateLimited(String limitName, Duration retryAfter) {
    super(
        "rate_limited",
        429,
        "Too many requests; try again in "
            + Text.seconds(Text.requireNonNegative(retryAfter, "retryAfter"))
            + ".",
        "rate limit '"
            + Text.escape(Text.requireNonBlank(limitName, "limitName"))
            + "' exceeded; retry after "
            + retryAfter,
        null,
        false);
    this.limitName = limitName;
    this.retryAfter = retryAfter;
  }

  /** {@return the rate limit that refused} */
  public String limitName() {
    return limitName;
  }

  /** {@return how long to wait before a retry may succeed} */
  public Duration retryAfter() {
    return retryAfter;
  }
}
