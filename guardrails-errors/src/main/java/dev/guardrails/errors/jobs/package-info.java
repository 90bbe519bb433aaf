/**
 * Supervised background and scheduled jobs: every run inside the error boundary, failures alerted,
 * restarts with backoff, heartbeats, staleness alerts and a bounded shutdown.
 *
 * <p>All types are non-null by default; {@code @Nullable} marks the exceptions.
 */
@NullMarked
package dev.guardrails.errors.jobs;

import org.jspecify.annotations.NullMarked;
