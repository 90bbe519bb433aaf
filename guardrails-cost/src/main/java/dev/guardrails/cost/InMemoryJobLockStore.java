package dev.guardrails.cost;

import dev.guardrails.cost.spi.JobLease;
import dev.guardrails.cost.spi.JobLockStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link JobLockStore} in this JVM's memory, for an application with one instance; time from an
 * injected clock. Use {@link PostgresJobLockStore} when several instances run the same schedule.
 *
 * <p>Thread-safe (one lock; job locks are taken rarely).
 */
public final class InMemoryJobLockStore implements JobLockStore {

  private final Clock clock;
  private final Map<String, JobLease> leases = new HashMap<>();
  private final Map<String, Long> tokens = new HashMap<>();

  private InMemoryJobLockStore(Clock clock) {
    this.clock = clock;
  }

  /**
   * Creates a store.
   *
   * @param clock decides when leases expire
   * @return the store
   * @throws NullPointerException if the clock is null
   */
  public static InMemoryJobLockStore create(Clock clock) {
    return new InMemoryJobLockStore(Objects.requireNonNull(clock, "clock"));
  }

  @Override
  public synchronized Optional<JobLease> tryAcquire(
      String jobName, String holder, Duration leaseTime) {
    Objects.requireNonNull(jobName, "jobName");
    Objects.requireNonNull(holder, "holder");
    JobLockStores.requirePositive(leaseTime);
    Instant now = clock.instant();
    JobLease current = leases.get(jobName);
    if (current != null && current.expiresAt().isAfter(now)) {
      return Optional.empty();
    }
    long token = tokens.merge(jobName, 1L, Long::sum);
    JobLease lease = new JobLease(jobName, holder, token, now.plus(leaseTime));
    leases.put(jobName, lease);
    return Optional.of(lease);
  }

  @Override
  public synchronized Optional<JobLease> renew(JobLease lease, Duration leaseTime) {
    Objects.requireNonNull(lease, "lease");
    JobLockStores.requirePositive(leaseTime);
    Instant now = clock.instant();
    JobLease current = leases.get(lease.jobName());
    if (current == null
        || current.fencingToken() != lease.fencingToken()
        || !current.expiresAt().isAfter(now)) {
      return Optional.empty();
    }
    JobLease renewed =
        new JobLease(lease.jobName(), lease.holder(), lease.fencingToken(), now.plus(leaseTime));
    leases.put(lease.jobName(), renewed);
    return Optional.of(renewed);
  }

  @Override
  public synchronized boolean release(JobLease lease) {
    Objects.requireNonNull(lease, "lease");
    JobLease current = leases.get(lease.jobName());
    if (current == null
        || current.fencingToken() != lease.fencingToken()
        || !current.expiresAt().isAfter(clock.instant())) {
      return false;
    }
    leases.remove(lease.jobName());
    return true;
  }

  @Override
  public String toString() {
    return "InMemoryJobLockStore";
  }
}
