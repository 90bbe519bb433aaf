package dev.guardrails.errors;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Captures the events of one logger (and its children) for the length of a test. */
public final class LogCapture implements AutoCloseable {

  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender =
      new ListAppender<>() {
        @Override
        protected void append(ILoggingEvent event) {
          // capture the MDC now, as a synchronous appender or encoder would
          event.prepareForDeferredProcessing();
          super.append(event);
        }
      };

  private LogCapture(String name) {
    this.logger = (Logger) LoggerFactory.getLogger(name);
    appender.setContext(logger.getLoggerContext());
    appender.start();
    logger.addAppender(appender);
  }

  /** Starts capturing the named logger. */
  public static LogCapture of(String name) {
    return new LogCapture(name);
  }

  /** Starts capturing the logger of a class. */
  public static LogCapture of(Class<?> type) {
    return new LogCapture(type.getName());
  }

  /** Returns the events captured so far. */
  public List<ILoggingEvent> events() {
    synchronized (appender) {
      return List.copyOf(appender.list);
    }
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}
