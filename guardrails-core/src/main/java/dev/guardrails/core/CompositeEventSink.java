package dev.guardrails.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes each event to several sinks in order and isolates their failures. Created by {@link
 * EventSinks#composite(EventSink...)}.
 *
 * <p>When a sink throws a {@link RuntimeException}, the composite logs it at WARN with the sink's
 * name, counts it, goes on with the remaining sinks, and then publishes a {@link SinkFailedEvent}
 * to every other sink. A sink that fails to take that report is logged and counted too, but not
 * reported again, so failures never recurse. {@link #publish} never throws a {@code
 * RuntimeException} from a sink; errors ({@link Error}) still propagate.
 *
 * <p>Thread-safe if the sinks are.
 */
public final class CompositeEventSink implements EventSink {

  private final Logger log;

  private final List<EventSink> sinks;
  private final AtomicLong failures = new AtomicLong();

  CompositeEventSink(List<? extends EventSink> sinks) {
    this(sinks, LoggerFactory.getLogger(CompositeEventSink.class));
  }

  CompositeEventSink(List<? extends EventSink> sinks, Logger log) {
    this.log = Objects.requireNonNull(log, "log");
    Objects.requireNonNull(sinks, "sinks");
    for (EventSink sink : sinks) {
      Objects.requireNonNull(sink, "sink");
    }
    this.sinks = List.copyOf(sinks);
  }

  /**
   * Publishes the event to every sink in order, then reports the sinks that failed to the others.
   *
   * @param event the event
   * @throws NullPointerException if {@code event} is null
   */
  @Override
  public void publish(GuardrailEvent event) {
    Objects.requireNonNull(event, "event");
    List<SinkFailedEvent> reports = null;
    List<EventSink> failed = null;
    for (EventSink sink : sinks) {
      try {
        sink.publish(event);
      } catch (RuntimeException e) {
        failures.incrementAndGet();
        logFailure(log, sink, event, e);
        if (reports == null || failed == null) {
          reports = new ArrayList<>(1);
          failed = new ArrayList<>(1);
        }
        reports.add(new SinkFailedEvent(event.context(), sinkName(sink), e.getClass().getName()));
        failed.add(sink);
      }
    }
    if (reports == null || failed == null) {
      return;
    }
    for (int i = 0; i < reports.size(); i++) {
      SinkFailedEvent report = reports.get(i);
      EventSink source = failed.get(i);
      for (EventSink sink : sinks) {
        if (sink == source) {
          continue;
        }
        try {
          sink.publish(report);
        } catch (RuntimeException e) {
          failures.incrementAndGet();
          logFailure(log, sink, report, e);
        }
      }
    }
  }

  /** {@return how many times a sink has thrown, including while taking a failure report} */
  public long failureCount() {
    return failures.get();
  }

  /** {@return the sinks, in delivery order} */
  public List<EventSink> sinks() {
    return sinks;
  }

  @Override
  public String name() {
    StringBuilder name = new StringBuilder("composite(");
    for (int i = 0; i < sinks.size(); i++) {
      name.append(i == 0 ? "" : ", ").append(sinkName(sinks.get(i)));
    }
    return name.append(')').toString();
  }

  @Override
  public String toString() {
    return name();
  }

  /** A sink's name, or its class name when its {@code name()} itself fails or is blank. */
  static String sinkName(EventSink sink) {
    try {
      String name = sink.name();
      return name.isBlank() ? sink.getClass().getName() : name;
    } catch (RuntimeException e) {
      return sink.getClass().getName();
    }
  }

  static void logFailure(Logger log, EventSink sink, GuardrailEvent event, RuntimeException e) {
    log.warn(
        "event sink {} failed to publish a {} event; the event is lost for that sink",
        Text.quote(sinkName(sink)),
        Text.quote(event.type()),
        e);
  }
}
