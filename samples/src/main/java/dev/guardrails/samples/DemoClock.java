package dev.guardrails.samples;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The app's clock: the system clock plus an offset that can only grow. Every guardrail that reads
 * time (token expiry, budget days, the breaker's open time, job staleness) gets this clock, so the
 * tour can show what happens fifteen minutes or thirty seconds later without sleeping.
 *
 * <p>Thread-safe.
 */
public final class DemoClock extends Clock {

  private final Clock base;
  private final AtomicReference<Duration> offset;

  private DemoClock(Clock base, AtomicReference<Duration> offset) {
    this.base = base;
    this.offset = offset;
  }

  /**
   * Returns a clock that starts at the base clock's time.
   *
   * @param base the underlying clock, e.g. {@link Clock#systemUTC()}
   * @return the clock
   */
  public static DemoClock startingAt(Clock base) {
    return new DemoClock(
        Objects.requireNonNull(base, "base"), new AtomicReference<>(Duration.ZERO));
  }

  /**
   * Moves the clock forward.
   *
   * @param amount how far; not negative
   * @throws IllegalArgumentException if the amount is negative
   */
  public void advance(Duration amount) {
    Objects.requireNonNull(amount, "amount");
    if (amount.isNegative()) {
      throw new IllegalArgumentException("the clock only moves forward, but got " + amount);
    }
    offset.accumulateAndGet(amount, Duration::plus);
  }

  /** {@return how far this clock is ahead of its base clock} */
  public Duration offset() {
    return Objects.requireNonNull(offset.get());
  }

  @Override
  public ZoneId getZone() {
    return base.getZone();
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return new DemoClock(base.withZone(zone), offset);
  }

  @Override
  public Instant instant() {
    return base.instant().plus(offset.get());
  }

  @Override
  public long millis() {
    return instant().toEpochMilli();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof DemoClock other && other.base.equals(base) && other.offset == offset;
  }

  @Override
  public int hashCode() {
    return base.hashCode() * 31 + System.identityHashCode(offset);
  }

  @Override
  public String toString() {
    return "DemoClock[" + base + " + " + offset.get() + "]";
  }
}
