package dev.guardrails.core;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes to one sink and never throws: a {@link RuntimeException} from the sink is logged once
 * at WARN, with the sink's name, the event's type and the exception, and counted. Errors ({@link
 * Error}) still propagate. Created by {@link EventSinks#failSafe(EventSink)}.
 *
 * <p>Thread-safe if the wrapped sink is.
 */
public final class FailSafeEventSink implements EventSink {

  private final Logger log;

  private final EventSink delegate;
  private final AtomicLong failures = new AtomicLong();

  FailSafeEventSink(EventSink delegate) {
    this(delegate, LoggerFactory.getLogger(FailSafeEventSink.class));
  }

  FailSafeEventSink(EventSink delegate, Logger log) {
    this.delegate = Objects.requireNonNull(delegate, "sink");
    this.log = Objects.requireNonNull(log, "log");
  }

  /**
   * Publishes the event to the wrapped sink, logging and counting its failure if it throws.
   *
   * @param event the event
   * @throws NullPointerException if {@code event} is null
   */
  @Override
  public void publish(GuardrailEvent event) {
    Objects.requireNonNull(event, "event");
    try {
      delegate.publish(event);
    } catch (RuntimeException e) {
      failures.incrementAndGet();
      CompositeEventSink.logFailure(log, delegate, event, e);
    }
  }

  /** {@return how many times the wrapped sink has thrown} */
  public long failureCount() {
    return failures.get();
  }

  /** {@return the wrapped sink's name} */
  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public String toString() {
    return "failSafe(" + delegate.name() + ")";
  }
}
