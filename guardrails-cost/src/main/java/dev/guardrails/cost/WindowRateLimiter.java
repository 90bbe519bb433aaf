package dev.guardrails.cost;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A fixed-window rate limiter read against the call's own clock reading: {@code permits} calls per
 * window of {@code period}, windows counted from the limiter's start (the semantics of
 * Resilience4j's {@code AtomicRateLimiter}, whose time is {@code System.nanoTime()} and cannot be
 * injected). Time comes from the {@link GuardedCall}'s clock, so a test moves it with that clock
 * instead of sleeping, and the call reads the clock once for cache, budgets and limits.
 *
 * <p>The limiter never moves back. A reading from before the current window was either read before
 * a long wait (a budget store, an identical call) or the clock was set back; the limiter reads the
 * clock again to tell which. Late, the fresh reading is used. Set back, the reading counts against
 * the current window, so no permit is handed out again; only when the clock has stayed behind the
 * window for a whole period do the windows start over from its reading, so a clock set back far
 * does not stop the calls until it has caught up. A clock set forward opens the window of its
 * reading. Lock-free and thread-safe.
 */
final class WindowRateLimiter {

  /**
   * The current window and the permits it has handed out; immutable.
   *
   * @param start the window's start, by the clock
   * @param used permits handed out in the window
   * @param behind whether the clock read before the window after the last reading inside it
   * @param behindSince the earliest such reading, if {@code behind}
   */
  private record Window(long start, int used, boolean behind, long behindSince) {}

  private final int permits;
  private final long periodMillis;
  private final Clock clock;
  private final AtomicReference<Window> window;

  /**
   * Creates a limiter whose first window starts at {@code startMillis}.
   *
   * @param limit the permits and period
   * @param clock the call's clock, read again when a reading comes from before the current window
   * @param startMillis the start of the first window, by {@code clock}
   */
  WindowRateLimiter(Limit limit, Clock clock, long startMillis) {
    this.permits = limit.permits();
    this.periodMillis = limit.period().toMillis();
    this.clock = Objects.requireNonNull(clock, "clock");
    this.window = new AtomicReference<>(new Window(startMillis, 0, false, 0));
  }

  /**
   * Takes a permit at {@code nowMillis} if the current window has one left.
   *
   * @param nowMillis the call's clock reading, perhaps read a while ago
   * @return 0 if a permit was taken; otherwise the milliseconds to wait, 1 to the period
   */
  long tryAcquire(long nowMillis) {
    long now = nowMillis;
    boolean reread = false;
    while (true) {
      Window current = Objects.requireNonNull(window.get());
      long sinceStart = difference(now, current.start);
      Window next;
      long waitMillis = 0;
      if (sinceStart >= periodMillis) {
        // a later window: the latest window start at or before the reading
        long start =
            sinceStart == Long.MAX_VALUE
                ? now
                : current.start + sinceStart / periodMillis * periodMillis;
        next = new Window(start, 1, false, 0);
      } else if (sinceStart >= 0) {
        if (current.used < permits) {
          next = new Window(current.start, current.used + 1, false, 0);
        } else {
          waitMillis = periodMillis - sinceStart;
          next = current.behind ? new Window(current.start, current.used, false, 0) : current;
        }
      } else if (!reread) {
        // before the window: a late reading or a clock set back; the clock tells which
        reread = true;
        now = Math.max(now, clock.millis());
        continue;
      } else {
        // the clock is behind the window: never a window of the past
        long since = current.behind && current.behindSince <= now ? current.behindSince : now;
        long behindFor = difference(now, since);
        if (behindFor >= periodMillis) {
          next = new Window(now, 1, false, 0); // behind for a whole period: set back
        } else if (current.used < permits) {
          next = new Window(current.start, current.used + 1, true, since);
        } else {
          waitMillis = periodMillis - behindFor;
          next = new Window(current.start, current.used, true, since);
        }
      }
      if (next.equals(current) || window.compareAndSet(current, next)) {
        return waitMillis;
      }
    }
  }

  /** {@code later - earlier}, saturated at the range of a long instead of wrapping. */
  private static long difference(long later, long earlier) {
    long d = later - earlier;
    if (((later ^ earlier) & (later ^ d)) < 0) {
      return later < earlier ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return d;
  }

  /**
   * A rate limit: permits per period.
   *
   * @param permits calls allowed per period, positive
   * @param period the period, at least one millisecond and at most {@link Long#MAX_VALUE} of them
   */
  record Limit(int permits, Duration period) {
    Limit {
      Objects.requireNonNull(period, "period");
      if (permits <= 0) {
        throw new IllegalArgumentException(
            "rate limit permits must be positive, but was " + permits);
      }
      if (period.compareTo(Duration.ofMillis(1)) < 0
          || period.compareTo(Duration.ofMillis(Long.MAX_VALUE)) > 0) {
        throw new IllegalArgumentException(
            "rate limit period must be from one millisecond to "
                + Duration.ofMillis(Long.MAX_VALUE)
                + ", but was "
                + period);
      }
    }
  }
}
