package dev.guardrails.cost.spi;

import java.time.Duration;

/**
 * Waits between retries. Tests inject one that records the waits and returns at once.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Sleeper {

  /**
   * Waits for the given time.
   *
   * @param duration how long, not negative
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  void sleep(Duration duration) throws InterruptedException;

  /** {@return a sleeper that blocks the calling thread with {@link Thread#sleep(long, int)}} */
  static Sleeper threadSleep() {
    return duration -> {
      long nanos = duration.toNanos();
      Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L));
    };
  }
}
