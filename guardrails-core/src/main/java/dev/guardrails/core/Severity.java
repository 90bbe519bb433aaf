package dev.guardrails.core;

/**
 * How much attention a {@link GuardrailEvent} deserves; the logging sink maps it to a log level.
 *
 * <p>Immutable and thread-safe.
 */
public enum Severity {
  /** Routine: a decision or an outcome that needs no action. */
  INFO,
  /** Unusual: a refusal, a threshold crossed, a degraded component; worth a look. */
  WARN,
  /** A failure someone must act on. */
  ERROR
}
