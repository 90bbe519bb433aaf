package dev.guardrails.core;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An authorization decision: whether an actor may perform an action on a resource, and why.
 *
 * <p>Type {@code "access.allowed"} (severity INFO) or {@code "access.denied"} (WARN). Immutable and
 * thread-safe.
 *
 * @param context when and in which request the decision was made
 * @param permission the permission checked, e.g. {@code "invoice.approve"}
 * @param resourceType the type of resource, e.g. {@code "invoice"}
 * @param resourceId the resource's id, when the decision is about one resource
 * @param allowed whether the action is allowed
 * @param reason why, e.g. {@code "owner"}, {@code "missing role approver"}
 */
public record AccessDecisionEvent(
    EventContext context,
    String permission,
    String resourceType,
    Optional<String> resourceId,
    boolean allowed,
    String reason)
    implements GuardrailEvent {

  /**
   * Creates the event.
   *
   * @param context when and in which request the decision was made
   * @param permission the permission checked, e.g. {@code "invoice.approve"}
   * @param resourceType the type of resource, e.g. {@code "invoice"}
   * @param resourceId the resource's id, when the decision is about one resource
   * @param allowed whether the action is allowed
   * @param reason why, e.g. {@code "owner"}, {@code "missing role approver"}
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if the permission, the resource type or the reason is blank
   */
  public AccessDecisionEvent {
    Objects.requireNonNull(context, "context");
    Text.requireNonBlank(permission, "permission");
    Text.requireNonBlank(resourceType, "resourceType");
    Objects.requireNonNull(resourceId, "resourceId");
    Text.requireNonBlank(reason, "reason");
  }

  @Override
  public String type() {
    return allowed ? "access.allowed" : "access.denied";
  }

  @Override
  public Severity severity() {
    return allowed ? Severity.INFO : Severity.WARN;
  }

  @Override
  public Map<String, String> attributes() {
    return new Attributes()
        .put("permission", permission)
        .put("resource_type", resourceType)
        .putIfPresent("resource_id", resourceId)
        .put("reason", reason)
        .build();
  }
}
