package dev.guardrails.errors.jobs;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a supervised job, for health checks and dashboards.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the job's name
 * @param state where the job is
 * @param runs how many runs have started
 * @param consecutiveFailures failed runs since the last success
 * @param lastSuccess when the last successful run ended, or null
 * @param lastFailure when the last failed run ended, or null
 * @param lastHeartbeat when the job last showed life (a run's start or a heartbeat), or null
 * @param lastIncidentId the incident id of the last failure, or null
 * @param nextRunAt when the next run is due, or null when stopped or running
 * @param stale whether the job has not succeeded within its expected interval
 */
public record JobStatus(
    String name,
    JobState state,
    long runs,
    int consecutiveFailures,
    @Nullable Instant lastSuccess,
    @Nullable Instant lastFailure,
    @Nullable Instant lastHeartbeat,
    @Nullable String lastIncidentId,
    @Nullable Instant nextRunAt,
    boolean stale) {}
