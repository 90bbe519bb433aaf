package dev.guardrails.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;

/**
 * An SLF4J logger that records every call, for assertions on what was logged and at which level.
 */
final class RecordingLogger extends LegacyAbstractLogger {

  private static final long serialVersionUID = 1L;

  /** One logging call: level, message pattern, arguments (without the throwable), throwable. */
  record Call(Level level, String pattern, List<Object> arguments, Throwable throwable) {}

  private final boolean enabled;
  private final transient List<Call> calls = new ArrayList<>();

  RecordingLogger(String name, boolean enabled) {
    this.name = name;
    this.enabled = enabled;
  }

  List<Call> calls() {
    return calls;
  }

  @Override
  public boolean isTraceEnabled() {
    return enabled;
  }

  @Override
  public boolean isDebugEnabled() {
    return enabled;
  }

  @Override
  public boolean isInfoEnabled() {
    return enabled;
  }

  @Override
  public boolean isWarnEnabled() {
    return enabled;
  }

  @Override
  public boolean isErrorEnabled() {
    return enabled;
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return RecordingLogger.class.getName();
  }

  @Override
  protected void handleNormalizedLoggingCall(
      Level level, Marker marker, String pattern, Object[] arguments, Throwable throwable) {
    calls.add(
        new Call(
            level,
            pattern,
            arguments == null ? List.of() : Arrays.asList(arguments.clone()),
            throwable));
  }
}
