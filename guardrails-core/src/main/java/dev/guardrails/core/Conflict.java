package dev.guardrails.core;

import java.util.Locale;
import java.util.Objects;

/**
 * Thrown when an action conflicts with the current state: a stale version, a duplicate, an
 * idempotency key in use, a state that forbids the action.
 *
 * <p>Status 409; the code is {@code "conflict."} followed by the {@link Reason}, e.g. {@code
 * "conflict.stale_version"}. The public message says what to do (reload, use a new key, retry
 * later). The stack trace is filled in: a conflict is rare enough to be worth locating.
 *
 * <p>Immutable and thread-safe.
 */
public final class Conflict extends GuardrailException {

  /** Why an action conflicts. */
  public enum Reason {
    /** The client sent a version of the resource older than the current one. */
    STALE_VERSION,
    /** A resource with the same unique key already exists. */
    DUPLICATE,
    /** A request with the same idempotency key is still being processed. */
    IDEMPOTENCY_IN_FLIGHT,
    /** The idempotency key was already used for a request with different content. */
    IDEMPOTENCY_MISMATCH,
    /** The resource's current state does not allow the action. */
    STATE;

    /** {@return the exception code for this reason, e.g. {@code "conflict.stale_version"}} */
    public String code() {
      return "conflict." + name().toLowerCase(Locale.ROOT);
    }
  }

  /** Why the action conflicts. */
  private final Reason reason;

  private Conflict(Reason reason, String publicMessage, String details) {
    super(reason.code(), 409, publicMessage, details, null, true);
    this.reason = reason;
  }

  /**
   * Returns the conflict of an update based on a stale version (optimistic locking).
   *
   * @param resourceType what was updated, e.g. {@code "invoice"}; shown to the user
   * @param id the resource's id, for logs only
   * @param expectedVersion the version the client sent
   * @param actualVersion the version currently stored
   * @return the exception, to throw
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the resource type is blank, longer than 256 characters or
   *     contains a control character
   */
  public static Conflict staleVersion(
      String resourceType, String id, long expectedVersion, long actualVersion) {
    String type = requireType(resourceType);
    return new Conflict(
        Reason.STALE_VERSION,
        "The "
            + type
            + " was changed by someone else: you sent version "
            + expectedVersion
            + ", the current version is "
            + actualVersion
            + "; reload and try again.",
        type
            + " "
            + quoteId(id, "id")
            + " has version "
            + actualVersion
            + ", but the update was based on version "
            + expectedVersion);
  }

  /**
   * Returns the conflict of creating a resource whose unique key is already taken.
   *
   * @param resourceType what was created, e.g. {@code "customer"}; shown to the user
   * @param key the unique key that is taken, e.g. "email=a@example.com", for logs only
   * @return the exception, to throw
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the resource type is blank, longer than 256 characters or
   *     contains a control character
   */
  public static Conflict duplicate(String resourceType, String key) {
    String type = requireType(resourceType);
    return new Conflict(
        Reason.DUPLICATE,
        "The " + type + " already exists.",
        type + " with key " + quoteId(key, "key") + " already exists");
  }

  /**
   * Returns the conflict of a request whose idempotency key belongs to a request still running.
   *
   * @param idempotencyKey the key, for logs only
   * @return the exception, to throw
   * @throws NullPointerException if {@code idempotencyKey} is null
   */
  public static Conflict idempotencyInFlight(String idempotencyKey) {
    return new Conflict(
        Reason.IDEMPOTENCY_IN_FLIGHT,
        "A request with the same idempotency key is still being processed; retry later.",
        "idempotency key "
            + quoteId(idempotencyKey, "idempotencyKey")
            + " belongs to a request still in flight");
  }

  /**
   * Returns the conflict of a request whose idempotency key was already used for a request with
   * different content.
   *
   * @param idempotencyKey the key, for logs only
   * @return the exception, to throw
   * @throws NullPointerException if {@code idempotencyKey} is null
   */
  public static Conflict idempotencyMismatch(String idempotencyKey) {
    return new Conflict(
        Reason.IDEMPOTENCY_MISMATCH,
        "The idempotency key was already used for a different request; send a new key with a new"
            + " request.",
        "idempotency key "
            + quoteId(idempotencyKey, "idempotencyKey")
            + " was already used for a different request");
  }

  /**
   * Returns the conflict of an action the resource's current state does not allow, e.g. approving a
   * paid invoice.
   *
   * @param resourceType the resource's type, e.g. {@code "invoice"}; shown to the user
   * @param id the resource's id, for logs only
   * @param state the resource's current state, e.g. {@code "paid"}; shown to the user
   * @param action the action refused, e.g. {@code "approve"}; shown to the user
   * @return the exception, to throw
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the resource type, the state or the action is blank, longer
   *     than 256 characters or contains a control character
   */
  public static Conflict state(String resourceType, String id, String state, String action) {
    String type = requireType(resourceType);
    Text.requireSafeId(state, "state", Actor.MAX_LENGTH);
    Text.requireSafeId(action, "action", Actor.MAX_LENGTH);
    return new Conflict(
        Reason.STATE,
        "The action '" + action + "' is not allowed while the " + type + " is '" + state + "'.",
        type
            + " "
            + quoteId(id, "id")
            + " is '"
            + state
            + "', which does not allow '"
            + action
            + "'");
  }

  /** {@return why the action conflicts} */
  public Reason reason() {
    return reason;
  }

  private static String requireType(String resourceType) {
    return Text.requireSafeId(resourceType, "resource type", Actor.MAX_LENGTH);
  }

  private static String quoteId(String value, String name) {
    return "'" + Text.escape(Objects.requireNonNull(value, name)) + "'";
  }
}
