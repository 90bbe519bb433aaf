package dev.guardrails.errors.jobs;

import dev.guardrails.core.GuardContext;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a run of a supervised job knows about itself. A long run calls {@link #heartbeat()} to show
 * it is alive.
 *
 * <p>Thread-safe.
 */
public final class JobContext {

  private final String jobName;
  private final long runNumber;
  private final GuardContext guardContext;
  private final @Nullable Instant lastSuccess;
  private final Runnable heartbeat;

  JobContext(
      String jobName,
      long runNumber,
      GuardContext guardContext,
      @Nullable Instant lastSuccess,
      Runnable heartbeat) {
    this.jobName = jobName;
    this.runNumber = runNumber;
    this.guardContext = guardContext;
    this.lastSuccess = lastSuccess;
    this.heartbeat = heartbeat;
  }

  /** {@return the job's name} */
  public String jobName() {
    return jobName;
  }

  /** {@return the number of this run, from 1} */
  public long runNumber() {
    return runNumber;
  }

  /** {@return the run's request context: the job as actor and a fresh correlation id} */
  public GuardContext guardContext() {
    return guardContext;
  }

  /** {@return when the last successful run ended, if any} */
  public Optional<Instant> lastSuccess() {
    return Optional.ofNullable(lastSuccess);
  }

  /** Records that the run is alive now. */
  public void heartbeat() {
    heartbeat.run();
  }

  /** {@return the job name and run number} */
  @Override
  public String toString() {
    return "JobContext[" + jobName + " run " + runNumber + "]";
  }
}
