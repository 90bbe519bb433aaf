package dev.guardrails.cost;

import dev.guardrails.core.EventContext;
import dev.guardrails.core.EventSink;
import dev.guardrails.core.FailureEvent;
import dev.guardrails.core.JobRunEvent;
import dev.guardrails.core.JobRunEvent.Outcome;
import dev.guardrails.cost.spi.JobLease;
import dev.guardrails.cost.spi.JobLockStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Runs scheduled jobs without overlap: a run takes the job's lease first; while another run (here
 * or on another instance) holds it, the run is skipped and reported with a {@link JobRunEvent} of
 * {@link Outcome#SKIPPED_OVERLAP}. A lease expires if its holder dies, so the next run can start.
 *
 * <pre>{@code
 * JobGuard jobs = JobGuard.builder(PostgresJobLockStore.create(dataSource)).events(sink).build();
 * scheduler.scheduleAtFixedRate(
 *     () -> jobs.run("nightly-report", Duration.ofMinutes(30), lease -> report(lease.fencingToken())),
 *     0, 1, TimeUnit.DAYS);
 * }</pre>
 *
 * <p>{@link #run} never throws for a failed run (that would cancel a {@code
 * ScheduledExecutorService} schedule): a body that throws, or a lock store that cannot be reached
 * (the run does not start: fail closed), returns {@link Outcome#FAILED} and publishes a {@link
 * FailureEvent}. A lease that ran out before the body finished is reported with a {@link
 * FailureEvent} too, as the next run may have overlapped.
 *
 * <p>Immutable and thread-safe.
 */
public final class JobGuard {

  private static final String COMPONENT = "guardrails-cost job lock";

  private final JobLockStore store;
  private final Clock clock;
  private final EventSink events;
  private final String holder;

  private JobGuard(Builder b) {
    this.store = b.store;
    this.clock = b.clock;
    this.events = b.events;
    this.holder = b.holder;
  }

  /**
   * Starts a job guard on a lock store.
   *
   * @param store where the leases live
   * @return a builder
   * @throws NullPointerException if the store is null
   */
  public static Builder builder(JobLockStore store) {
    return new Builder(store);
  }

  /** {@return the holder name this guard's leases carry} */
  public String holder() {
    return holder;
  }

  /**
   * Runs the job if no other run holds its lease.
   *
   * @param jobName the job's stable name
   * @param leaseTime how long the lease holds; longer than the job's longest run
   * @param body the job; receives the lease, whose fencing token it may hand to its writes
   * @return {@link Outcome#SUCCEEDED}, {@link Outcome#SKIPPED_OVERLAP} or {@link Outcome#FAILED}
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the job name is blank or the lease time is below one
   *     millisecond
   */
  public Outcome run(String jobName, Duration leaseTime, Consumer<JobLease> body) {
    Objects.requireNonNull(jobName, "jobName");
    Objects.requireNonNull(body, "body");
    JobLockStores.requirePositive(leaseTime);
    if (jobName.isBlank()) {
      throw new IllegalArgumentException("job name must not be blank");
    }
    Instant start = clock.instant();
    Optional<JobLease> lease;
    try {
      lease = store.tryAcquire(jobName, holder, leaseTime);
    } catch (RuntimeException e) {
      failure(
          "job_lock_unavailable", "the job lock store could not be reached; the run did not start");
      publish(jobName, Outcome.FAILED, start);
      return Outcome.FAILED;
    }
    if (lease.isEmpty()) {
      publish(jobName, Outcome.SKIPPED_OVERLAP, start);
      return Outcome.SKIPPED_OVERLAP;
    }
    publish(jobName, Outcome.STARTED, start);
    Outcome outcome = Outcome.SUCCEEDED;
    try {
      body.accept(lease.get());
    } catch (RuntimeException e) {
      outcome = Outcome.FAILED;
      failure("job_failed", "job " + jobName + " failed: " + e.getClass().getSimpleName());
    } finally {
      boolean released;
      try {
        released = store.release(lease.get());
      } catch (RuntimeException e) {
        released = false;
      }
      if (!released) {
        failure(
            "job_lease_lost",
            "job " + jobName + " finished after its lease ended; another run may have overlapped");
      }
    }
    publish(jobName, outcome, start);
    return outcome;
  }

  private void publish(String jobName, Outcome outcome, Instant start) {
    Duration took = Duration.between(start, clock.instant());
    events.publish(
        new JobRunEvent(
            EventContext.capture(clock),
            jobName,
            outcome,
            took.isNegative() ? Duration.ZERO : took));
  }

  private void failure(String code, String message) {
    events.publish(
        new FailureEvent(EventContext.capture(clock), COMPONENT, code, message, Optional.empty()));
  }

  @Override
  public String toString() {
    return "JobGuard{" + holder + ", " + store + "}";
  }

  /** Builds a {@link JobGuard}; not thread-safe, {@link #build()} copies. */
  public static final class Builder {
    private final JobLockStore store;
    private Clock clock = Clock.systemUTC();
    private EventSink events = EventSink.noop();
    private String holder = "instance-" + UUID.randomUUID();

    private Builder(JobLockStore store) {
      this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * Sets the clock that measures run durations.
     *
     * @param clock the clock; default the system UTC clock
     * @return this builder
     * @throws NullPointerException if the clock is null
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets where runs, skips and failures are published.
     *
     * @param events the sink; default drops events
     * @return this builder
     * @throws NullPointerException if the sink is null
     */
    public Builder events(EventSink events) {
      this.events = Objects.requireNonNull(events, "events");
      return this;
    }

    /**
     * Names this instance in its leases (default a random instance id).
     *
     * @param holder a non-blank name, e.g. the host name
     * @return this builder
     * @throws NullPointerException if the name is null
     * @throws IllegalArgumentException if the name is blank
     */
    public Builder holder(String holder) {
      Objects.requireNonNull(holder, "holder");
      if (holder.isBlank()) {
        throw new IllegalArgumentException("holder must not be blank");
      }
      this.holder = holder;
      return this;
    }

    /** {@return the job guard} */
    public JobGuard build() {
      return new JobGuard(this);
    }
  }
}
