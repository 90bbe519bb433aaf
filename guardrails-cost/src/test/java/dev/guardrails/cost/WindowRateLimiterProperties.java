package dev.guardrails.cost;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
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

  @Property
  void everyWindow_grantsMinOfPermitsAndAttempts(
      @ForAll @IntRange(min = 1, max = 5) int permits,
      @ForAll @LongRange(min = 1, max = 5_000) long periodMillis,
      @ForAll @Size(max = 200) List<@LongRange(min = 0, max = 3_000) Long> gaps) {
    long start = 1_700_000_000_000L;
    WindowRateLimiter limiter =
        new WindowRateLimiter(
            new WindowRateLimiter.Limit(permits, Duration.ofMillis(periodMillis)), start);
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
        new WindowRateLimiter(new WindowRateLimiter.Limit(100, Duration.ofSeconds(1)), 0);
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
}
