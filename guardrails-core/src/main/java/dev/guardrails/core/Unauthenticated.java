package dev.guardrails.core;

/**
 * Thrown when a request carries no credentials or credentials that cannot be trusted (missing,
 * malformed, expired, badly signed, revoked).
 *
 * <p>Code {@code "unauthenticated"}, status 401. The public message is always {@value
 * #PUBLIC_MESSAGE}, whatever the reason, so a caller cannot probe why a token was refused; the
 * reason goes to {@link #details()} for logs. No stack trace is filled in.
 *
 * <p>Immutable and thread-safe.
 */
public final class Unauthenticated extends GuardrailException {

  /** The public message of every {@code Unauthenticated}. */
  public static final String PUBLIC_MESSAGE = "Authentication is required.";

  /**
   * Creates the exception.
   *
   * @param reason why the credentials were refused, for logs only, e.g. "token expired at
   *     2026-11-22T10:00:00Z"
   * @throws NullPointerException if {@code reason} is null
   * @throws IllegalArgumentException if {@code reason} is blank
   */
  public Unauthenticated(String reason) {
    super(
        "unauthenticated",
        401,
        PUBLIC_MESSAGE,
        Text.requireNonBlank(reason, "reason"),
        null,
        false);
  }
}
