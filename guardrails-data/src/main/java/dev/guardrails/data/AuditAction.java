package dev.guardrails.data;

/** What a write recorded in the audit log did to its record. Immutable and thread-safe. */
public enum AuditAction {
  /** The record was created. */
  INSERT,
  /** The record was changed. */
  UPDATE,
  /** The record was removed. */
  DELETE,
  /** The record was marked deleted and stays in the table. */
  SOFT_DELETE
}
