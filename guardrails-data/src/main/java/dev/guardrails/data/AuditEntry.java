package dev.guardrails.data;

import dev.guardrails.core.ActorKind;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One row of the audit log, as {@link AuditHistory} reads it: one audited change of one record.
 *
 * <p>Immutable and thread-safe.
 *
 * @param seq the audit row's sequence number; later changes have larger numbers
 * @param occurredAt when the transaction that made the change started (its {@link
 *     Transaction#now()})
 * @param tenantId the tenant the change belongs to
 * @param table the table of the changed record
 * @param recordId the id of the changed record, as text
 * @param action what was done to the record
 * @param actorId who made the change
 * @param actorKind whether a person, a service or a job made the change
 * @param correlationId the correlation id of the request or job run that made the change
 * @param transactionId the id of the transaction that made the change; the changes of one
 *     transaction share it
 * @param beforeJson the record's values before the change as the stored JSON object text, with
 *     sensitive columns masked; null for an insert
 * @param afterJson the record's values after the change as the stored JSON object text, with
 *     sensitive columns masked; null for a delete
 */
public record AuditEntry(
    long seq,
    Instant occurredAt,
    String tenantId,
    String table,
    String recordId,
    AuditAction action,
    String actorId,
    ActorKind actorKind,
    String correlationId,
    String transactionId,
    @Nullable String beforeJson,
    @Nullable String afterJson) {

  /**
   * Checks the entry.
   *
   * @throws NullPointerException if a component other than the JSON texts is null
   */
  public AuditEntry {
    Objects.requireNonNull(occurredAt, "occurredAt");
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(recordId, "recordId");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(actorId, "actorId");
    Objects.requireNonNull(actorKind, "actorKind");
    Objects.requireNonNull(correlationId, "correlationId");
    Objects.requireNonNull(transactionId, "transactionId");
  }
}
