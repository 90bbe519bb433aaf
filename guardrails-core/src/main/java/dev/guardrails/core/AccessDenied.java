package dev.guardrails.core;

/**
 * Thrown when an authenticated actor lacks the permission for an action.
 *
 * <p>Code {@code "access_denied"}, status 403. The public message is generic; which permission was
 * missing and why goes to {@link #details()}. Where the caller must not learn that a resource
 * exists at all, throw {@link NotFound} instead. No stack trace is filled in.
 *
 * <p>Immutable and thread-safe.
 */
public final class AccessDenied extends GuardrailException {

  /** The public message of every {@code AccessDenied}. */
  public static final String PUBLIC_MESSAGE = "You do not have permission to perform this action.";

  /** The permission that was required. */
  private final String permission;

  /**
   * Creates the exception.
   *
   * @param permission the permission that was required, e.g. {@code "invoice.approve"}
   * @param reason why it was refused, for logs only, e.g. "actor u-1 lacks role approver"
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if an argument is blank
   */
  public AccessDenied(String permission, String reason) {
    super(
        "access_denied",
        403,
        PUBLIC_MESSAGE,
        "permission '"
            + Text.escape(Text.requireNonBlank(permission, "permission"))
            + "' denied: "
            + Text.requireNonBlank(reason, "reason"),
        null,
        false);
    this.permission = permission;
  }

  /** {@return the permission that was required} */
  public String permission() {
    return permission;
  }
}
