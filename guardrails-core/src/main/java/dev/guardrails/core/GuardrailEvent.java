package dev.guardrails.core;

import java.util.Map;

/**
 * Something a guardrail decided or observed: an access decision, an audit row written, a budget
 * threshold crossed, a failure, a job run. Events go to an {@link EventSink}.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface GuardrailEvent {

  /** {@return the stable dotted name of the event's type, e.g. {@code "access.denied"}} */
  String type();

  /** {@return how much attention the event deserves} */
  Severity severity();

  /** {@return when the event occurred and in which request} */
  EventContext context();

  /**
   * Returns the type-specific fields as text, for log sinks: lower snake case keys in a stable
   * order, values as they are (sinks escape them).
   *
   * @return an immutable map
   */
  Map<String, String> attributes();
}
