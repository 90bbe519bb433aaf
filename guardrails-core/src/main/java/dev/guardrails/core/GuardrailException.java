package dev.guardrails.core;

import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The root of every exception a guardrail throws when it refuses or cannot complete an action.
 *
 * <p>Each exception carries a stable machine-readable {@link #code()}, an HTTP-like {@link
 * #status()}, a {@link #publicMessage()} that is safe to show an end user, and {@link #details()}
 * that are for logs only. {@link #getMessage()} returns the public message alone, so a framework
 * that echoes exception messages to the client leaks nothing; log {@link #logMessage()} instead.
 *
 * <p>Rejections thrown on hot paths ({@link Unauthenticated}, {@link AccessDenied}, {@link
 * NotFound}, {@link RateLimited}, {@link BudgetExceeded}) skip filling in their stack trace.
 *
 * <p>Immutable apart from the suppressed exceptions that {@link Throwable} lets callers add; safe
 * to share between threads.
 */
public abstract class GuardrailException extends RuntimeException {

  private static final Pattern CODE = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");

  /** The stable machine-readable code. */
  private final String code;

  /** The HTTP-like status. */
  private final int status;

  /** The message safe to show an end user. */
  private final String publicMessage;

  /** What happened, for logs only. */
  private final String details;

  /**
   * Creates an exception.
   *
   * @param code the stable machine-readable code, lower snake case, dot-separated segments allowed
   *     (e.g. {@code "access_denied"}, {@code "conflict.stale_version"})
   * @param status the HTTP-like status, 400 to 599
   * @param publicMessage the message safe to show an end user; must not be blank
   * @param details what happened, for logs only; may be empty
   * @param cause the cause, or null
   * @param writableStackTrace whether to fill in the stack trace; false for hot-path rejections
   * @throws NullPointerException if {@code code}, {@code publicMessage} or {@code details} is null
   * @throws IllegalArgumentException if the code is not lower snake case, the status is outside 400
   *     to 599 or the public message is blank
   */
  protected GuardrailException(
      String code,
      int status,
      String publicMessage,
      String details,
      @Nullable Throwable cause,
      boolean writableStackTrace) {
    super(Objects.requireNonNull(publicMessage, "publicMessage"), cause, true, writableStackTrace);
    Objects.requireNonNull(code, "code");
    if (!CODE.matcher(code).matches()) {
      throw new IllegalArgumentException(
          "code must be lower snake case with optional dots, but was " + Text.quote(code));
    }
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status must be between 400 and 599, but was " + status);
    }
    this.code = code;
    this.status = status;
    this.publicMessage = Text.requireNonBlank(publicMessage, "public message");
    this.details = Objects.requireNonNull(details, "details");
  }

  /** {@return the stable machine-readable code, e.g. {@code "access_denied"}} */
  public final String code() {
    return code;
  }

  /** {@return the HTTP-like status, e.g. 403} */
  public final int status() {
    return status;
  }

  /** {@return the message safe to show an end user: it names no internal id, query or secret} */
  public final String publicMessage() {
    return publicMessage;
  }

  /** {@return what happened, for logs only: never show it to an end user} */
  public final String details() {
    return details;
  }

  /** {@return the public message only; never the details} */
  @Override
  public final String getMessage() {
    return publicMessage;
  }

  /**
   * Returns one log line: {@code code: publicMessage (details)}, or {@code code: publicMessage}
   * when the details are empty, with control characters escaped so that it stays on one line.
   *
   * @return the log line
   */
  public final String logMessage() {
    String line = code + ": " + publicMessage;
    if (!details.isEmpty()) {
      line += " (" + details + ")";
    }
    return Text.escape(line);
  }
}
