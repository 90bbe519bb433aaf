package dev.guardrails.cost.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A lease on a scheduled job: while it holds, no other run of the job starts.
 *
 * <p>The fencing token grows with every lease of the job. A job hands it to the writes it protects
 * (e.g. {@code UPDATE ... WHERE fencing_token < ?}), so that a holder that stalled past its lease
 * cannot overwrite the work of the next one.
 *
 * @param jobName the job
 * @param holder who holds the lease, e.g. an instance id
 * @param fencingToken greater than every earlier token of this job
 * @param expiresAt when the lease ends unless renewed (by the store's time)
 */
public record JobLease(String jobName, String holder, long fencingToken, Instant expiresAt) {

  /**
   * Validates the lease.
   *
   * @throws NullPointerException if a reference is null
   */
  public JobLease {
    Objects.requireNonNull(jobName, "jobName");
    Objects.requireNonNull(holder, "holder");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }
}
