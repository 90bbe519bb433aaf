package dev.guardrails.errors.alerts;

import dev.guardrails.core.Severity;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One alert sent to the sinks: a failure (or a run of identical failures) that someone must look
 * at. It carries no exception message, only the exception type and the top frames, so that it can
 * leave the process (a webhook) without leaking data; the incident and correlation ids lead to the
 * full log line.
 *
 * <p>Immutable and thread-safe.
 *
 * @param fingerprint what identifies identical failures: a hash of the exception type and the top
 *     frames of application code, or of the source and key of a non-exception alert
 * @param severity how urgent it is
 * @param title a one-line summary, e.g. {@code "bug: NullPointerException at OrderService.place"}
 * @param source what raised it, e.g. {@code "error-boundary"} or {@code "job:nightly-invoices"}
 * @param exceptionType the exception's class name, or null for an alert without an exception
 * @param frames the top frames of application code, as {@code Class.method}
 * @param incidentId the incident id of the latest occurrence, or null
 * @param correlationId the correlation id of the latest occurrence, or null
 * @param firstSeen when the first occurrence this alert reports happened
 * @param lastSeen when the last occurrence this alert reports happened
 * @param occurrences how many occurrences this alert reports, at least 1
 */
public record Alert(
    String fingerprint,
    Severity severity,
    String title,
    String source,
    @Nullable String exceptionType,
    List<String> frames,
    @Nullable String incidentId,
    @Nullable String correlationId,
    Instant firstSeen,
    Instant lastSeen,
    long occurrences) {

  /**
   * Creates an alert.
   *
   * @throws NullPointerException if a non-nullable component is null
   * @throws IllegalArgumentException if occurrences is less than 1 or lastSeen is before firstSeen
   */
  public Alert {
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(source, "source");
    frames = List.copyOf(frames);
    Objects.requireNonNull(firstSeen, "firstSeen");
    Objects.requireNonNull(lastSeen, "lastSeen");
    if (occurrences < 1) {
      throw new IllegalArgumentException("occurrences must be at least 1, but was " + occurrences);
    }
    if (lastSeen.isBefore(firstSeen)) {
      throw new IllegalArgumentException(
          "last seen must not be before first seen, but was " + lastSeen + " < " + firstSeen);
    }
  }

  /**
   * Returns the alert as an ordered map of JSON-ready values (times as ISO-8601 text), plus a
   * {@code text} member with a one-line summary for chat webhooks.
   *
   * @return a new mutable map
   */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("text", summary());
    map.put("fingerprint", fingerprint);
    map.put("severity", severity.name());
    map.put("title", title);
    map.put("source", source);
    if (exceptionType != null) {
      map.put("exceptionType", exceptionType);
    }
    map.put("frames", frames);
    if (incidentId != null) {
      map.put("incidentId", incidentId);
    }
    if (correlationId != null) {
      map.put("correlationId", correlationId);
    }
    map.put("firstSeen", firstSeen.toString());
    map.put("lastSeen", lastSeen.toString());
    map.put("occurrences", occurrences);
    return map;
  }

  /** {@return a one-line summary: severity, title, occurrences and incident} */
  public String summary() {
    return "["
        + severity
        + "] "
        + title
        + (occurrences > 1 ? " (" + occurrences + " times)" : "")
        + (incidentId != null ? " incident " + incidentId : "");
  }
}
