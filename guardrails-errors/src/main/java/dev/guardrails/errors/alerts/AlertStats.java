package dev.guardrails.errors.alerts;

/**
 * A snapshot of an {@link AlertPipeline}'s counters, all cumulative since it was built.
 *
 * <p>Immutable and thread-safe.
 *
 * @param received occurrences raised into the pipeline
 * @param sent alerts handed to the sinks
 * @param deduplicated occurrences folded into an alert of the same fingerprint within its window
 * @param rateLimited occurrences held back by a rate limit; they are reported, with their count, by
 *     a later alert of the same fingerprint
 * @param overflowed occurrences whose fingerprint could not be tracked because too many were; they
 *     are reported under one overflow fingerprint
 * @param sinkFailures times a sink threw while accepting an alert
 */
public record AlertStats(
    long received,
    long sent,
    long deduplicated,
    long rateLimited,
    long overflowed,
    long sinkFailures) {}
