package dev.guardrails.core;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One invalid field of an input: where ({@code path}), what is wrong ({@code problem}) and, unless
 * the field is sensitive, the value that was rejected.
 *
 * <p>Every component is made safe for logs and messages when the record is created: control
 * characters are escaped, the path and the problem are cut to {@value #MAX_TEXT} characters and the
 * rejected value to {@value #MAX_VALUE} characters, with an ellipsis when cut. A path may come from
 * a client (an unknown JSON property), so it is cleaned rather than refused.
 *
 * <p>Immutable and thread-safe.
 *
 * @param path where the field is, e.g. {@code "amount"} or {@code "items[2].sku"}
 * @param problem what is wrong, phrased for the end user, e.g. {@code "must be positive"}
 * @param rejectedValue the rejected value as text, or empty for a sensitive field
 */
public record FieldError(String path, String problem, Optional<String> rejectedValue) {

  /** The longest path or problem kept, before the ellipsis. */
  public static final int MAX_TEXT = 128;

  /** The longest rejected value kept, before the ellipsis. */
  public static final int MAX_VALUE = 64;

  /**
   * Creates a field error, cleaning every component.
   *
   * @param path where the field is, e.g. {@code "amount"} or {@code "items[2].sku"}
   * @param problem what is wrong, phrased for the end user, e.g. {@code "must be positive"}
   * @param rejectedValue the rejected value as text, or empty for a sensitive field
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if the path or the problem is blank
   */
  public FieldError {
    path = Text.truncate(Text.escape(Text.requireNonBlank(path, "path")), MAX_TEXT);
    problem = Text.truncate(Text.escape(Text.requireNonBlank(problem, "problem")), MAX_TEXT);
    rejectedValue =
        Objects.requireNonNull(rejectedValue, "rejectedValue")
            .map(value -> Text.truncate(Text.escape(value), MAX_VALUE));
  }

  /**
   * Returns a field error that keeps the rejected value as text ({@code "null"} for null).
   *
   * @param path where the field is
   * @param problem what is wrong, phrased for the end user
   * @param rejectedValue the rejected value; its {@code toString()} is escaped and cut
   * @return the field error
   * @throws NullPointerException if the path or the problem is null
   * @throws IllegalArgumentException if the path or the problem is blank
   */
  public static FieldError of(String path, String problem, @Nullable Object rejectedValue) {
    return new FieldError(path, problem, Optional.of(String.valueOf(rejectedValue)));
  }

  /**
   * Returns a field error that keeps no value: for passwords, tokens, card numbers and any other
   * field whose value must not reach a log.
   *
   * @param path where the field is
   * @param problem what is wrong, phrased for the end user
   * @return the field error
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if an argument is blank
   */
  public static FieldError withoutValue(String path, String problem) {
    return new FieldError(path, problem, Optional.empty());
  }

  /** {@return {@code path: problem}, without the rejected value} */
  String summary() {
    return path + ": " + problem;
  }
}
