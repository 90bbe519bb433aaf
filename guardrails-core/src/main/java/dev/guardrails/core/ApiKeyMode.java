package dev.guardrails.core;

/**
 * Whether an API key works against a provider's test mode or its live (billed, real-data) mode.
 *
 * <p>Immutable and thread-safe.
 */
public enum ApiKeyMode {
  /** A test-mode key: no real money moves, no real data is touched. */
  TEST,
  /** A live key: calls are billed or act on real data. */
  LIVE,
  /** A key whose provider or mode is not recognized. */
  UNKNOWN
}
