package dev.guardrails.errors.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.guardrails.core.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

final class AsyncAlertSinkTest {

  private static Alert alert(String fingerprint) {
    Instant at = Instant.parse("2026-01-01T00:00:00Z");
    return new Alert(
        fingerprint, Severity.ERROR, "title", "test", null, List.of(), null, null, at, at, 1);
  }

  @Test
  void send_delegateThrowsAnError_countedAndTheWorkerGoesOn() {
    List<String> delivered = new CopyOnWriteArrayList<>();
    AsyncAlertSink sink =
        AsyncAlertSink.builder(
                alert -> {
                  if (alert.fingerprint().equals("fp-1")) {
                    throw new NoClassDefFoundError("com/acme/PagerClient");
                  }
                  delivered.add(alert.fingerprint());
                })
            .closeTimeout(Duration.ofSeconds(10))
            .build();

    sink.send(alert("fp-1"));
    sink.send(alert("fp-2"));
    sink.close();

    assertThat(delivered).containsExactly("fp-2");
    assertThat(sink.stats()).isEqualTo(new SinkStats(1, 1, 0, 0));
  }
}
