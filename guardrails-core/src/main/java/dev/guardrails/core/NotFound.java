package dev.guardrails.core;

import java.util.Objects;

/**
 * Thrown when a resource does not exist or must not be revealed to the actor (another owner's or
 * another tenant's record): both cases look the same from outside.
 *
 * <p>Code {@code "not_found"}, status 404. The public message names the resource type only, never
 * the id; the id and the reason go to {@link #details()}. No stack trace is filled in.
 *
 * <p>Immutable and thread-safe.
 */
public final class NotFound extends GuardrailException {

  /** What was looked up. */
  private final String resourceType;

  /** The id that was looked up, for logs only. */
  private final String resourceId;

  /**
   * Creates the exception for a resource that does not exist.
   *
   * @param resourceType what was looked up, e.g. {@code "invoice"}
   * @param resourceId the id that was looked up, for logs only
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the resource type is blank, longer than 256 characters or
   *     contains a control character
   */
  public NotFound(String resourceType, String resourceId) {
    this(resourceType, resourceId, "it does not exist");
  }

  /**
   * Creates the exception with the reason the resource is hidden, e.g. "owned by another tenant".
   *
   * @param resourceType what was looked up, e.g. {@code "invoice"}
   * @param resourceId the id that was looked up, for logs only
   * @param reason why it is reported as not found, for logs only
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the resource type is blank, longer than 256 characters or
   *     contains a control character, or the reason is blank
   */
  public NotFound(String resourceType, String resourceId, String reason) {
    super(
        "not_found",
        404,
        "The requested "
            + Text.requireSafeId(resourceType, "resource type", Actor.MAX_LENGTH)
            + " was not found.",
        resourceType
            + " '"
            + Text.escape(Objects.requireNonNull(resourceId, "resourceId"))
            + "' was not found: "
            + Text.requireNonBlank(reason, "reason"),
        null,
        false);
    this.resourceType = resourceType;
    this.resourceId = resourceId;
  }

  /** {@return what was looked up, e.g. {@code "invoice"}} */
  public String resourceType() {
    return resourceType;
  }

  /** {@return the id that was looked up; for logs only} */
  public String resourceId() {
    return resourceId;
  }
}
