package dev.guardrails.errors.spi;

import dev.guardrails.errors.alerts.Alert;

/**
 * Where alerts go: a log, a webhook, a pager, a list in a test.
 *
 * <p>{@link #send(Alert)} is called on the thread that raised the alert, so it must not block: wrap
 * a sink that does I/O in {@link dev.guardrails.errors.alerts.AsyncAlertSink}. A sink that throws
 * is reported by the pipeline and never breaks the caller. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface AlertSink {

  /**
   * Delivers an alert, or hands it to a queue that will.
   *
   * @param alert the alert
   */
  void send(Alert alert);

  /** {@return a short name for this sink in logs and statistics; the class name by default} */
  default String name() {
    return getClass().getSimpleName();
  }
}
