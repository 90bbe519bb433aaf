package dev.guardrails.core;

import java.util.Map;
import java.util.Objects;

/**
 * An {@link EventSink} threw while publishing an event; a composite sink reports it to its other
 * sinks.
 *
 * <p>Type {@code "sink.failed"}, severity WARN. Immutable and thread-safe.
 *
 * @param context the context of the event that could not be published
 * @param sinkName the {@linkplain EventSink#name() name} of the sink that failed
 * @param errorType the class name of what it threw
 */
public record SinkFailedEvent(EventContext context, String sinkName, String errorType)
    implements GuardrailEvent {

  /**
   * Creates the event.
   *
   * @param context the context of the event that could not be published
   * @param sinkName the {@linkplain EventSink#name() name} of the sink that failed
   * @param errorType the class name of what it threw
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if the sink name or the error type is blank
   */
  public SinkFailedEvent {
    Objects.requireNonNull(context, "context");
    Text.requireNonBlank(sinkName, "sinkName");
    Text.requireNonBlank(errorType, "errorType");
  }

  @Override
  public String type() {
    return "sink.failed";
  }

  @Override
  public Severity severity() {
    return Severity.WARN;
  }

  @Override
  public Map<String, String> attributes() {
    return new Attributes().put("sink", sinkName).put("error_type", errorType).build();
  }
}
