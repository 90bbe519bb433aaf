package dev.guardrails.errors.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task once after a delay; the {@link dev.guardrails.errors.jobs.JobSupervisor} schedules
 * every run and every staleness check through it, so tests can drive time by hand.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface JobScheduler {

  /**
   * Schedules the task to run once after the delay.
   *
   * @param task the task
   * @param delay the delay, zero or positive
   * @return a handle that cancels the task if it has not started
   */
  Cancellable schedule(Runnable task, Duration delay);

  /**
   * Adapts a {@link ScheduledExecutorService}; the supervisor never uses its repeating methods,
   * which drop a task after its first exception.
   *
   * @param executor the executor
   * @return the scheduler
   * @throws NullPointerException if the executor is null
   */
  static JobScheduler of(ScheduledExecutorService executor) {
    Objects.requireNonNull(executor, "executor");
    return (task, delay) -> {
      ScheduledFuture<?> future = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
      return () -> future.cancel(false);
    };
  }

  /** Cancels a scheduled task. */
  @FunctionalInterface
  interface Cancellable {
    /** Cancels the task if it has not started; does nothing otherwise. */
    void cancel();
  }
}
