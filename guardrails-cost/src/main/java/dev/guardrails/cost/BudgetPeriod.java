package dev.guardrails.cost;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The time over which a {@link Budget} counts spending: a calendar day or month in a time zone, or
 * a rolling window of fixed length.
 *
 * <p>A calendar period resets at the start of the next day or month in its zone (so a day can be 23
 * or 25 hours long around a daylight-saving change); a rolling window counts what was spent in the
 * last {@link #window()} before now.
 *
 * <p>Immutable and thread-safe.
 */
public final class BudgetPeriod {

  private enum Kind {
    DAY,
    MONTH,
    ROLLING
  }

  private final Kind kind;
  private final @Nullable ZoneId zone;
  private final @Nullable Duration window;

  /** The calendar period last computed; a cache that saves time-zone arithmetic per call. */
  private volatile @Nullable Range last;

  /** A calendar period, with its bounds also in epoch milliseconds for cheap checks. */
  record Range(Instant start, Instant end, long startMillis, long endMillis) {
    Range(Instant start, Instant end) {
      this(start, end, start.toEpochMilli(), end.toEpochMilli());
    }

    boolean contains(Instant now) {
      return !now.isBefore(start) && now.isBefore(end);
    }

    /** Whether the period contains the whole millisecond {@code millis}. */
    boolean contains(long millis) {
      return millis >= startMillis && millis < endMillis;
    }
  }

  /**
   * Returns the calendar period containing the instant {@code millis}; the cached one if it does.
   *
   * @throws IllegalStateException if this is a rolling window
   */
  Range range(long millis) {
    Range r = last;
    if (r != null && r.contains(millis)) {
      return r;
    }
    if (kind == Kind.ROLLING) {
      throw new IllegalStateException("a rolling window has no calendar range");
    }
    Instant now = Instant.ofEpochMilli(millis);
    r = new Range(computeStart(now), computeEnd(now));
    last = r;
    return r;
  }

  private BudgetPeriod(Kind kind, @Nullable ZoneId zone, @Nullable Duration window) {
    this.kind = kind;
    this.zone = zone;
    this.window = window;
  }

  /**
   * Returns a calendar day in the given zone, from midnight to midnight.
   *
   * @param zone the time zone whose midnight resets the budget
   * @return the period
   * @throws NullPointerException if the zone is null
   */
  public static BudgetPeriod day(ZoneId zone) {
    return new BudgetPeriod(Kind.DAY, Objects.requireNonNull(zone, "zone"), null);
  }

  /**
   * Returns a calendar month in the given zone, from the first day's midnight to the next first.
   *
   * @param zone the time zone whose midnight resets the budget
   * @return the period
   * @throws NullPointerException if the zone is null
   */
  public static BudgetPeriod month(ZoneId zone) {
    return new BudgetPeriod(Kind.MONTH, Objects.requireNonNull(zone, "zone"), null);
  }

  /**
   * Returns a rolling window: at any instant the budget counts what was spent in the last {@code
   * window}.
   *
   * @param window the window's length, at least one second
   * @return the period
   * @throws NullPointerException if the window is null
   * @throws IllegalArgumentException if the window is shorter than one second
   */
  public static BudgetPeriod rolling(Duration window) {
    Objects.requireNonNull(window, "window");
    if (window.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(
          "rolling window must be at least one second, but was " + window);
    }
    return new BudgetPeriod(Kind.ROLLING, null, window);
  }

  /** {@return whether this is a rolling window rather than a calendar period} */
  public boolean isRolling() {
    return kind == Kind.ROLLING;
  }

  /**
   * Returns when the period containing {@code now} started; for a rolling window, {@code now} minus
   * the window.
   *
   * @param now the instant
   * @return the start, inclusive
   * @throws NullPointerException if {@code now} is null
   */
  public Instant start(Instant now) {
    Objects.requireNonNull(now, "now");
    Range r = last;
    if (r != null && r.contains(now)) {
      return r.start;
    }
    Instant start = computeStart(now);
    if (kind != Kind.ROLLING) {
      last = new Range(start, computeEnd(now));
    }
    return start;
  }

  private Instant computeStart(Instant now) {
    return switch (kind) {
      case DAY -> LocalDate.ofInstant(now, zone()).atStartOfDay(zone()).toInstant();
      case MONTH ->
          LocalDate.ofInstant(now, zone()).withDayOfMonth(1).atStartOfDay(zone()).toInstant();
      case ROLLING -> now.minus(window());
    };
  }

  /**
   * Returns when the period containing {@code now} ends and the next begins; for a rolling window,
   * {@code now} itself (spending leaves the window continuously).
   *
   * @param now the instant
   * @return the end, exclusive
   * @throws NullPointerException if {@code now} is null
   */
  public Instant end(Instant now) {
    Objects.requireNonNull(now, "now");
    Range r = last;
    if (r != null && r.contains(now)) {
      return r.end;
    }
    Instant end = computeEnd(now);
    if (kind != Kind.ROLLING) {
      last = new Range(computeStart(now), end);
    }
    return end;
  }

  private Instant computeEnd(Instant now) {
    return switch (kind) {
      // the next day's (month's) own start: where a midnight is skipped, the day starting late
      // still ends at the next midnight (not 24 hours of local time later)
      case DAY -> LocalDate.ofInstant(now, zone()).plusDays(1).atStartOfDay(zone()).toInstant();
      case MONTH ->
          LocalDate.ofInstant(now, zone())
              .withDayOfMonth(1)
              .plusMonths(1)
              .atStartOfDay(zone())
              .toInstant();
      case ROLLING -> now;
    };
  }

  /**
   * {@return the rolling window's length}
   *
   * @throws IllegalStateException if this is a calendar period
   */
  public Duration window() {
    if (window == null) {
      throw new IllegalStateException("a calendar period has no window: " + this);
    }
    return window;
  }

  private ZoneId zone() {
    if (zone == null) {
      throw new IllegalStateException("a rolling window has no zone: " + this);
    }
    return zone;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof BudgetPeriod other
        && other.kind == kind
        && Objects.equals(other.zone, zone)
        && Objects.equals(other.window, window);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, zone, window);
  }

  @Override
  public String toString() {
    return kind == Kind.ROLLING
        ? "rolling " + window
        : kind.name().toLowerCase(java.util.Locale.ROOT) + " in " + zone;
  }
}
