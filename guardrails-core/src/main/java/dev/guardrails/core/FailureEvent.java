package dev.guardrails.core;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A component failed: an unexpected exception at an error boundary, a store that cannot be reached,
 * a guardrail that had to fail closed.
 *
 * <p>Type {@code "failure.occurred"}, severity ERROR. Immutable and thread-safe.
 *
 * @param context when and in which request the failure occurred
 * @param component what failed, e.g. {@code "budget-store"}
 * @param errorCode a stable code for the failure, e.g. {@code "upstream_unavailable"}
 * @param safeMessage a message with no secret and no personal data
 * @param incidentId the id given to the user to quote to support, if one was issued
 */
public record FailureEvent(
    EventContext context,
    String component,
    String errorCode,
    String safeMessage,
    Optional<String> incidentId)
    implements GuardrailEvent {

  /**
   * Creates the event.
   *
   * @param context when and in which request the failure occurred
   * @param component what failed, e.g. {@code "budget-store"}
   * @param errorCode a stable code for the failure, e.g. {@code "upstream_unavailable"}
   * @param safeMessage a message with no secret and no personal data
   * @param incidentId the id given to the user to quote to support, if one was issued
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if the component, the error code or the message is blank
   */
  public FailureEvent {
    Objects.requireNonNull(context, "context");
    Text.requireNonBlank(component, "component");
    Text.requireNonBlank(errorCode, "errorCode");
    Text.requireNonBlank(safeMessage, "safeMessage");
    Objects.requireNonNull(incidentId, "incidentId");
  }

  @Override
  public String type() {
    return "failure.occurred";
  }

  @Override
  public Severity severity() {
    return Severity.ERROR;
  }

  @Override
  public Map<String, String> attributes() {
    return new Attributes()
        .put("component", component)
        .put("error_code", errorCode)
        .put("message", safeMessage)
        .putIfPresent("incident_id", incidentId)
        .build();
  }
}
