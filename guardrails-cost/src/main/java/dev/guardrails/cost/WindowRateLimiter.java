package dev.guardrails.cost;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A fixed-window rate limiter read against the call's own clock reading: {@code permits} calls per
 * cycle of {@code period}, cycles counted from the limiter's start (the semantics of Resilience4j's
 * {@code AtomicRateLimiter}, whose time is {@code System.nanoTime()} and cannot be injected). Time
 * comes from the {@link GuardedCall}'s clock, so a test moves it with that clock instead of
 * sleeping, and the call reads the clock once for cache, budgets and limits.
 *
 * <p>A clock set back within one period counts against the latest window (no permits are handed out
 * again); set back further, the limiter starts over. Lock-free and thread-safe.
 */
final class WindowRateLimiter {

  /** The cycle a window belongs to and the permits it has handed out; immutable. */
  private record Window(long cycle, int used) {}

  private final int permits;
  private final long periodMillis;
  private final long startMillis;
  private final AtomicReference<Window> window = new AtomicReference<>(new Window(0, 0));

  /**
   * Creates a limiter whose first cycle starts at {@code startMillis}.
   *
   * @param limit the permits and period
   * @param startMillis the start of the first cycle, by the call's clock
   */
  WindowRateLimiter(Limit limit, long startMillis) {
    this.permits = limit.permits();
    this.periodMillis = limit.period().toMillis();
    this.startMillis = startMillis;
  }

  /**
   * Takes a permit at {@code nowMillis} if the current cycle has one left.
   *
   * @param nowMillis the call's clock reading
   * @return 0 if a permit was taken; otherwise the milliseconds until the next cycle, at least 1
   */
  long tryAcquire(long nowMillis) {
    long cycle = Math.floorDiv(nowMillis - startMillis, periodMillis);
    while (true) {
      Window current = Objects.requireNonNull(window.get());
      long effective = cycle;
      if (cycle < current.cycle && cycle >= current.cycle - 1) {
        effective = current.cycle; // set back a little: count against the latest window
      }
      Window next;
      if (effective == current.cycle) {
        if (current.used >= permits) {
          long nextCycleStart = startMillis + (effective + 1) * periodMillis;
          return Math.min(periodMillis, Math.max(1, nextCycleStart - nowMillis));
        }
        next = new Window(effective, current.used + 1);
      } else {
        next = new Window(effective, 1);
      }
      if (window.compareAndSet(current, next)) {
        return 0;
      }
    }
  }

  /**
   * A rate limit: permits per period.
   *
   * @param permits calls allowed per period, positive
   * @param period the period, at least one millisecond
   */
  record Limit(int permits, Duration period) {
    Limit {
      Objects.requireNonNull(period, "period");
      if (permits <= 0) {
        throw new IllegalArgumentException(
            "rate limit permits must be positive, but was " + permits);
      }
      if (period.toMillis() < 1) {
        throw new IllegalArgumentException(
            "rate limit period must be at least one millisecond, but was " + period);
      }
    }
  }
}
