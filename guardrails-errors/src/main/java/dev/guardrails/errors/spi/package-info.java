/**
 * Extension points of guardrails-errors that users implement: {@link
 * dev.guardrails.errors.spi.ProblemMapper} (exception to problem), {@link
 * dev.guardrails.errors.spi.AlertSink} (where alerts go) and {@link
 * dev.guardrails.errors.spi.JobScheduler} (what runs supervised jobs).
 *
 * <p>All types are non-null by default; {@code @Nullable} marks the exceptions.
 */
@NullMarked
package dev.guardrails.errors.spi;

import org.jspecify.annotations.NullMarked;
