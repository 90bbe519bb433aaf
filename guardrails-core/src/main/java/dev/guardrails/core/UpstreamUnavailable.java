package dev.guardrails.core;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when a service the request depends on cannot be reached or keeps failing (timeouts, an
 * open circuit breaker, retries exhausted).
 *
 * <p>Code {@code "upstream_unavailable"}, status 503. The public message names no upstream and says
 * when to retry if that is known; the upstream's name, what happened and the cause go to logs. The
 * stack trace is filled in.
 *
 * <p>Immutable and thread-safe.
 */
public final class UpstreamUnavailable extends GuardrailException {

  /** The upstream's name, for logs only. */
  private final String upstream;

  /** How long to wait before a retry, or null when unknown. */
  private final @Nullable Duration retryAfter;

  /**
   * Creates the exception when it is not known when the upstream will be back.
   *
   * @param upstream the upstream's name, e.g. {@code "openai"}, for logs only
   * @param reason what happened, for logs only, e.g. "circuit breaker open"
   * @param cause the failure of the last attempt, or null
   * @throws NullPointerException if {@code upstream} or {@code reason} is null
   * @throws IllegalArgumentException if {@code upstream} or {@code reason} is blank
   */
  public UpstreamUnavailable(String upstream, String reason, @Nullable Throwable cause) {
    this(upstream, Optional.empty(), reason, cause);
  }

  /**
   * Creates the exception when the upstream (or the circuit breaker) says when to retry.
   *
   * @param upstream the upstream's name, e.g. {@code "openai"}, for logs only
   * @param retryAfter how long to wait before a retry may succeed
   * @param reason what happened, for logs only, e.g. "circuit breaker open"
   * @param cause the failure of the last attempt, or null
   * @throws NullPointerException if {@code upstream}, {@code retryAfter} or {@code reason} is null
   * @throws IllegalArgumentException if {@code upstream} or {@code reason} is blank, or {@code
   *     retryAfter} is negative
   */
  public UpstreamUnavailable(
      String upstream, Duration retryAfter, String reason, @Nullable Throwable cause) {
    this(upstream, Optional.of(Text.requireNonNegative(retryAfter, "retryAfter")), reason, cause);
  }

  private UpstreamUnavailable(
      String upstream, Optional<Duration> retryAfter, String reason, @Nullable Throwable cause) {
    super(
        "upstream_unavailable",
        503,
        "A service this request depends on is temporarily unavailable; try again "
            + retryAfter.map(wait -> "in " + Text.seconds(wait)).orElse("later")
            + ".",
        "upstream '"
            + Text.escape(Text.requireNonBlank(upstream, "upstream"))
            + "' is unavailable: "
            + Text.requireNonBlank(reason, "reason")
            + retryAfter.map(wait -> "; retry after " + wait).orElse(""),
        cause,
        true);
    this.upstream = upstream;
    this.retryAfter = retryAfter.orElse(null);
  }

  /** {@return the upstream's name; for logs only} */
  public String upstream() {
    return upstream;
  }

  /** {@return how long to wait before a retry may succeed, when the upstream said so} */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
