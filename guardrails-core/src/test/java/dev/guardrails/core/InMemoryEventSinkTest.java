package dev.guardrails.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

final class InMemoryEventSinkTest {

  @Test
  void publish_keepsEventsInOrder_andFiltersByType() {
    InMemoryEventSink sink = new InMemoryEventSink();
    AuditWrittenEvent audit = Fixtures.auditEvent("r-1");
    SinkFailedEvent failed =
        new SinkFailedEvent(audit.context(), "x", "java.lang.RuntimeException");

    sink.publish(audit);
    sink.publish(failed);

    assertThat(sink.events()).containsExactly(audit, failed);
    assertThat(sink.events(SinkFailedEvent.class)).containsExactly(failed);
    assertThat(sink.events(GuardrailEvent.class)).hasSize(2);
    assertThat(sink.capacity()).isEqualTo(InMemoryEventSink.DEFAULT_CAPACITY);
    assertThat(sink.dropped()).isZero();
    assertThat(sink.name()).isEqualTo("inMemory");
    assertThatThrownBy(() -> sink.events().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void publish_full_dropsOldestAndCounts() {
    InMemoryEventSink sink = new InMemoryEventSink(2);

    for (int i = 0; i < 5; i++) {
      sink.publish(Fixtures.auditEvent("r-" + i));
    }

    assertThat(sink.events())
        .extracting(e -> ((AuditWrittenEvent) e).recordId())
        .containsExactly("r-3", "r-4");
    assertThat(sink.dropped()).isEqualTo(3);
  }

  @Test
  void clear_removesEventsAndResetsDrops() {
    InMemoryEventSink sink = new InMemoryEventSink(1);
    sink.publish(Fixtures.auditEvent("a"));
    sink.publish(Fixtures.auditEvent("b"));

    sink.clear();

    assertThat(sink.events()).isEmpty();
    assertThat(sink.dropped()).isZero();
  }

  @Test
  void constructorAndPublish_badArguments_throw() {
    assertThatThrownBy(() -> new InMemoryEventSink(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("capacity must be positive, but was 0");
    assertThatThrownBy(() -> new InMemoryEventSink().publish(null)).hasMessage("event");
    assertThatThrownBy(() -> new InMemoryEventSink().events(null)).hasMessage("type");
  }

  @Test
  void publish_concurrently_keepsBoundAndCountsEveryEvent() throws Exception {
    InMemoryEventSink sink = new InMemoryEventSink(100);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<Void>> publishers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        publishers.add(
            () -> {
              for (int i = 0; i < 1_000; i++) {
                sink.publish(Fixtures.auditEvent(thread + "-" + i));
              }
              return null;
            });
      }
      for (Future<Void> done : pool.invokeAll(publishers)) {
        done.get();
      }
    } finally {
      pool.shutdown();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    assertThat(sink.events()).hasSize(100);
    assertThat(sink.dropped()).isEqualTo(3_900);
  }
}
