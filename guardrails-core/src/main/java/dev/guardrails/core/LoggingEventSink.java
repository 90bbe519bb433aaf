package dev.guardrails.core;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;

/** Writes one escaped key=value line per event to an SLF4J logger, at the event's severity. */
final class LoggingEventSink implements EventSink {

  private final Logger logger;

  LoggingEventSink(Logger logger) {
    this.logger = Objects.requireNonNull(logger, "logger");
  }

  @Override
  public void publish(GuardrailEvent event) {
    Objects.requireNonNull(event, "event");
    switch (event.severity()) {
      case INFO -> {
        if (logger.isInfoEnabled()) {
          logger.info("{}", format(event));
        }
      }
      case WARN -> {
        if (logger.isWarnEnabled()) {
          logger.warn("{}", format(event));
        }
      }
      case ERROR -> {
        if (logger.isErrorEnabled()) {
          logger.error("{}", format(event));
        }
      }
    }
  }

  /**
   * Formats an event as {@code type=… correlation_id=… actor_id=… tenant_id=… key=value …}, with
   * every key and value made safe for a single log line.
   */
  static String format(GuardrailEvent event) {
    EventContext context = event.context();
    StringBuilder line = new StringBuilder(128);
    line.append("type=").append(value(event.type()));
    appendContext(line, "correlation_id", context.correlationId());
    appendContext(line, "actor_id", context.actorId());
    appendContext(line, "tenant_id", context.tenantId());
    for (Map.Entry<String, String> attribute : event.attributes().entrySet()) {
      line.append(' ').append(key(attribute.getKey())).append('=');
      line.append(value(attribute.getValue()));
    }
    return line.toString();
  }

  private static void appendContext(StringBuilder line, String key, Optional<String> value) {
    line.append(' ').append(key).append('=').append(value.map(LoggingEventSink::value).orElse("-"));
  }

  /** A key reduced to {@code [A-Za-z0-9_.-]}, any other character replaced by an underscore. */
  static String key(String key) {
    if (key.isEmpty()) {
      return "_";
    }
    StringBuilder safe = new StringBuilder(key.length());
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      safe.append(isBare(c) && c != ':' && c != '/' && c != '@' && c != '+' ? c : '_');
    }
    return safe.toString();
  }

  /**
   * A value as is when it is non-empty and made of {@code [A-Za-z0-9_.:/@+-]} only; otherwise in
   * double quotes, with quotes, backslashes and control characters escaped.
   */
  static String value(String value) {
    boolean bare = !value.isEmpty();
    for (int i = 0; bare && i < value.length(); i++) {
      bare = isBare(value.charAt(i));
    }
    if (bare) {
      return value;
    }
    return "\"" + Text.escape(value).replace("\"", "\\\"") + "\"";
  }

  private static boolean isBare(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '.'
        || c == ':'
        || c == '/'
        || c == '@'
        || c == '+'
        || c == '-';
  }

  @Override
  public String name() {
    return "logging(" + logger.getName() + ")";
  }

  @Override
  public String toString() {
    return name();
  }
}
