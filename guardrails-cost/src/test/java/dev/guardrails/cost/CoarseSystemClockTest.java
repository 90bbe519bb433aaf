package dev.guardrails.cost;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

final class CoarseSystemClockTest {

  @Test
  void readings_areNeverAheadOfTheSystemClock() {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
    int reads = 0;
    while (System.nanoTime() < end) {
      long coarse = CoarseSystemClock.millis();
      long system = System.currentTimeMillis();
      assertThat(coarse).as("coarse reading %d", reads).isLessThanOrEqualTo(system);
      reads++;
    }
    assertThat(reads).isPositive();
  }

  @Test
  void readings_followTheSystemClock() throws InterruptedException {
    CoarseSystemClock.millis();
    Thread.sleep(50);
    long target = System.currentTimeMillis();
    // the ticker refreshes every millisecond; a generous deadline keeps a loaded CI machine green
    assertThat(eventually(() -> CoarseSystemClock.millis() >= target, Duration.ofSeconds(2)))
        .as("coarse clock reached %d", target)
        .isTrue();
    assertThat(ticker()).isPresent();
  }

  @Test
  void theTicker_stopsWhenNothingReads_andTheNextReadIsExactAndRestartsIt() {
    CoarseSystemClock.millis();
    assertThat(eventually(() -> ticker().isEmpty(), Duration.ofSeconds(10)))
        .as("the ticker stopped after a second without reads")
        .isTrue();

    long before = System.currentTimeMillis();
    long reading = CoarseSystemClock.millis();
    long after = System.currentTimeMillis();

    assertThat(reading).isBetween(before, after);
    assertThat(ticker()).isPresent();
  }

  @Test
  void anInterruptedTicker_stops_andTheNextReadRestartsIt() {
    CoarseSystemClock.millis();
    Thread running = ticker().orElseThrow();
    running.interrupt();
    assertThat(eventually(() -> !running.isAlive(), Duration.ofSeconds(5))).isTrue();

    CoarseSystemClock.millis();

    assertThat(ticker()).isPresent().get().isNotSameAs(running);
  }

  @Test
  void manyReaders_acrossStopsAndRestarts_neverSeeAFutureOrFrozenCopy() throws Exception {
    int readers = 4;
    long start = System.currentTimeMillis() + 100;
    ExecutorService pool = Executors.newFixedThreadPool(readers);
    try {
      List<Future<Long>> lags = new ArrayList<>();
      for (int r = 0; r < readers; r++) {
        lags.add(
            pool.submit(
                () -> {
                  long maxLag = 0;
                  // two rounds: all read hard for 400 ms, then all stay quiet long enough for the
                  // thread to stop, so the next round's first reads race to restart it
                  for (int round = 0; round < 2; round++) {
                    long readFrom = start + round * 2_000L;
                    Thread.sleep(Math.max(0, readFrom - System.currentTimeMillis()));
                    while (System.currentTimeMillis() < readFrom + 400) {
                      long before = System.currentTimeMillis();
                      long copy = CoarseSystemClock.millis();
                      long after = System.currentTimeMillis();
                      assertThat(copy).isLessThanOrEqualTo(after);
                      maxLag = Math.max(maxLag, before - copy);
                    }
                  }
                  return maxLag;
                }));
      }
      for (Future<Long> lag : lags) {
        // about a millisecond when the machine is idle; generous for a loaded CI machine
        assertThat(lag.get(30, TimeUnit.SECONDS)).isLessThan(500);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static Optional<Thread> ticker() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals(CoarseSystemClock.THREAD_NAME) && t.isAlive())
        .findFirst();
  }

  private static boolean eventually(BooleanSupplier condition, Duration deadline) {
    long end = System.nanoTime() + deadline.toNanos();
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) {
        return true;
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return condition.getAsBoolean();
  }
}
