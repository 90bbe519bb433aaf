package dev.guardrails.errors.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.guardrails.core.Severity;
import dev.guardrails.errors.MutableClock;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** No occurrence is ever lost: every one is in exactly one alert, once the windows have closed. */
final class AlertAccountingProperties {

  private static final List<RuntimeException> FAILURES =
      List.of(
          new IllegalStateException(), new IllegalArgumentException(), new ArithmeticException());

  @Property(tries = 200)
  void everyOccurrenceReportedExactlyOnce(
      @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 2) Integer> which,
      @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 120) Integer> gapsSeconds,
      @ForAll @IntRange(min = 1, max = 5) int perFingerprint,
      @ForAll @IntRange(min = 1, max = 5) int global) {
    MutableClock clock = MutableClock.atEpoch();
    InMemoryAlertSink sink = AlertSinks.inMemory();
    AlertPipeline alerts =
        AlertPipeline.builder()
            .clock(clock)
            .sink(sink)
            .dedupWindow(Duration.ofSeconds(30))
            .perFingerprintLimit(perFingerprint, Duration.ofMinutes(5))
            .globalLimit(global, Duration.ofMinutes(1))
            .build();
    for (int i = 0; i < which.size(); i++) {
      if (i < gapsSeconds.size()) {
        clock.advance(Duration.ofSeconds(gapsSeconds.get(i)));
      }
      alerts.raise(FAILURES.get(which.get(i)), Severity.ERROR, "p", null, null);
    }
    for (int i = 0; i < 20; i++) {
      clock.advance(Duration.ofMinutes(10));
      alerts.flush();
    }
    long reported = sink.alerts().stream().mapToLong(Alert::occurrences).sum();
    assertThat(reported).isEqualTo(which.size());
    assertThat(alerts.stats().received()).isEqualTo(which.size());
  }
}
