package dev.guardrails.errors.jobs;

/**
 * Where a supervised job is in its life.
 *
 * <p>Immutable and thread-safe.
 */
public enum JobState {
  /** Waiting for its next run after a success (or its first run). */
  SCHEDULED,
  /** A run is in progress. */
  RUNNING,
  /** Waiting to retry after a failed run. */
  BACKING_OFF,
  /** Cancelled or shut down; it will not run again. */
  STOPPED
}
