package dev.guardrails.errors.jobs;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What to supervise: a named task, how often it runs, how soon it must succeed, and how it backs
 * off after a failure.
 *
 * <p>Immutable and thread-safe.
 */
public final class JobDefinition {

  private final String name;
  private final JobTask task;
  private final Duration interval;
  private final Duration initialDelay;
  private final Duration expectSuccessWithin;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final String tenantId;

  private JobDefinition(Builder b, Duration interval) {
    this.name = b.name;
    this.task = b.task;
    this.interval = interval;
    this.initialDelay = b.initialDelay == null ? Duration.ZERO : b.initialDelay;
    this.expectSuccessWithin =
        b.expectSuccessWithin == null ? interval.multipliedBy(3) : b.expectSuccessWithin;
    this.initialBackoff =
        b.initialBackoff == null ? min(Duration.ofSeconds(1), interval) : b.initialBackoff;
    this.maxBackoff = b.maxBackoff == null ? max(interval, this.initialBackoff) : b.maxBackoff;
    this.tenantId = b.tenantId;
  }

  /**
   * Returns a builder for a job.
   *
   * @param name the job's name, used in logs, alerts and as the actor id of its runs
   * @param task the work of one run
   * @return the builder
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the name is blank
   */
  public static Builder builder(String name, JobTask task) {
    return new Builder(name, task);
  }

  /** {@return the job's name} */
  public String name() {
    return name;
  }

  /** {@return the work of one run} */
  public JobTask task() {
    return task;
  }

  /** {@return the delay between the end of a successful run and the next start} */
  public Duration interval() {
    return interval;
  }

  /** {@return the delay before the first run} */
  public Duration initialDelay() {
    return initialDelay;
  }

  /** {@return how long the job may go without a success before it is stale and alerts} */
  public Duration expectSuccessWithin() {
    return expectSuccessWithin;
  }

  /** {@return the delay before the first retry after a failure; it doubles per failure} */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /** {@return the longest delay between retries} */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /** {@return the tenant the job's runs act in} */
  public String tenantId() {
    return tenantId;
  }

  /**
   * Returns the delay after the given number of consecutive failures.
   *
   * @param consecutiveFailures failures since the last success, at least 1
   * @return the backoff, doubling from the initial backoff up to the maximum
   */
  Duration backoff(int consecutiveFailures) {
    Duration delay = initialBackoff;
    for (int i = 1; i < consecutiveFailures && delay.compareTo(maxBackoff) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return min(delay, maxBackoff);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** {@return the name, interval and expected success interval} */
  @Override
  public String toString() {
    return "JobDefinition["
        + name
        + " every "
        + interval
        + ", expect success within "
        + expectSuccessWithin
        + "]";
  }

  /**
   * Builds a {@link JobDefinition}. Defaults: no initial delay, stale after three intervals without
   * a success, a backoff from one second (or the interval, if shorter) doubling up to the interval,
   * the tenant {@code "system"}. {@link #every(Duration)} is required.
   *
   * <p>Not thread-safe; {@link #build()} copies.
   */
  public static final class Builder {
    private final String name;
    private final JobTask task;
    private @Nullable Duration interval;
    private @Nullable Duration initialDelay;
    private @Nullable Duration expectSuccessWithin;
    private @Nullable Duration initialBackoff;
    private @Nullable Duration maxBackoff;
    private String tenantId = "system";

    private Builder(String name, JobTask task) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("job name must not be blank, but was '" + name + "'");
      }
      this.name = name;
      this.task = Objects.requireNonNull(task, "task");
    }

    /**
     * Sets the delay between the end of a successful run and the start of the next.
     *
     * @param value the interval, positive
     * @return this builder
     * @throws NullPointerException if the value is null
     * @throws IllegalArgumentException if the value is not positive or the interval is already set
     */
    public Builder every(Duration value) {
      if (interval != null) {
        throw new IllegalArgumentException(
            "interval of job '" + name + "' is already set to " + interval);
      }
      this.interval = positive(value, "interval");
      return this;
    }

    /**
     * Sets the delay before the first run.
     *
     * @param value the delay, zero or positive
     * @return this builder
     * @throws NullPointerException if the value is null
     * @throws IllegalArgumentException if the value is negative
     */
    public Builder initialDelay(Duration value) {
      Objects.requireNonNull(value, "initialDelay");
      if (value.isNegative()) {
        throw new IllegalArgumentException("initial delay must not be negative, but was " + value);
      }
      this.initialDelay = value;
      return this;
    }

    /**
     * Sets how long the job may go without a success before it is stale and alerts.
     *
     * @param value the limit, positive
     * @return this builder
     * @throws NullPointerException if the value is null
     * @throws IllegalArgumentException if the value is not positive
     */
    public Builder expectSuccessWithin(Duration value) {
      this.expectSuccessWithin = positive(value, "expected success interval");
      return this;
    }

    /**
     * Sets the backoff after failures: the first retry waits {@code initial}, each further one
     * twice as long, up to {@code max}.
     *
     * @param initial the first delay, positive
     * @param max the longest delay, at least {@code initial}
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a delay is not positive or max is below initial
     */
    public Builder backoff(Duration initial, Duration max) {
      positive(initial, "initial backoff");
      positive(max, "max backoff");
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException(
            "max backoff must be at least the initial backoff " + initial + ", but was " + max);
      }
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /**
     * Sets the tenant the job's runs act in.
     *
     * @param value the tenant id
     * @return this builder
     * @throws NullPointerException if the value is null
     */
    public Builder tenant(String value) {
      this.tenantId = Objects.requireNonNull(value, "tenant");
      return this;
    }

    /**
     * Returns the definition.
     *
     * @return the definition
     * @throws IllegalStateException if {@link #every(Duration)} was not called
     */
    public JobDefinition build() {
      Duration every = interval;
      if (every == null) {
        throw new IllegalStateException(
            "job '" + name + "' needs an interval: call every(Duration)");
      }
      return new JobDefinition(this, every);
    }

    private static Duration positive(Duration value, String what) {
      Objects.requireNonNull(value, what);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, but was " + value);
      }
      return value;
    }
  }
}
