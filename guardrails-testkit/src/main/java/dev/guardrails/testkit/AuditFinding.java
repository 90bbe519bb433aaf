package dev.guardrails.testkit;

import java.util.Objects;

/**
 * A committed row change whose audit trail is wrong, found by {@link AuditCompleteness}.
 *
 * @param kind what is wrong
 * @param table the watched table
 * @param recordId the changed record's id, or {@code *} for a {@code TRUNCATE} of an empty table
 * @param operation the database operation ({@code INSERT}, {@code UPDATE}, {@code DELETE}, {@code
 *     TRUNCATE}) or, for an audit row without a change, the audit action
 * @param detail a human-readable explanation
 */
public record AuditFinding(
    AuditFinding.Kind kind, String table, String recordId, String operation, String detail) {

  /** What is wrong with a change's audit trail. */
  public enum Kind {
    /** The change committed without an audit row in its transaction (a raw write). */
    RAW_WRITE,
    /** The change's transaction holds more audit rows for the record than changes. */
    EXTRA_AUDIT_ROW,
    /** The audit row names another tenant, actor or correlation id than the change's. */
    MISMATCH
  }

  /**
   * Validates the parts.
   *
   * @throws NullPointerException if a part is null
   */
  public AuditFinding {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(recordId, "recordId");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(detail, "detail");
  }

  /** {@return one line, e.g. {@code RAW_WRITE notes/42 UPDATE: no audit row in its transaction}} */
  @Override
  public String toString() {
    return kind + " " + table + "/" + recordId + " " + operation + ": " + detail;
  }
}
