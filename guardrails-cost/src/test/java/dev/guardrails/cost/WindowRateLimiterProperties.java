package dev.guardrails.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The fixed-window limiter: per window, exactly the permits it has, never more, on any thread. */
class WindowRateLimiterProperties {

  /** A clock read only for a reading from before the window: these tests give none. */
  private static final Clock NEVER = Clock.fixed(Instant.EPOCH, ZoneOffset.UTC);

  @Property
  void everyWindow_grantsMinOfPermitsAndAttempts(
      @ForAll @IntRange(min = 1, max = 5) int permits,
      @ForAll @LongRange(min = 1, max = 5_000) long periodMillis,
      @ForAll @Size(max = 200) List<@LongRange(min = 0, max = 3_000) Long> gaps) {
    long start = 1_700_000_000_000L;
    WindowRateLimiter limiter =
        new WindowRateLimiter(
            new WindowRateLimiter.Limit(permits, Duration.ofMillis(periodMillis)), NEVER, start);
    Map<Long, Integer> attempts = new HashMap<>();
    Map<Long, Integer> granted = new HashMap<>();
    long now = start;
    for (long gap : gaps) {
      now += gap;
      long window = (now - start) / periodMillis;
      attempts.merge(window, 1, Integer::sum);
      long wait = limiter.tryAcquire(now);
      if (wait == 0) {
        granted.merge(window, 1, Integer::sum);
      } else {
        assertThat(wait).isBetween(1L, periodMillis);
        assertThat((now + wait - start) % periodMillis).as("wait ends at a window start").isZero();
      }
    }
    attempts.forEach(
        (window, tried) ->
            assertThat(granted.getOrDefault(window, 0)).isEqualTo(Math.min(permits, tried)));
  }

  @Test
  void manyThreadsAtOnce_shareExactlyTheWindowsPermits() throws Exception {
    WindowRateLimiter limiter =
        new WindowRateLimiter(new WindowRateLimiter.Limit(100, Duration.ofSeconds(1)), NEVER, 0);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<Integer>> results =
          java.util.stream.IntStream.range(0, 8)
              .mapToObj(
                  t ->
                      pool.submit(
                          () -> {
                            go.await();
                            int mine = 0;
                            for (int i = 0; i < 1_000; i++) {
                              if (limiter.tryAcquire(500) == 0) {
                                mine++;
                              }
                            }
                            return mine;
                          }))
              .toList();
      go.countDown();
      int total = 0;
      for (Future<Integer> result : results) {
        total += result.get(30, TimeUnit.SECONDS);
      }
      assertThat(total).isEqualTo(100);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void lateReading_fromBeforeTheCurrentWindow_isReadAgainAndNeverOpensAWindowAgain() {
    // a reading taken before a long wait (budget store, identical call) must count against the
    // latest window, not hand the permits of a past window out again
    MutableClock clock = MutableClock.at("1970-01-01T00:00:05.500Z");
    WindowRateLimiter limiter =
        new WindowRateLimiter(new WindowRateLimiter.Limit(1, Duration.ofSeconds(1)), clock, 0);
    assertThat(limiter.tryAcquire(5_000)).isZero();

    assertThat(limiter.tryAcquire(3_500)).isEqualTo(500L);
    assertThat(limiter.tryAcquire(2_000)).isEqualTo(500L);
    assertThat(limiter.tryAcquire(5_001)).isEqualTo(999L);
    assertThat(limiter.tryAcquire(6_000)).isZero();
  }

  @Test
  void clockSetBackFarAndLeftThere_startsOverOnceItStayedBehindForAPeriod() {
    MutableClock clock = MutableClock.at("1970-01-01T00:00:00Z");
    WindowRateLimiter limiter =
        new WindowRateLimiter(new WindowRateLimiter.Limit(1, Duration.ofSeconds(1)), clock, 0);
    assertThat(acquireAt(limiter, clock, 100_000)).isZero();

    assertThat(acquireAt(limiter, clock, 10_000)).isEqualTo(1_000L); // set back: no permit again
    assertThat(acquireAt(limiter, clock, 10_400)).isEqualTo(600L);
    assertThat(acquireAt(limiter, clock, 11_000)).isZero(); // a whole period behind: set back
    assertThat(acquireAt(limiter, clock, 11_999)).isEqualTo(1L);
    assertThat(acquireAt(limiter, clock, 12_000)).isZero();
  }

  @Test
  void clockSetBackAndForwardAgain_keepsTheWindowItHad() {
    MutableClock clock = MutableClock.at("1970-01-01T00:00:00Z");
    WindowRateLimiter limiter =
        new WindowRateLimiter(new WindowRateLimiter.Limit(1, Duration.ofSeconds(1)), clock, 0);
    assertThat(acquireAt(limiter, clock, 5_000)).isZero();
    assertThat(acquireAt(limiter, clock, 2_000)).isPositive(); // set back
    assertThat(acquireAt(limiter, clock, 5_500)).isEqualTo(500L); // forward again
    assertThat(acquireAt(limiter, clock, 3_000)).isPositive(); // back again: a new set-back
    assertThat(acquireAt(limiter, clock, 3_999)).isPositive();
    assertThat(acquireAt(limiter, clock, 4_000)).isZero();
  }

  @Property
  void lateReadings_inAnyOrder_neverGrantMoreThanThePermitsOfTheWindowsPassed(
      @ForAll @IntRange(min = 1, max = 3) int permits,
      @ForAll @Size(max = 100) List<@LongRange(min = 0, max = 10_000) Long> readings) {
    // each reading was taken at some time up to now, and delivered late in any order
    MutableClock clock = MutableClock.at("1970-01-01T00:00:00Z");
    WindowRateLimiter limiter =
        new WindowRateLimiter(
            new WindowRateLimiter.Limit(permits, Duration.ofSeconds(1)), clock, 0);
    long latest = 0;
    int granted = 0;
    for (long reading : readings) {
      latest = Math.max(latest, reading);
      clock.set(Instant.ofEpochMilli(latest));
      if (limiter.tryAcquire(reading) == 0) {
        granted++;
      }
    }
    assertThat(granted).isLessThanOrEqualTo(permits * (int) (latest / 1_000 + 1));
  }

  @Test
  void hugePeriodAndPermits_neitherOverflowNorWrapTheWait() {
    long start = 1_700_000_000_000L;
    WindowRateLimiter all =
        new WindowRateLimiter(
            new WindowRateLimiter.Limit(Integer.MAX_VALUE, Duration.ofMillis(Long.MAX_VALUE)),
            NEVER,
            start);
    assertThat(all.tryAcquire(start)).isZero();
    assertThat(all.tryAcquire(Long.MAX_VALUE)).isZero();
    WindowRateLimiter one =
        new WindowRateLimiter(
            new WindowRateLimiter.Limit(1, Duration.ofMillis(Long.MAX_VALUE)), NEVER, start);
    assertThat(one.tryAcquire(start)).isZero();
    assertThat(one.tryAcquire(start + 1)).isEqualTo(Long.MAX_VALUE - 1);
    Duration millennium = Duration.ofDays(365L * 1000);
    WindowRateLimiter years =
        new WindowRateLimiter(new WindowRateLimiter.Limit(1, millennium), NEVER, 0);
    assertThat(years.tryAcquire(start)).isZero();
    assertThat(years.tryAcquire(start)).isEqualTo(millennium.toMillis() - start);
  }

  @Test
  void periodBeyondTheMillisecondsOfALong_isRefusedAsOutOfRange() {
    assertThatThrownBy(() -> new WindowRateLimiter.Limit(1, Duration.ofSeconds(Long.MAX_VALUE)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rate limit period");
  }

  private static long acquireAt(WindowRateLimiter limiter, MutableClock clock, long millis) {
    clock.set(Instant.ofEpochMilli(millis));
    return limiter.tryAcquire(millis);
  }
}
