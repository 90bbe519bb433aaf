package dev.guardrails.cost;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP error answer of a paid upstream, with its {@code Retry-After}: throw it from a {@link
 * PaidCall} and {@link dev.guardrails.cost.spi.FailureClassifier#defaults()} classifies it — 408,
 * 429, 500, 502, 503 and 504 are retryable (after the upstream's {@code Retry-After}, if any),
 * other 5xx are upstream failures that are not retried, 4xx are the caller's errors.
 *
 * <p>The message names the status only; response bodies are not kept (they may echo the request).
 */
public final class UpstreamHttpException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final @Nullable Duration retryAfter;

  /**
   * Creates the exception.
   *
   * @param status the HTTP status, 400 to 599
   * @param retryAfter the parsed {@code Retry-After}, or null
   * @throws IllegalArgumentException if the status is not an error status or the wait is negative
   */
  public UpstreamHttpException(int status, @Nullable Duration retryAfter) {
    super(
        "upstream answered HTTP "
            + status
            + (retryAfter == null ? "" : ", retry after " + retryAfter));
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status must be between 400 and 599, but was " + status);
    }
    if (retryAfter != null && retryAfter.isNegative()) {
      throw new IllegalArgumentException("retry-after must not be negative, but was " + retryAfter);
    }
    this.status = status;
    this.retryAfter = retryAfter;
  }

  /**
   * Creates the exception from a status and the raw {@code Retry-After} header.
   *
   * @param status the HTTP status, 400 to 599
   * @param retryAfterHeader the header's value, or null when absent
   * @param clock the clock an HTTP-date is measured from
   * @return the exception
   * @throws NullPointerException if the clock is null
   * @throws IllegalArgumentException if the status is not an error status
   */
  public static UpstreamHttpException of(
      int status, @Nullable String retryAfterHeader, Clock clock) {
    Objects.requireNonNull(clock, "clock");
    return new UpstreamHttpException(status, parseRetryAfter(retryAfterHeader, clock).orElse(null));
  }

  /**
   * Parses a {@code Retry-After} header: delta-seconds ({@code "120"}) or an HTTP-date ({@code
   * "Wed, 21 Oct 2015 07:28:00 GMT"}); a date in the past means zero.
   *
   * @param header the header's value, or null
   * @param clock the clock an HTTP-date is measured from
   * @return the wait, or empty if the header is absent or malformed
   * @throws NullPointerException if the clock is null
   */
  public static Optional<Duration> parseRetryAfter(@Nullable String header, Clock clock) {
    Objects.requireNonNull(clock, "clock");
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    String value = header.strip();
    if (value.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
      if (value.length() > 9) {
        return Optional.of(Duration.ofSeconds(999_999_999L));
      }
      return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
    }
    try {
      Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration wait = Duration.between(clock.instant(), at);
      return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
    } catch (DateTimeParseException e) {
      // guardrails:allow-swallow: a malformed Retry-After is ignored as documented; the retry
      // policy's own backoff applies instead
      return Optional.empty();
    }
  }

  /** {@return the HTTP status} */
  public int status() {
    return status;
  }

  /** {@return the wait the upstream asked for, if any} */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
