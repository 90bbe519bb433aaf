package dev.guardrails.core;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A scheduled or background job started, ended, was skipped, or has not succeeded for too long.
 *
 * <p>Type {@code "job."} followed by the outcome in lower case, e.g. {@code "job.failed"}. Severity
 * ERROR for {@link Outcome#FAILED} and {@link Outcome#STALE}, WARN for {@link
 * Outcome#SKIPPED_OVERLAP}, INFO otherwise. Immutable and thread-safe.
 *
 * @param context when the outcome was observed and for which run
 * @param jobName the job, e.g. {@code "nightly-invoices"}
 * @param outcome what happened
 * @param duration how long the run took; zero for a start or a skip, the time since the last
 *     success for a stale job
 */
public record JobRunEvent(EventContext context, String jobName, Outcome outcome, Duration duration)
    implements GuardrailEvent {

  /** What happened to a job run. */
  public enum Outcome {
    /** The run started. */
    STARTED,
    /** The run ended successfully. */
    SUCCEEDED,
    /** The run ended with a failure. */
    FAILED,
    /** The run was skipped because the previous run, here or on another instance, still runs. */
    SKIPPED_OVERLAP,
    /** The job has not succeeded within its expected interval. */
    STALE
  }

  /**
   * Creates the event.
   *
   * @param context when the outcome was observed and for which run
   * @param jobName the job, e.g. {@code "nightly-invoices"}
   * @param outcome what happened
   * @param duration how long the run took; zero for a start or a skip, the time since the last
   *     success for a stale job
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if the job name is blank or the duration is negative
   */
  public JobRunEvent {
    Objects.requireNonNull(context, "context");
    Text.requireNonBlank(jobName, "jobName");
    Objects.requireNonNull(outcome, "outcome");
    Text.requireNonNegative(duration, "duration");
  }

  @Override
  public String type() {
    return "job." + outcome.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public Severity severity() {
    return switch (outcome) {
      case FAILED, STALE -> Severity.ERROR;
      case SKIPPED_OVERLAP -> Severity.WARN;
      case STARTED, SUCCEEDED -> Severity.INFO;
    };
  }

  @Override
  public Map<String, String> attributes() {
    return new Attributes()
        .put("job", jobName)
        .put("outcome", outcome.name().toLowerCase(Locale.ROOT))
        .put("duration_ms", duration.toMillis())
        .build();
  }
}
