package dev.guardrails.errors.jobs;

/**
 * A handle to a job under a {@link JobSupervisor}.
 *
 * <p>Thread-safe.
 */
public interface SupervisedJob {

  /** {@return the job's name} */
  String name();

  /** {@return a snapshot of the job} */
  JobStatus status();

  /** Stops the job: no new run starts; a running run finishes. The name can be scheduled again. */
  void cancel();
}
