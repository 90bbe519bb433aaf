package dev.guardrails.errors.alerts;

import dev.guardrails.core.GuardContext;
import dev.guardrails.errors.spi.AlertSink;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

/**
 * Factories of the built-in alert sinks.
 *
 * <p>Thread-safe.
 */
public final class AlertSinks {

  /** The name of the logger the {@linkplain #log() log sink} writes to. */
  public static final String ALERT_LOGGER = "guardrails.alerts";

  /** The marker on every line of the {@linkplain #log() log sink}, for routing alerts apart. */
  public static final Marker ALERT_MARKER = MarkerFactory.getMarker("GUARDRAILS_ALERT");

  /** The MDC key that holds the incident id while an alert or a failure is logged. */
  public static final String MDC_INCIDENT_ID = "incident_id";

  /** The MDC key that holds the alert's fingerprint while it is logged. */
  public static final String MDC_FINGERPRINT = "alert_fingerprint";

  private static final LogSink LOG_SINK = new LogSink(LoggerFactory.getLogger(ALERT_LOGGER));

  private AlertSinks() {}

  /**
   * Returns the sink that logs each alert as one line on the {@value #ALERT_LOGGER} logger with the
   * {@link #ALERT_MARKER}, at ERROR, WARN or INFO after its severity, with the correlation id,
   * incident id and fingerprint in the MDC.
   *
   * @return the log sink
   */
  public static AlertSink log() {
    return LOG_SINK;
  }

  /**
   * Returns a new sink that keeps alerts in memory, for tests.
   *
   * @return the sink
   */
  public static InMemoryAlertSink inMemory() {
    return new InMemoryAlertSink();
  }

  /**
   * Returns a webhook sink with default settings (JSON POST, 5-second timeout, 3 attempts, a queue
   * of 1,000 alerts); use {@link WebhookAlertSink#builder(URI)} to change them.
   *
   * @param uri the http or https endpoint
   * @return the sink; close it on shutdown
   * @throws NullPointerException if the URI is null
   * @throws IllegalArgumentException if the URI is not an absolute http or https URI
   */
  public static WebhookAlertSink webhook(URI uri) {
    return WebhookAlertSink.builder(uri).build();
  }

  /**
   * Returns a sink that hands alerts to a bounded queue drained by one thread that calls the
   * delegate, with default settings; use {@link AsyncAlertSink#builder(AlertSink)} to change them.
   *
   * @param delegate the sink that may block
   * @return the sink; close it on shutdown
   * @throws NullPointerException if the delegate is null
   */
  public static AsyncAlertSink async(AlertSink delegate) {
    return AsyncAlertSink.builder(delegate).build();
  }

  private static final class LogSink implements AlertSink {
    private final Logger logger;

    LogSink(Logger logger) {
      this.logger = logger;
    }

    @Override
    public void send(Alert alert) {
      String previousCorrelation = MDC.get(GuardContext.MDC_CORRELATION_ID);
      String previousIncident = MDC.get(MDC_INCIDENT_ID);
      String previousFingerprint = MDC.get(MDC_FINGERPRINT);
      try {
        if (alert.correlationId() != null) {
          MDC.put(GuardContext.MDC_CORRELATION_ID, alert.correlationId());
        }
        if (alert.incidentId() != null) {
          MDC.put(MDC_INCIDENT_ID, alert.incidentId());
        }
        MDC.put(MDC_FINGERPRINT, alert.fingerprint());
        String format =
            "ALERT {} fingerprint={} occurrences={} first_seen={} last_seen={} source={}"
                + " exception={} frames={}";
        Object[] args = {
          alert.summary(),
          alert.fingerprint(),
          alert.occurrences(),
          alert.firstSeen(),
          alert.lastSeen(),
          alert.source(),
          alert.exceptionType(),
          alert.frames()
        };
        switch (alert.severity()) {
          case ERROR -> logger.error(ALERT_MARKER, format, args);
          case WARN -> logger.warn(ALERT_MARKER, format, args);
          case INFO -> logger.info(ALERT_MARKER, format, args);
        }
      } finally {
        restore(GuardContext.MDC_CORRELATION_ID, previousCorrelation);
        restore(MDC_INCIDENT_ID, previousIncident);
        restore(MDC_FINGERPRINT, previousFingerprint);
      }
    }

    @Override
    public String name() {
      return "log";
    }

    private static void restore(String key, String value) {
      if (value == null) {
        MDC.remove(key);
      } else {
        MDC.put(key, value);
      }
    }
  }
}
