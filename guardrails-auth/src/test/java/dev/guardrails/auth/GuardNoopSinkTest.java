package dev.guardrails.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.guardrails.core.Actor;
import dev.guardrails.core.EventSink;
import dev.guardrails.core.InMemoryEventSink;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

final class GuardNoopSinkTest {

  /** Counts draws; a correlation id for an event outside a request draws from it. */
  private static final class CountingRandom implements RandomGenerator {
    final AtomicInteger draws = new AtomicInteger();
    private final SplittableRandom delegate = new SplittableRandom(7);

    @Override
    public long nextLong() {
      draws.incrementAndGet();
      return delegate.nextLong();
    }
  }

  private final Actor nobody = Actor.person("nina", "t1");

  @Test
  void decide_denialWithNoopSink_buildsNoEvent() {
    CountingRandom random = new CountingRandom();
    Guard guard =
        Guard.builder()
            .grant("viewer", "invoice:read")
            .eventSink(EventSink.noop())
            .random(random)
            .build();

    Decision decision = guard.decide(nobody, "invoice:read");

    assertThat(decision.denied()).isTrue();
    assertThat(random.draws).hasValue(0);
  }

  @Test
  void decide_denialWithRealSink_stillPublishes() {
    CountingRandom random = new CountingRandom();
    InMemoryEventSink events = new InMemoryEventSink();
    Guard guard =
        Guard.builder().grant("viewer", "invoice:read").eventSink(events).random(random).build();

    Decision decision = guard.decide(nobody, "invoice:read");

    assertThat(decision.denied()).isTrue();
    assertThat(random.draws.get()).isPositive();
    assertThat(events.events()).hasSize(1);
  }
}
