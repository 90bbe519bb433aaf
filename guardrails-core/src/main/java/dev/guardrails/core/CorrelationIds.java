package dev.guardrails.core;

import java.util.HexFormat;
import java.util.Objects;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Creates and checks correlation ids: the id that ties together every log line, event and error of
 * one request or job run.
 *
 * <p>A valid id is 1 to {@value #MAX_LENGTH} characters of {@code [A-Za-z0-9._:-]}, so it is safe
 * in a header, a log line and an MDC value. An id taken from an incoming header is kept only when
 * it is valid; anything else is replaced, never echoed.
 *
 * <p>Stateless and thread-safe, provided the random generator given to it is.
 */
public final class CorrelationIds {

  /** The longest valid correlation id. */
  public static final int MAX_LENGTH = 128;

  private static final HexFormat HEX = HexFormat.of();

  private CorrelationIds() {}

  /**
   * Returns a new id of 128 random bits as 32 lower-case hexadecimal digits. The same seeded
   * generator gives the same ids.
   *
   * @param random the source of randomness, e.g. a {@link java.security.SecureRandom} in production
   *     or a seeded generator in tests
   * @return a new valid id
   * @throws NullPointerException if {@code random} is null
   */
  public static String newId(RandomGenerator random) {
    Objects.requireNonNull(random, "random");
    return HEX.toHexDigits(random.nextLong()) + HEX.toHexDigits(random.nextLong());
  }

  /**
   * Returns whether the text is a valid correlation id: 1 to {@value #MAX_LENGTH} characters of
   * {@code [A-Za-z0-9._:-]}.
   *
   * @param id the text to check; null is not valid
   * @return true if valid
   */
  public static boolean isValid(@Nullable String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      if (!isIdChar(id.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns the id from an incoming header when it is valid, and a new id otherwise (absent, blank,
   * too long or containing any other character). Surrounding whitespace is stripped first. A
   * malformed header is dropped whole, never cleaned up and kept, so a caller cannot inject text
   * into log lines through it.
   *
   * @param header the header value, or null when the request has none
   * @param random the source of randomness for a new id
   * @return a valid id
   * @throws NullPointerException if {@code random} is null
   */
  public static String fromHeaderOrNew(@Nullable String header, RandomGenerator random) {
    Objects.requireNonNull(random, "random");
    if (header != null) {
      String stripped = header.strip();
      if (isValid(stripped)) {
        return stripped;
      }
    }
    return newId(random);
  }

  private static boolean isIdChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '_'
        || c == ':'
        || c == '-';
  }
}
