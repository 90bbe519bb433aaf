package dev.guardrails.errors.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.guardrails.core.EventContext;
import dev.guardrails.core.FailureEvent;
import dev.guardrails.core.JobRunEvent;
import dev.guardrails.core.Severity;
import dev.guardrails.errors.LogCapture;
import dev.guardrails.errors.MutableClock;
import dev.guardrails.errors.spi.AlertSink;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

final class AlertPipelineTest {

  private final MutableClock clock = MutableClock.atEpoch();
  private final InMemoryAlertSink sink = AlertSinks.inMemory();

  private AlertPipeline.Builder pipeline() {
    return AlertPipeline.builder()
        .clock(clock)
        .sink(sink)
        .globalLimit(1_000, Duration.ofMinutes(1));
  }

  private static RuntimeException failureA() {
    return new IllegalStateException("a " + System.nanoTime());
  }

  private static RuntimeException failureB() {
    return new IllegalArgumentException("b");
  }

  @Test
  void raise_tenThousandIdenticalFailuresInWindow_oneAlertAndACount() {
    AlertPipeline alerts = pipeline().build();
    String fingerprint = null;
    for (int i = 0; i < 10_000; i++) {
      alerts.raise(failureA(), Severity.ERROR, "test", "inc-" + i, null);
    }
    assertThat(sink.alerts()).hasSize(1);
    fingerprint = sink.alerts().get(0).fingerprint();
    assertThat(sink.alerts().get(0).occurrences()).isEqualTo(1);
    assertThat(alerts.pending(fingerprint)).isEqualTo(9_999);
    assertThat(alerts.stats().received()).isEqualTo(10_000);
    assertThat(alerts.stats().deduplicated()).isEqualTo(9_999);

    clock.advance(Duration.ofMinutes(5));
    assertThat(alerts.flush()).isEqualTo(1);
    assertThat(sink.alerts()).hasSize(2);
    Alert summary = sink.alerts().get(1);
    assertThat(summary.occurrences()).isEqualTo(9_999);
    assertThat(summary.fingerprint()).isEqualTo(fingerprint);
    assertThat(alerts.pending(fingerprint)).isZero();
  }

  @Test
  void raise_afterWindow_nextAlertFoldsHeldOccurrences() {
    AlertPipeline alerts = pipeline().build();
    alerts.raise(failureA(), Severity.ERROR, "test", null, null);
    clock.advance(Duration.ofMinutes(1));
    alerts.raise(failureA(), Severity.ERROR, "test", null, null);
    alerts.raise(failureA(), Severity.ERROR, "test", null, null);
    clock.advance(Duration.ofMinutes(5));
    alerts.raise(failureA(), Severity.ERROR, "test", "inc-last", "corr-last-0001");
    assertThat(sink.alerts()).hasSize(2);
    Alert second = sink.alerts().get(1);
    assertThat(second.occurrences()).isEqualTo(3);
    assertThat(second.firstSeen()).isEqualTo(Instant.parse("2026-01-01T00:01:00Z"));
    assertThat(second.lastSeen()).isEqualTo(Instant.parse("2026-01-01T00:06:00Z"));
    assertThat(second.incidentId()).isEqualTo("inc-last");
    assertThat(second.correlationId()).isEqualTo("corr-last-0001");
  }

  @Test
  void raise_differentFailures_differentFingerprints() {
    AlertPipeline alerts = pipeline().build();
    alerts.raise(failureA(), Severity.ERROR, "test", null, null);
    alerts.raise(failureB(), Severity.ERROR, "test", null, null);
    assertThat(sink.alerts()).extracting(Alert::fingerprint).doesNotHaveDuplicates().hasSize(2);
    assertThat(sink.alerts().get(0).exceptionType())
        .isEqualTo(IllegalStateException.class.getName());
    assertThat(sink.alerts().get(0).frames()).isNotEmpty();
    assertThat(sink.alerts().get(0).title()).startsWith("test: IllegalStateException at ");
  }

  @Test
  void raise_sameTypeDifferentThrowSite_differentFingerprints() {
    AlertPipeline alerts = pipeline().build();
    alerts.raise(new IllegalStateException("x"), Severity.ERROR, "test", null, null);
    alerts.raise(throwSiteTwo(), Severity.ERROR, "test", null, null);
    assertThat(sink.alerts()).extracting(Alert::fingerprint).doesNotHaveDuplicates().hasSize(2);
  }

  private static IllegalStateException throwSiteTwo() {
    return new IllegalStateException("x");
  }

  @Test
  void raise_perFingerprintLimit_holdsBackAndReportsCountLater() {
    AlertPipeline alerts =
        pipeline()
            .dedupWindow(Duration.ofSeconds(1))
            .perFingerprintLimit(2, Duration.ofHours(1))
            .build();
    for (int i = 0; i < 5; i++) {
      alerts.raise(failureA(), Severity.ERROR, "test", null, null);
      clock.advance(Duration.ofSeconds(2));
    }
    assertThat(sink.alerts()).hasSize(2);
    assertThat(alerts.stats().rateLimited()).isEqualTo(3);
    clock.advance(Duration.ofHours(1));
    alerts.flush();
    assertThat(sink.alerts()).hasSize(3);
    assertThat(sink.alerts().get(2).occurrences()).isEqualTo(3);
  }

  @Test
  void raise_globalLimit_capsAllFingerprintsAndLosesNothing() {
    AlertPipeline alerts =
        AlertPipeline.builder()
            .clock(clock)
            .sink(sink)
            .globalLimit(2, Duration.ofMinutes(1))
            .build();
    List<RuntimeException> distinct = new ArrayList<>();
    distinct.add(new IllegalStateException());
    distinct.add(new IllegalArgumentException());
    distinct.add(new UnsupportedOperationException());
    distinct.add(new ArithmeticException());
    for (RuntimeException e : distinct) {
      alerts.raise(e, Severity.ERROR, "test", null, null);
    }
    assertThat(sink.alerts()).hasSize(2);
    assertThat(alerts.stats().rateLimited()).isEqualTo(2);
    clock.advance(Duration.ofMinutes(5));
    alerts.flush();
    assertThat(sink.alerts()).hasSize(4);
    assertThat(sink.alerts().stream().mapToLong(Alert::occurrences).sum()).isEqualTo(4);
  }

  @Test
  void raise_globalLimitRefusals_doNotUseUpTheFingerprintsOwnBudget() {
    AlertPipeline alerts =
        AlertPipeline.builder()
            .clock(clock)
            .sink(sink)
            .dedupWindow(Duration.ofSeconds(1))
            .perFingerprintLimit(3, Duration.ofHours(1))
            .globalLimit(1, Duration.ofMinutes(1))
            .build();
    // a noisy failure takes the global budget every minute, just before a critical one
    for (int minute = 0; minute < 3; minute++) {
      alerts.raise("noisy", "k", Severity.ERROR, "noisy", null);
      clock.advance(Duration.ofSeconds(2));
      alerts.raise("critical", "k", Severity.ERROR, "critical", null);
      clock.advance(Duration.ofSeconds(58));
    }
    assertThat(sink.alerts()).extracting(Alert::title).containsOnly("noisy");

    // the noise stops: the critical failure is alerted as soon as the global limit has room
    clock.advance(Duration.ofSeconds(30));
    alerts.raise("critical", "k", Severity.ERROR, "critical", null);

    assertThat(sink.alerts())
        .filteredOn(a -> a.title().equals("critical"))
        .singleElement()
        .satisfies(a -> assertThat(a.occurrences()).isEqualTo(4));
  }

  @Test
  void raise_tooManyFingerprints_reportedUnderOverflow() {
    AlertPipeline alerts = pipeline().maxFingerprints(1).build();
    alerts.raise(failureA(), Severity.ERROR, "test", null, null);
    alerts.raise(failureB(), Severity.WARN, "test", null, null);
    alerts.raise(new ArithmeticException(), Severity.WARN, "test", null, null);
    assertThat(sink.alerts()).hasSize(2);
    assertThat(sink.alerts().get(1).fingerprint()).isEqualTo("overflow");
    assertThat(sink.alerts().get(1).title()).startsWith("too many distinct failures");
    assertThat(alerts.stats().overflowed()).isEqualTo(2);
  }

  @Test
  void raise_sinkThrows_callerUnaffectedOtherSinksServedAndFailureCounted() {
    InMemoryAlertSink second = AlertSinks.inMemory();
    AlertPipeline alerts =
        AlertPipeline.builder()
            .clock(clock)
            .sink(
                alert -> {
                  throw new IllegalStateException("sink down");
                })
            .sink(second)
            .build();
    try (LogCapture log = LogCapture.of(AlertPipeline.class)) {
      alerts.raise(failureA(), Severity.ERROR, "test", null, null);
      assertThat(log.events())
          .singleElement()
          .satisfies(e -> assertThat(e.getFormattedMessage()).contains("failed to accept"));
    }
    assertThat(second.alerts()).hasSize(1);
    assertThat(alerts.stats().sinkFailures()).isEqualTo(1);
  }

  @Test
  void raise_keyedAlert_dedupedBySourceAndKey() {
    AlertPipeline alerts = pipeline().build();
    alerts.raise("job:nightly", "stale", Severity.ERROR, "job nightly is stale", null);
    alerts.raise("job:nightly", "stale", Severity.ERROR, "job nightly is stale", null);
    alerts.raise("job:hourly", "stale", Severity.ERROR, "job hourly is stale", null);
    assertThat(sink.alerts())
        .extracting(Alert::title)
        .containsExactly("job nightly is stale", "job hourly is stale");
    assertThat(sink.alerts().get(0).exceptionType()).isNull();
  }

  @Test
  void publish_eventsAtThreshold_alertedAndBoundaryFailuresSkipped() {
    AlertPipeline alerts = pipeline().build();
    EventContext context = EventContext.of(clock.instant(), null);
    alerts.publish(
        new JobRunEvent(context, "nightly", JobRunEvent.Outcome.SUCCEEDED, Duration.ZERO));
    alerts.publish(new JobRunEvent(context, "nightly", JobRunEvent.Outcome.FAILED, Duration.ZERO));
    alerts.publish(
        new FailureEvent(context, "budget-store", "store_down", "store down", Optional.empty()));
    alerts.publish(
        new FailureEvent(
            context, AlertPipeline.BOUNDARY_COMPONENT, "internal_error", "x", Optional.of("i-1")));
    assertThat(sink.alerts())
        .extracting(Alert::title)
        .containsExactly("event job.failed", "budget-store: store_down");
  }

  @Test
  void logSink_writesOneLineWithMarkerAndMdc() {
    AlertPipeline alerts = AlertPipeline.builder().clock(clock).sink(AlertSinks.log()).build();
    try (LogCapture log = LogCapture.of(AlertSinks.ALERT_LOGGER)) {
      alerts.raise(failureA(), Severity.ERROR, "test", "inc-1", "corr-000000001");
      assertThat(log.events())
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.getMarkerList()).contains(AlertSinks.ALERT_MARKER);
                assertThat(e.getLevel().toString()).isEqualTo("ERROR");
                assertThat(e.getMDCPropertyMap())
                    .containsEntry("incident_id", "inc-1")
                    .containsEntry("correlation_id", "corr-000000001");
                assertThat(e.getFormattedMessage()).contains("ALERT").contains("occurrences=1");
              });
    }
  }

  @Test
  void raise_concurrentIdenticalFailures_everyOccurrenceAccountedFor() throws Exception {
    AlertPipeline alerts = pipeline().build();
    int threads = 8;
    int perThread = 2_000;
    RuntimeException failure = failureA();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      futures.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                  alerts.raise(failure, Severity.ERROR, "test", null, null);
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> f : futures) {
      f.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(sink.alerts()).hasSize(1);
    String fingerprint = sink.alerts().get(0).fingerprint();
    assertThat(alerts.pending(fingerprint) + 1).isEqualTo((long) threads * perThread);
    clock.advance(Duration.ofMinutes(5));
    alerts.flush();
    assertThat(sink.alerts().stream().mapToLong(Alert::occurrences).sum())
        .isEqualTo((long) threads * perThread);
  }

  @Test
  void raise_concurrentDistinctKeysWithEviction_noOccurrenceLost() throws Exception {
    AlertPipeline alerts =
        AlertPipeline.builder()
            .clock(clock)
            .sink(sink)
            .maxFingerprints(8)
            .dedupWindow(Duration.ofSeconds(1))
            .perFingerprintLimit(2, Duration.ofSeconds(1))
            .globalLimit(5, Duration.ofSeconds(1))
            .build();
    int threads = 4;
    int perThread = 3_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      futures.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                  alerts.raise("src", "key-" + ((i * 7 + id) % 20), Severity.WARN, "k", null);
                  if (i % 100 == 0) {
                    clock.advance(Duration.ofMillis(700));
                  }
                }
                return null;
              }));
    }
    futures.add(
        pool.submit(
            () -> {
              start.await();
              for (int i = 0; i < 300; i++) {
                alerts.flush();
              }
              return null;
            }));
    start.countDown();
    for (Future<?> f : futures) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    for (int i = 0; i < 50; i++) {
      clock.advance(Duration.ofMinutes(1));
      alerts.flush();
    }
    assertThat(sink.alerts().stream().mapToLong(Alert::occurrences).sum())
        .isEqualTo((long) threads * perThread);
  }

  @Test
  void builder_rejectsMisuse() {
    assertThatThrownBy(() -> AlertPipeline.builder().dedupWindow(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dedup window must be positive, but was PT0S");
    assertThatThrownBy(() -> AlertPipeline.builder().globalLimit(0, Duration.ofMinutes(1)))
        .hasMessage("global limit must be at least 1, but was 0");
    AlertSink same = AlertSinks.inMemory();
    assertThatThrownBy(() -> AlertPipeline.builder().sink(same).sink(same))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already added");
  }
}
