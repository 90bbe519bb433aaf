package dev.guardrails.errors.alerts;

/**
 * A snapshot of a queued sink's counters, cumulative since it was built.
 *
 * <p>Immutable and thread-safe.
 *
 * @param delivered alerts the delegate accepted
 * @param failed alerts the delegate failed to deliver, after any retries
 * @param dropped alerts dropped because the queue was full or the sink was closed
 * @param queued alerts waiting in the queue now
 */
public record SinkStats(long delivered, long failed, long dropped, int queued) {}
