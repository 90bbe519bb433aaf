package dev.guardrails.errors.jobs;

/**
 * The work of one run of a supervised job.
 *
 * <p>Implementations are called by one run at a time, never concurrently for the same job.
 */
@FunctionalInterface
public interface JobTask {

  /**
   * Does one run.
   *
   * @param context the run's context: its name, number, request context and heartbeat
   * @throws Exception on failure; the supervisor logs, alerts and retries with backoff
   */
  void run(JobContext context) throws Exception;
}
