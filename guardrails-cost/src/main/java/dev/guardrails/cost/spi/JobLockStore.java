package dev.guardrails.cost.spi;

import java.time.Duration;
import java.util.Optional;

/**
 * Where job leases live: in memory for one instance, or in a database shared by every instance.
 *
 * <p>Contract: at most one unexpired lease per job at any time; acquiring succeeds only when there
 * is none (never held, released, or expired); each new lease's fencing token is greater than every
 * earlier one of the job. Implementations must be thread-safe.
 */
public interface JobLockStore {

  /**
   * Takes the job's lease if nobody holds it.
   *
   * @param jobName the job
   * @param holder who asks
   * @param leaseTime how long the lease holds unless renewed or released
   * @return the lease, or empty if another holder has an unexpired one
   * @throws IllegalStateException if the store cannot be reached
   */
  Optional<JobLease> tryAcquire(String jobName, String holder, Duration leaseTime);

  /**
   * Extends a lease that is still held.
   *
   * @param lease the lease
   * @param leaseTime the new lease time from now
   * @return the extended lease, or empty if it expired or was taken over
   * @throws IllegalStateException if the store cannot be reached
   */
  Optional<JobLease> renew(JobLease lease, Duration leaseTime);

  /**
   * Ends a lease early so the next run can start.
   *
   * @param lease the lease
   * @return true if it was still held and is now released
   * @throws IllegalStateException if the store cannot be reached
   */
  boolean release(JobLease lease);
}
