package dev.guardrails.core;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Text helpers shared by this package: escaping for logs and messages, validation of identifiers.
 */
final class Text {

  /** The ellipsis appended to truncated text. */
  static final String ELLIPSIS = "\u2026";

  /** The longest bad value quoted in a misuse message, before escaping adds to it. */
  private static final int MAX_QUOTED = 100;

  private Text() {}

  /**
   * Whether a code point must not reach a log line or an MDC value as is: C0/C1 controls, line and
   * paragraph separators, format characters (bidirectional overrides, zero-width characters) and
   * unpaired surrogates.
   */
  static boolean isUnsafe(int codePoint) {
    return switch (Character.getType(codePoint)) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR,
          Character.SURROGATE ->
          true;
      default -> false;
    };
  }

  /** Whether the text contains a code point that {@link #isUnsafe(int)}. */
  static boolean containsUnsafe(String text) {
    return text.codePoints().anyMatch(Text::isUnsafe);
  }

  /**
   * Escapes a backslash as {@code \\}, tab, newline and carriage return as {@code \t}, {@code \n}
   * and {@code \r}, and every other unsafe code point as {@code \}{@code uXXXX}, so that the result
   * holds on one line and cannot forge another.
   */
  static String escape(String text) {
    StringBuilder out = null;
    int i = 0;
    while (i < text.length()) {
      int cp = text.codePointAt(i);
      int next = i + Character.charCount(cp);
      String replacement = replacement(cp);
      if (replacement != null) {
        if (out == null) {
          out = new StringBuilder(text.length() + 16).append(text, 0, i);
        }
        out.append(replacement);
      } else if (out != null) {
        out.append(text, i, next);
      }
      i = next;
    }
    return out == null ? text : out.toString();
  }

  private static @Nullable String replacement(int cp) {
    if (cp == '\\') {
      return "\\\\";
    }
    if (!isUnsafe(cp)) {
      return null;
    }
    return switch (cp) {
      case '\t' -> "\\t";
      case '\n' -> "\\n";
      case '\r' -> "\\r";
      default -> {
        StringBuilder escaped = new StringBuilder();
        for (char c : Character.toChars(cp)) {
          escaped.append(String.format("\\u%04x", (int) c));
        }
        yield escaped.toString();
      }
    };
  }

  /**
   * Cuts the text to at most {@code max} characters and appends an ellipsis when it was cut, never
   * splitting a surrogate pair.
   */
  static String truncate(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int end = max;
    if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end) + ELLIPSIS;
  }

  /** A bad value as shown in a misuse message: escaped, truncated and in single quotes. */
  static String quote(String value) {
    return "'" + truncate(escape(value), MAX_QUOTED) + "'";
  }

  /**
   * Checks an identifier that will reach MDC values and log lines: non-blank, at most {@code
   * maxLength} characters, no unsafe code point.
   *
   * @throws NullPointerException if the value is null
   * @throws IllegalArgumentException if the value breaks a rule; the message names {@code field}
   */
  static String requireSafeId(String value, String field, int maxLength) {
    Objects.requireNonNull(value, field);
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank, but was " + quote(value));
    }
    if (value.length() > maxLength) {
      throw new IllegalArgumentException(
          field
              + " must be at most "
              + maxLength
              + " characters, but was "
              + value.length()
              + " characters: "
              + quote(value));
    }
    if (containsUnsafe(value)) {
      throw new IllegalArgumentException(
          field + " must not contain control characters, but was " + quote(value));
    }
    return value;
  }

  /**
   * Describes a wait for an end user in whole seconds, rounded up, at least one: "1 second", "30
   * seconds". Exact for every duration, up to {@code "9223372036854775808 seconds"} for the
   * longest; never throws and never wraps.
   */
  static String seconds(Duration duration) {
    long seconds = duration.getSeconds();
    if (seconds < 0) {
      return "1 second";
    }
    // at most 2^63 once rounded up, which a long holds when read as unsigned
    long roundedUp = seconds + (duration.getNano() > 0 ? 1 : 0);
    return Long.compareUnsigned(roundedUp, 1) <= 0
        ? "1 second"
        : Long.toUnsignedString(roundedUp) + " seconds";
  }

  /**
   * Checks a duration to wait before retrying.
   *
   * @throws NullPointerException if the duration is null
   * @throws IllegalArgumentException if the duration is negative
   */
  static Duration requireNonNegative(Duration duration, String field) {
    Objects.requireNonNull(duration, field);
    if (duration.isNegative()) {
      throw new IllegalArgumentException(field + " must not be negative, but was " + duration);
    }
    return duration;
  }

  /**
   * Checks a name given by code (a permission, a table, a budget name): non-null and non-blank.
   *
   * @throws NullPointerException if the value is null
   * @throws IllegalArgumentException if the value is blank
   */
  static String requireNonBlank(String value, String field) {
    Objects.requireNonNull(value, field);
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank, but was " + quote(value));
    }
    return value;
  }
}
