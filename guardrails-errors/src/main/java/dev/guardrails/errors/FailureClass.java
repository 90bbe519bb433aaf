package dev.guardrails.errors;

/**
 * What kind of failure an exception is, which decides the log level and whether it alerts.
 *
 * <p>Immutable and thread-safe.
 */
public enum FailureClass {
  /** The caller sent something wrong or may not do it (4xx): logged at INFO, no alert. */
  CLIENT_ERROR,
  /** The request conflicts with the current state (409): logged at INFO, no alert. */
  CONFLICT,
  /** A dependency or resource is unavailable for now; a retry may succeed: WARN, alerts. */
  UNAVAILABLE,
  /** A defect in our code or an unexpected state: logged at ERROR, alerts. */
  BUG
}
