package dev.guardrails.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that only moves when a test moves it, so that expiry and periods are driven
 * without sleeping. Give it to the component under test (e.g. {@code BudgetGuard.builder(store)
 * .clock(clock)}) and call {@link #advance}.
 *
 * <p>Thread-safe: the instant is read and moved atomically.
 */
public final class TestClock extends Clock {

  private final AtomicReference<Instant> now;
  private final ZoneId zone;

  private TestClock(AtomicReference<Instant> now, ZoneId zone) {
    this.now = now;
    this.zone = zone;
  }

  /**
   * Returns a clock standing at the instant, in UTC.
   *
   * @param start the initial instant
   * @return the clock
   * @throws NullPointerException if the instant is null
   */
  public static TestClock at(Instant start) {
    return new TestClock(
        new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
  }

  /**
   * Moves the clock forward.
   *
   * @param amount how far, not negative
   * @return the new instant
   * @throws NullPointerException if the amount is null
   * @throws IllegalArgumentException if the amount is negative
   */
  public Instant advance(Duration amount) {
    Objects.requireNonNull(amount, "amount");
    if (amount.isNegative()) {
      throw new IllegalArgumentException("amount must not be negative, but was " + amount);
    }
    return Objects.requireNonNull(now.updateAndGet(t -> t.plus(amount)), "now");
  }

  /**
   * Sets the clock to an instant, forward or back.
   *
   * @param instant the new instant
   * @throws NullPointerException if the instant is null
   */
  public void set(Instant instant) {
    now.set(Objects.requireNonNull(instant, "instant"));
  }

  @Override
  public Instant instant() {
    return Objects.requireNonNull(now.get(), "now");
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /** {@return a clock with the zone that shares this clock's instant, moving with it} */
  @Override
  public Clock withZone(ZoneId zone) {
    return new TestClock(now, Objects.requireNonNull(zone, "zone"));
  }

  @Override
  public String toString() {
    return "TestClock[" + now.get() + ", " + zone + "]";
  }
}
