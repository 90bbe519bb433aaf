package dev.guardrails.core;

/**
 * Receives {@link GuardrailEvent}s: a log, a metrics adapter, an alerting hook, a test recorder.
 *
 * <p>Implementations must be thread-safe: guardrails publish from whatever thread decides. {@link
 * #publish} should not throw; combine sinks with {@link EventSinks#composite} or guard one with
 * {@link EventSinks#failSafe} so that a failing sink never breaks the guarded call.
 */
@FunctionalInterface
public interface EventSink {

  /**
   * Publishes an event.
   *
   * @param event the event
   * @throws NullPointerException if {@code event} is null (implementations should check)
   */
  void publish(GuardrailEvent event);

  /**
   * Returns a name for this sink in logs and in {@link SinkFailedEvent}s; by default the class
   * name. Override it in sinks written as classes to give a readable one.
   *
   * @return the sink's name
   */
  default String name() {
    return getClass().getName();
  }

  /** {@return a sink that drops every event} */
  static EventSink noop() {
    return NoopEventSink.INSTANCE;
  }
}
