package dev.guardrails.core;

import java.util.Objects;

/** The sink that drops every event. */
final class NoopEventSink implements EventSink {

  static final NoopEventSink INSTANCE = new NoopEventSink();

  private NoopEventSink() {}

  @Override
  public void publish(GuardrailEvent event) {
    Objects.requireNonNull(event, "event");
  }

  @Override
  public String name() {
    return "noop";
  }

  @Override
  public String toString() {
    return name();
  }
}
