package dev.guardrails.errors.jobs;

import dev.guardrails.core.Actor;
import dev.guardrails.core.EventContext;
import dev.guardrails.core.EventSink;
import dev.guardrails.core.GuardContext;
import dev.guardrails.core.JobRunEvent;
import dev.guardrails.core.Severity;
import dev.guardrails.errors.ErrorBoundary;
import dev.guardrails.errors.Failure;
import dev.guardrails.errors.ProblemException;
import dev.guardrails.errors.alerts.AlertPipeline;
import dev.guardrails.errors.spi.JobScheduler;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Supervises background and scheduled jobs. Every run executes inside an {@link ErrorBoundary} with
 * its own {@link GuardContext} (the job as actor, a fresh correlation id); a failed run is logged
 * once, alerted (source {@code job:<name>}) and retried with doubling backoff, so a job never dies
 * silently the way a repeating task of a bare {@link ScheduledExecutorService} does after its first
 * exception. Runs of one job never overlap: the next run is scheduled when the previous one ends.
 * The supervisor keeps each job's heartbeat and last success, and a periodic check raises a
 * staleness alert (and a {@link JobRunEvent.Outcome#STALE} event) once when a job has not succeeded
 * within its expected interval, including one stuck in a run, and again only after a success has
 * ended that staleness.
 *
 * <pre>{@code
 * JobSupervisor jobs = JobSupervisor.builder().alerts(pipeline).build();
 * jobs.schedule(JobDefinition.builder("nightly-invoices", ctx -> invoices.sendDue())
 *     .every(Duration.ofHours(24)).expectSuccessWithin(Duration.ofHours(26)).build());
 * ...
 * jobs.close(); // bounded: waits for running runs at most the shutdown timeout
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class JobSupervisor implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(JobSupervisor.class);

  private final Clock clock;
  private final RandomGenerator random;
  private final JobScheduler scheduler;
  private final @Nullable ScheduledExecutorService ownedExecutor;
  private final ErrorBoundary boundary;
  private final @Nullable AlertPipeline alerts;
  private final EventSink events;
  private final Duration staleCheckInterval;
  private final Duration shutdownTimeout;
  private final Map<String, Runner> runners = new ConcurrentHashMap<>();
  private final Object lock = new Object();
  private int inFlight;
  private boolean closed;
  private JobScheduler.@Nullable Cancellable watchdog;

  private JobSupervisor(Builder b) {
    this.clock = b.clock;
    this.random = b.random;
    this.alerts = b.alerts;
    this.events = b.events;
    this.staleCheckInterval = b.staleCheckInterval;
    this.shutdownTimeout = b.shutdownTimeout;
    if (b.scheduler != null) {
      this.scheduler = b.scheduler;
      this.ownedExecutor = null;
    } else {
      AtomicInteger count = new AtomicInteger();
      ScheduledThreadPoolExecutor executor =
          new ScheduledThreadPoolExecutor(
              b.threads,
              r -> {
                Thread t = new Thread(r, "guardrails-jobs-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      executor.setRemoveOnCancelPolicy(true);
      this.ownedExecutor = executor;
      this.scheduler = JobScheduler.of(executor);
    }
    ErrorBoundary given = b.boundary;
    if (given != null) {
      this.boundary = given;
    } else {
      ErrorBoundary.Builder boundaryBuilder =
          ErrorBoundary.builder()
              .clock(clock)
              .random(random)
              .loggerName(JobSupervisor.class.getName());
      this.boundary = boundaryBuilder.build();
    }
  }

  /** {@return a builder with production defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts supervising a job: its first run is due after its initial delay.
   *
   * @param definition the job
   * @return a handle to the job
   * @throws NullPointerException if the definition is null
   * @throws IllegalArgumentException if a job of that name is already supervised
   * @throws IllegalStateException if the supervisor is closed
   */
  public SupervisedJob schedule(JobDefinition definition) {
    Objects.requireNonNull(definition, "definition");
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException(
            "job supervisor is closed; job '" + definition.name() + "' was not scheduled");
      }
      Runner runner = new Runner(definition, clock.instant());
      if (runners.putIfAbsent(definition.name(), runner) != null) {
        throw new IllegalArgumentException("job '" + definition.name() + "' is already supervised");
      }
      if (watchdog == null) {
        watchdog = scheduler.schedule(this::watch, staleCheckInterval);
      }
      runner.scheduleNext(definition.initialDelay());
      return runner;
    }
  }

  /** {@return a snapshot of every job, in no particular order} */
  public List<JobStatus> statuses() {
    List<JobStatus> statuses = new ArrayList<>();
    for (Runner runner : runners.values()) {
      statuses.add(runner.status());
    }
    return statuses;
  }

  /**
   * Checks every job for staleness now: a job that has not succeeded within its expected interval
   * (counted from its last success, or from when it was scheduled) is marked stale. When it becomes
   * stale it is logged, alerted and reported as a {@link JobRunEvent.Outcome#STALE} event once; it
   * is alerted again only after a success has ended that staleness. Called periodically by the
   * supervisor.
   *
   * @return the number of stale jobs
   */
  public int checkStaleness() {
    Instant now = clock.instant();
    int stale = 0;
    for (Runner runner : runners.values()) {
      if (runner.checkStale(now)) {
        stale++;
      }
    }
    return stale;
  }

  private void watch() {
    try {
      checkStaleness();
    } catch (RuntimeException e) {
      LOG.error("the staleness check of the job supervisor failed; it will run again", e);
    } finally {
      synchronized (lock) {
        if (!closed) {
          watchdog = scheduler.schedule(this::watch, staleCheckInterval);
        }
      }
    }
  }

  /**
   * Stops every job: no new run starts, pending runs are cancelled, and running runs are waited for
   * at most the timeout. An executor the supervisor created is shut down, and its threads are
   * interrupted if runs are still going at the timeout.
   *
   * @param timeout the longest wait
   * @return true if no run was still going when this returned
   * @throws NullPointerException if the timeout is null
   */
  public boolean shutdown(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      closed = true;
      if (watchdog != null) {
        watchdog.cancel();
      }
      for (Runner runner : runners.values()) {
        runner.stop();
      }
    }
    boolean idle = awaitIdle(deadline);
    ScheduledExecutorService executor = ownedExecutor;
    if (executor != null) {
      executor.shutdown();
      try {
        if (!executor.awaitTermination(
            Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          executor.shutdownNow();
        }
      } catch (InterruptedException e) {
        executor.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    if (!idle) {
      LOG.warn("job supervisor shut down with runs still going after {}", timeout);
    }
    return idle;
  }

  /** Shuts down with the builder's shutdown timeout; see {@link #shutdown(Duration)}. */
  @Override
  public void close() {
    shutdown(shutdownTimeout);
  }

  private boolean awaitIdle(long deadline) {
    synchronized (lock) {
      while (inFlight > 0) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          return false;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(lock, remaining);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    }
  }

  private boolean enter() {
    synchronized (lock) {
      if (closed) {
        return false;
      }
      inFlight++;
      return true;
    }
  }

  private void exit() {
    synchronized (lock) {
      inFlight--;
      lock.notifyAll();
    }
  }

  private void publish(JobRunEvent event) {
    try {
      events.publish(event);
    } catch (RuntimeException e) {
      LOG.warn("event sink '{}' failed to take a job event", events.name(), e);
    }
  }

  /** {@return the number of supervised jobs} */
  @Override
  public String toString() {
    return "JobSupervisor[" + runners.size() + " jobs]";
  }

  /** One supervised job: its schedule and its state, guarded by its own monitor. */
  private final class Runner implements SupervisedJob {
    private final JobDefinition definition;
    private final Instant scheduledAt;
    private JobState state = JobState.SCHEDULED;
    private long runs;
    private int consecutiveFailures;
    private @Nullable Instant lastSuccess;
    private @Nullable Instant lastFailure;
    private volatile @Nullable Instant lastHeartbeat;
    private @Nullable String lastIncidentId;
    private @Nullable Instant nextRunAt;
    private boolean stale;
    private JobScheduler.@Nullable Cancellable next;

    Runner(JobDefinition definition, Instant scheduledAt) {
      this.definition = definition;
      this.scheduledAt = scheduledAt;
    }

    void scheduleNext(Duration delay) {
      synchronized (this) {
        if (state == JobState.STOPPED) {
          return;
        }
        nextRunAt = clock.instant().plus(delay);
        next = scheduler.schedule(this::runOnce, delay);
      }
    }

    void runOnce() {
      if (!enter()) {
        return;
      }
      try {
        runGuarded();
      } finally {
        exit();
      }
    }

    private void runGuarded() {
      long number;
      Instant previousSuccess;
      Instant started = clock.instant();
      synchronized (this) {
        if (state == JobState.STOPPED) {
          return;
        }
        state = JobState.RUNNING;
        number = ++runs;
        previousSuccess = lastSuccess;
        nextRunAt = null;
      }
      lastHeartbeat = started;
      GuardContext context =
          GuardContext.start(Actor.job(definition.name(), definition.tenantId()), clock, random);
      publish(
          new JobRunEvent(
              EventContext.of(started, context),
              definition.name(),
              JobRunEvent.Outcome.STARTED,
              Duration.ZERO));
      JobContext jobContext =
          new JobContext(
              definition.name(),
              number,
              context,
              previousSuccess,
              () -> lastHeartbeat = clock.instant());
      Failure failure = null;
      boolean fatal = false;
      GuardContext.Scope scope = context.open();
      try {
        boundary.run(() -> definition.task().run(jobContext));
      } catch (ProblemException e) {
        failure = e.failure();
      } catch (VirtualMachineError e) {
        fatal = true;
        // the boundary has logged it with its stack trace; this line only says what happens next
        LOG.warn(
            "job '{}' run {} failed fatally ({}); it will be retried",
            definition.name(),
            number,
            e.toString());
      } finally {
        scope.close();
        finish(started, context, number, failure, fatal);
      }
    }

    private void finish(
        Instant started,
        GuardContext context,
        long number,
        @Nullable Failure failure,
        boolean fatal) {
      Instant ended = clock.instant();
      boolean ok = failure == null && !fatal;
      Duration delay;
      synchronized (this) {
        if (ok) {
          lastSuccess = ended;
          consecutiveFailures = 0;
          stale = false;
          delay = definition.interval();
        } else {
          lastFailure = ended;
          consecutiveFailures++;
          lastIncidentId = failure == null ? null : failure.incidentId();
          delay = definition.backoff(consecutiveFailures);
        }
        if (state != JobState.STOPPED) {
          state = ok ? JobState.SCHEDULED : JobState.BACKING_OFF;
        }
      }
      Duration took = Duration.between(started, ended);
      publish(
          new JobRunEvent(
              EventContext.of(ended, context),
              definition.name(),
              ok ? JobRunEvent.Outcome.SUCCEEDED : JobRunEvent.Outcome.FAILED,
              took.isNegative() ? Duration.ZERO : took));
      AlertPipeline pipeline = alerts;
      if (!ok && pipeline != null && (failure == null || !failure.alerted())) {
        raiseFailed(pipeline, context, number, failure);
      }
      scheduleNext(delay);
    }

    /** Alerts a failed run; whatever the pipeline throws must not keep the job from its retry. */
    private void raiseFailed(
        AlertPipeline pipeline, GuardContext context, long number, @Nullable Failure failure) {
      try {
        if (failure != null) {
          pipeline.raise(
              failure.cause(),
              Severity.ERROR,
              "job:" + definition.name(),
              failure.incidentId(),
              context.correlationId());
        } else {
          pipeline.raise(
              "job:" + definition.name(),
              "fatal",
              Severity.ERROR,
              "job '" + definition.name() + "' failed fatally in run " + number,
              context.correlationId());
        }
      } catch (RuntimeException | LinkageError | AssertionError e) {
        LOG.warn(
            "job '{}' run {}: the alert pipeline failed to take the failure; the job is retried",
            definition.name(),
            number,
            e);
      }
    }

    /** Returns whether the job is stale; logs, reports and alerts only when it becomes stale. */
    boolean checkStale(Instant now) {
      Duration since;
      synchronized (this) {
        if (state == JobState.STOPPED) {
          return false;
        }
        Instant reference = lastSuccess != null ? lastSuccess : scheduledAt;
        since = Duration.between(reference, now);
        boolean overdue = since.compareTo(definition.expectSuccessWithin()) > 0;
        boolean becameStale = overdue && !stale;
        stale = overdue;
        if (!becameStale) {
          return overdue;
        }
      }
      LOG.error(
          "job '{}' has not succeeded for {} (expected within {})",
          definition.name(),
          since,
          definition.expectSuccessWithin());
      publish(
          new JobRunEvent(
              EventContext.of(now, null), definition.name(), JobRunEvent.Outcome.STALE, since));
      AlertPipeline pipeline = alerts;
      if (pipeline != null) {
        pipeline.raise(
            "job:" + definition.name(),
            "stale",
            Severity.ERROR,
            "job '"
                + definition.name()
                + "' has not succeeded within "
                + definition.expectSuccessWithin(),
            null);
      }
      return true;
    }

    void stop() {
      JobScheduler.Cancellable pending;
      synchronized (this) {
        state = JobState.STOPPED;
        nextRunAt = null;
        pending = next;
        next = null;
      }
      if (pending != null) {
        pending.cancel();
      }
    }

    @Override
    public String name() {
      return definition.name();
    }

    @Override
    public synchronized JobStatus status() {
      return new JobStatus(
          definition.name(),
          state,
          runs,
          consecutiveFailures,
          lastSuccess,
          lastFailure,
          lastHeartbeat,
          lastIncidentId,
          nextRunAt,
          stale);
    }

    @Override
    public void cancel() {
      stop();
      runners.remove(definition.name(), this);
    }

    @Override
    public String toString() {
      return "SupervisedJob[" + definition.name() + "]";
    }
  }

  /**
   * Builds a {@link JobSupervisor}. Defaults: the system UTC clock, a {@link SecureRandom} for
   * correlation ids, an owned pool of 2 daemon threads, a boundary that logs to this class's
   * logger, no alert pipeline, no event sink, a staleness check every minute, a 30-second shutdown
   * timeout.
   *
   * <p>Not thread-safe; {@link #build()} copies.
   */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private RandomGenerator random = new SecureRandom();
    private @Nullable JobScheduler scheduler;
    private int threads = 2;
    private @Nullable ErrorBoundary boundary;
    private @Nullable AlertPipeline alerts;
    private EventSink events = EventSink.noop();
    private Duration staleCheckInterval = Duration.ofMinutes(1);
    private Duration shutdownTimeout = Duration.ofSeconds(30);
    private boolean threadsSet;

    private Builder() {}

    /**
     * Sets the clock.
     *
     * @param value the clock
     * @return this builder
     * @throws NullPointerException if the value is null
     */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * Sets the random source of correlation and incident ids.
     *
     * @param value the random source; must be thread-safe
     * @return this builder
     * @throws NullPointerException if the value is null
     */
    public Builder random(RandomGenerator value) {
      this.random = Objects.requireNonNull(value, "random");
      return this;
    }

    /**
     * Sets the scheduler that runs jobs, instead of an owned thread pool; the supervisor then never
     * shuts it down.
     *
     * @param value the scheduler
     * @return this builder
     * @throws NullPointerException if the value is null
     * @throws IllegalArgumentException if {@link #threads(int)} was set
     */
    public Builder scheduler(JobScheduler value) {
      if (threadsSet) {
        throw new IllegalArgumentException("a scheduler cannot be combined with threads(int)");
      }
      this.scheduler = Objects.requireNonNull(value, "scheduler");
      return this;
    }

    /**
     * Sets the size of the owned thread pool.
     *
     * @param value the number of threads, at least 1
     * @return this builder
     * @throws IllegalArgumentException if the value is less than 1 or a scheduler was set
     */
    public Builder threads(int value) {
      if (scheduler != null) {
        throw new IllegalArgumentException("threads(int) cannot be combined with a scheduler");
      }
      if (value < 1) {
        throw new IllegalArgumentException("threads must be at least 1, but was " + value);
      }
      this.threads = value;
      this.threadsSet = true;
      return this;
    }

    /**
     * Sets the boundary runs execute in; by default one with this supervisor's clock and random.
     *
     * @param value the boundary
     * @return this builder
     * @throws NullPointerException if the value is null
     */
    public Builder boundary(ErrorBoundary value) {
      this.boundary = Objects.requireNonNull(value, "boundary");
      return this;
    }

    /**
     * Sets the alert pipeline for failed and stale jobs.
     *
     * @param value the pipeline
     * @return this builder
     * @throws NullPointerException if the value is null
     */
    public Builder alerts(AlertPipeline value) {
      this.alerts = Objects.requireNonNull(value, "alerts");
      return this;
    }

    /**
     * Sets the sink of {@link JobRunEvent}s.
     *
     * @param value the sink
     * @return this builder
     * @throws NullPointerException if the value is null
     */
    public Builder events(EventSink value) {
      this.events = Objects.requireNonNull(value, "events");
      return this;
    }

    /**
     * Sets how often jobs are checked for staleness.
     *
     * @param value the interval, positive
     * @return this builder
     * @throws NullPointerException if the value is null
     * @throws IllegalArgumentException if the value is not positive
     */
    public Builder staleCheckInterval(Duration value) {
      Objects.requireNonNull(value, "staleCheckInterval");
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(
            "stale check interval must be positive, but was " + value);
      }
      this.staleCheckInterval = value;
      return this;
    }

    /**
     * Sets how long {@link #close()} waits for running runs.
     *
     * @param value the timeout, zero or positive
     * @return this builder
     * @throws NullPointerException if the value is null
     * @throws IllegalArgumentException if the value is negative
     */
    public Builder shutdownTimeout(Duration value) {
      Objects.requireNonNull(value, "shutdownTimeout");
      if (value.isNegative()) {
        throw new IllegalArgumentException(
            "shutdown timeout must not be negative, but was " + value);
      }
      this.shutdownTimeout = value;
      return this;
    }

    /** {@return the supervisor; with no scheduler set, its thread pool starts now} */
    public JobSupervisor build() {
      return new JobSupervisor(this);
    }
  }
}
