package dev.guardrails.errors.scan;

import java.util.Objects;

/**
 * One catch block that swallows its exception.
 *
 * <p>Immutable and thread-safe.
 *
 * @param file the source file, as given to the scanner
 * @param line the 1-based line of the {@code catch} keyword
 * @param kind how the exception is swallowed
 * @param snippet the catch clause's first line, trimmed
 */
public record Finding(String file, int line, Kind kind, String snippet) {

  /** How a catch block swallows its exception. */
  public enum Kind {
    /** The block is empty or holds only comments. */
    EMPTY_CATCH,
    /** The block only logs at debug or trace level, which production does not show. */
    LOGGED_AT_DEBUG_ONLY,
    /** The block only prints the stack trace to a console nobody reads. */
    PRINTED_ONLY,
    /** The block returns a success value ({@code true}, {@code null}, an empty result, OK). */
    RETURNS_SUCCESS,
    /** The block only continues or breaks a loop. */
    IGNORED,
    /**
     * The block is marked as a deliberate swallow but the marker gives no reason, so a reader
     * cannot tell a decision from a silenced warning.
     */
    ALLOWED_WITHOUT_REASON
  }

  /**
   * Creates a finding.
   *
   * @throws NullPointerException if a component is null
   */
  public Finding {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(snippet, "snippet");
  }

  /** {@return {@code file:line kind: snippet}} */
  @Override
  public String toString() {
    return file + ":" + line + " " + kind + ": " + snippet;
  }
}
