/**
 * The alert pipeline: fingerprints failures, deduplicates them within a window, rate-limits them
 * per fingerprint and globally, and sends them to sinks (the log, a webhook, memory) without ever
 * blocking or breaking the caller.
 *
 * <p>All types are non-null by default; {@code @Nullable} marks the exceptions.
 */
@NullMarked
package dev.guardrails.errors.alerts;

import org.jspecify.annotations.NullMarked;
