package dev.guardrails.core;

import java.util.Map;
import java.util.Objects;

/**
 * An audit row was written together with the change it records.
 *
 * <p>Type {@code "audit.written"}, severity INFO. Immutable and thread-safe.
 *
 * @param context when and in which request the change was made
 * @param table the audited table, e.g. {@code "invoice"}
 * @param recordId the id of the changed record
 * @param action what was done, e.g. {@code "insert"}, {@code "update"}, {@code "delete"}
 */
public record AuditWrittenEvent(EventContext context, String table, String recordId, String action)
    implements GuardrailEvent {

  /**
   * Creates the event.
   *
   * @param context when and in which request the change was made
   * @param table the audited table, e.g. {@code "invoice"}
   * @param recordId the id of the changed record
   * @param action what was done, e.g. {@code "insert"}, {@code "update"}, {@code "delete"}
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if the table, the record id or the action is blank
   */
  public AuditWrittenEvent {
    Objects.requireNonNull(context, "context");
    Text.requireNonBlank(table, "table");
    Text.requireNonBlank(recordId, "recordId");
    Text.requireNonBlank(action, "action");
  }

  @Override
  public String type() {
    return "audit.written";
  }

  @Override
  public Severity severity() {
    return Severity.INFO;
  }

  @Override
  public Map<String, String> attributes() {
    return new Attributes()
        .put("table", table)
        .put("record_id", recordId)
        .put("action", action)
        .build();
  }
}
