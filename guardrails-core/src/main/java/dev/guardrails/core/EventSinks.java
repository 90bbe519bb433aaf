package dev.guardrails.core;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ready-made {@link EventSink}s: a structured log line per event, composites that isolate failing
 * sinks, a fail-safe wrapper and typed listeners.
 *
 * <p>Every sink returned here is thread-safe, provided the sinks and listeners given to it are.
 */
public final class EventSinks {

  /** The SLF4J logger that {@link #logging()} writes to. */
  public static final String LOGGER_NAME = "dev.guardrails.events";

  private EventSinks() {}

  /**
   * Returns a sink that writes one line per event to the SLF4J logger {@value #LOGGER_NAME}, at
   * INFO, WARN or ERROR by the event's severity: {@code type=access.denied correlation_id=…
   * actor_id=… tenant_id=… permission=invoice.read …}. Values that are empty or hold spaces,
   * quotes, {@code =} or control characters are quoted and escaped, so no value can forge another
   * line or field; an absent context value is written as {@code -}.
   *
   * @return the logging sink
   */
  public static EventSink logging() {
    return logging(LoggerFactory.getLogger(LOGGER_NAME));
  }

  /**
   * Returns a sink that writes one line per event to the given logger, as {@link #logging()} does.
   *
   * @param logger the logger to write to
   * @return the logging sink
   * @throws NullPointerException if {@code logger} is null
   */
  public static EventSink logging(Logger logger) {
    return new LoggingEventSink(logger);
  }

  /**
   * Returns a sink that publishes each event to every sink in order, isolating failures: a sink
   * that throws is logged and counted, a {@link SinkFailedEvent} is published to the others, and
   * the remaining sinks still get the event. See {@link CompositeEventSink}.
   *
   * @param sinks the sinks, in delivery order
   * @return the composite
   * @throws NullPointerException if the array or an element is null
   */
  public static CompositeEventSink composite(EventSink... sinks) {
    return composite(Arrays.asList(Objects.requireNonNull(sinks, "sinks")));
  }

  /**
   * Returns a sink that publishes each event to every sink in order, isolating failures; see {@link
   * #composite(EventSink...)}.
   *
   * @param sinks the sinks, in delivery order; copied
   * @return the composite
   * @throws NullPointerException if the list or an element is null
   */
  public static CompositeEventSink composite(List<? extends EventSink> sinks) {
    return new CompositeEventSink(sinks);
  }

  /**
   * Returns a sink that publishes to {@code sink} and never throws: a {@link RuntimeException} from
   * it is logged at WARN with the sink's name and counted. See {@link FailSafeEventSink}.
   *
   * @param sink the sink to guard
   * @return the fail-safe sink
   * @throws NullPointerException if {@code sink} is null
   */
  public static FailSafeEventSink failSafe(EventSink sink) {
    return new FailSafeEventSink(sink);
  }

  /**
   * Returns a sink that passes events of one type to a listener and ignores the others, e.g. {@code
   * forType(BudgetCrossedEvent.class, alerts::budgetCrossed)}.
   *
   * @param type the event type to listen to (subtypes included)
   * @param listener the listener
   * @param <E> the event type
   * @return the typed sink
   * @throws NullPointerException if an argument is null
   */
  public static <E extends GuardrailEvent> EventSink forType(
      Class<E> type, Consumer<? super E> listener) {
    return new TypedEventSink<>(type, listener);
  }

  /** Delivers the events of one type to a listener. */
  private static final class TypedEventSink<E extends GuardrailEvent> implements EventSink {

    private final Class<E> type;
    private final Consumer<? super E> listener;

    TypedEventSink(Class<E> type, Consumer<? super E> listener) {
      this.type = Objects.requireNonNull(type, "type");
      this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public void publish(GuardrailEvent event) {
      Objects.requireNonNull(event, "event");
      if (type.isInstance(event)) {
        listener.accept(type.cast(event));
      }
    }

    @Override
    public String name() {
      return "forType(" + type.getName() + ")";
    }

    @Override
    public String toString() {
      return name();
    }
  }
}
