package dev.guardrails.data;

import java.util.Objects;

/**
 * One problem a {@link ConformanceCheck} found, on one table (or on the role, reported under the
 * table name {@value #ROLE}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param table the table the problem is on, or {@value #ROLE}
 * @param kind what is wrong
 * @param detail a sentence for the operator, e.g. "no policy for UPDATE"
 */
public record ConformanceProblem(String table, Kind kind, String detail) {

  /** The table name under which problems of the application role are reported. */
  public static final String ROLE = "(application role)";

  /** What a conformance problem is about. */
  public enum Kind {
    /** The application role does not exist. */
    ROLE_MISSING,
    /**
     * The application role is, or may SET ROLE to, a superuser, which bypasses row-level security.
     */
    ROLE_SUPERUSER,
    /** The application role has, or may SET ROLE to a role that has, BYPASSRLS. */
    ROLE_BYPASSES_RLS,
    /** The application role owns a table, or is a member of its owner (and may SET ROLE to it). */
    ROLE_OWNS_TABLE,
    /** Row-level security is not enabled on a tenant table. */
    RLS_DISABLED,
    /** Row-level security is enabled but not forced, so the owner bypasses it. */
    RLS_NOT_FORCED,
    /** A command (SELECT, INSERT, UPDATE, DELETE) has no policy. */
    POLICY_MISSING,
    /** A policy does not compare against {@code nullif(current_setting(..., true), '')}. */
    POLICY_NOT_FAIL_CLOSED,
    /** A declared tenant table has no tenant column. */
    TENANT_COLUMN_MISSING,
    /** The tenant column accepts NULL. */
    TENANT_COLUMN_NULLABLE,
    /** No index starts with the tenant column. */
    TENANT_COLUMN_NOT_INDEXED,
    /** The table has no primary key. */
    PRIMARY_KEY_MISSING,
    /** A foreign key's columns are not the leading columns of any index. */
    FOREIGN_KEY_NOT_INDEXED
  }

  /**
   * Checks the fields.
   *
   * @throws NullPointerException if a field is null
   */
  public ConformanceProblem {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(detail, "detail");
  }

  @Override
  public String toString() {
    return table + ": " + kind + " (" + detail + ")";
  }
}
