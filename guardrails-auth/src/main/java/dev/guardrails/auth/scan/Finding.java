package dev.guardrails.auth.scan;

import java.util.Objects;

/**
 * A secret found by the {@link SecretScanner}: where it is, which rule found it and a masked
 * excerpt that never contains the secret itself.
 *
 * <p>Immutable and thread-safe.
 *
 * @param file the file, with {@code !/} separating a jar from an entry inside it, e.g. {@code
 *     app.jar!/static/main.js}
 * @param line the 1-based line of the match
 * @param column the 1-based column of the match within its line, counted in bytes (in a UTF-16 file
 *     with a byte-order mark, in characters)
 * @param offset the 0-based byte offset of the match within the file or entry (in a UTF-16 file
 *     with a byte-order mark, the character offset after the mark)
 * @param ruleId the id of the rule that matched, e.g. {@code stripe-secret-key}
 * @param maskedExcerpt the first few characters of the match followed by a mask and its length
 */
public record Finding(
    String file, long line, long column, long offset, String ruleId, String maskedExcerpt) {

  /**
   * Checks the fields.
   *
   * @throws NullPointerException if a text field is null
   * @throws IllegalArgumentException if line or column is below 1 or the offset negative
   */
  public Finding {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(ruleId, "ruleId");
    Objects.requireNonNull(maskedExcerpt, "maskedExcerpt");
    if (line < 1 || column < 1 || offset < 0) {
      throw new IllegalArgumentException(
          "line and column must be at least 1 and offset non-negative, but were "
              + line
              + ", "
              + column
              + ", "
              + offset);
    }
  }

  /** {@return one line for reports, e.g. {@code main.js:1:40213 stripe-secret-key sk_liv****}} */
  @Override
  public String toString() {
    return file + ":" + line + ":" + column + " " + ruleId + " " + maskedExcerpt;
  }

  /**
   * Masks a secret: its first few characters (at most 6, at most a quarter), a mask, its length.
   */
  static String mask(String secret) {
    int shown = Math.min(6, secret.length() / 4);
    return secret.substring(0, shown) + "****(" + secret.length() + " chars)";
  }
}
