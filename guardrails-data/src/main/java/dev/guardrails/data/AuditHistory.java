package dev.guardrails.data;

import dev.guardrails.core.ActorKind;
import dev.guardrails.core.GuardContext;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;

/**
 * Reads the audit log ({@code guardrails_audit}): the history of one record, or the latest changes,
 * always of the tenant of the {@link GuardContext} bound to the calling thread. The tenant never
 * comes from an argument: a record of another tenant has an empty history, exactly like a record
 * that has none, so a caller cannot learn that it exists.
 *
 * <pre>{@code
 * AuditHistory audit = AuditHistory.of(database);
 * try (GuardContext.Scope scope = context.open()) {
 *   Page<AuditEntry> page = audit.history("invoices", invoiceId); // oldest first
 * }
 * }</pre>
 *
 * <p>Every read is paged ({@link PageRequest}, at most {@value PageRequest#MAX_LIMIT} entries), so
 * a record changed a million times cannot return an unbounded list; {@link Page#hasMore()} says
 * when to ask for {@link PageRequest#next()}. Entries are ordered by their sequence number,
 * ascending unless the request is {@linkplain PageRequest#sortedDescendingBy descending}; the audit
 * log is append-only, so the pages of an ascending read stay stable while changes are added.
 *
 * <p>Each read joins the transaction open on the thread (so it sees that transaction's own audit
 * rows), or runs in a transaction of its own; on PostgreSQL that transaction carries the tenant
 * setting, so row-level security on the audit table, where an application enables it, applies too.
 * Works on PostgreSQL and H2. The index {@code guardrails_audit_record (table_name, record_id)}
 * serves {@link #history}.
 *
 * <p>Thread-safe.
 */
public final class AuditHistory {

  /** The page size of {@link #history(String, String)}. */
  public static final int DEFAULT_LIMIT = 100;

  /** The one column entries are sorted by. */
  public static final String SORT_COLUMN = "seq";

  private static final String SELECT =
      "SELECT seq, occurred_at, tenant_id, table_name, record_id, action, actor_id, actor_kind,"
          + " correlation_id, transaction_id, before_values, after_values FROM "
          + AuditRows.TABLE;

  private final Database database;

  private AuditHistory(Database database) {
    this.database = database;
  }

  /**
   * Creates a reader of the audit log in the database.
   *
   * @param database the database holding the library's tables; its role needs SELECT on {@code
   *     guardrails_audit}
   * @return the reader
   * @throws NullPointerException if {@code database} is null
   */
  public static AuditHistory of(Database database) {
    return new AuditHistory(Objects.requireNonNull(database, "database"));
  }

  /**
   * Returns the first {@value #DEFAULT_LIMIT} changes of a record, oldest first; see {@link
   * #history(String, String, PageRequest)}.
   *
   * @param table the table of the record, as audited (e.g. {@code "invoices"})
   * @param recordId the id of the record, as text
   * @return the page of entries, empty if the record has no history in the current tenant
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code table} or {@code recordId} is blank
   * @throws IllegalStateException if no {@link GuardContext} is bound to the calling thread (the
   *     message says how to bind one); the database is not touched
   * @throws DataAccessException if the database fails
   */
  public Page<AuditEntry> history(String table, String recordId) {
    return history(table, recordId, PageRequest.first(DEFAULT_LIMIT));
  }

  /**
   * Returns a page of the changes of a record in the tenant of the bound {@link GuardContext},
   * ordered by sequence number (ascending, oldest first, unless the page is descending).
   *
   * @param table the table of the record, as audited (e.g. {@code "invoices"})
   * @param recordId the id of the record, as text
   * @param page which page; its sort column must be empty or {@value #SORT_COLUMN}
   * @return the page of entries, empty if the record has no history in the current tenant (also
   *     when it belongs to another tenant)
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code table} or {@code recordId} is blank, or the page is
   *     sorted by another column
   * @throws IllegalStateException if no {@link GuardContext} is bound to the calling thread (the
   *     message says how to bind one); the database is not touched
   * @throws DataAccessException if the database fails
   */
  public Page<AuditEntry> history(String table, String recordId, PageRequest page) {
    requireNonBlank(table, "table");
    requireNonBlank(recordId, "recordId");
    String direction = direction(page);
    String tenant = GuardContext.current().actor().tenantId();
    return read(
        " WHERE tenant_id = ? AND table_name = ? AND record_id = ? ORDER BY seq" + direction,
        page,
        tenant,
        table,
        recordId);
  }

  /**
   * Returns a page of all changes in the tenant of the bound {@link GuardContext}, ordered by
   * sequence number; for the latest changes first, ask for {@code
   * PageRequest.first(20).sortedDescendingBy("seq")}.
   *
   * @param page which page; its sort column must be empty or {@value #SORT_COLUMN}
   * @return the page of entries
   * @throws NullPointerException if {@code page} is null
   * @throws IllegalArgumentException if the page is sorted by another column
   * @throws IllegalStateException if no {@link GuardContext} is bound to the calling thread (the
   *     message says how to bind one); the database is not touched
   * @throws DataAccessException if the database fails
   */
  public Page<AuditEntry> changes(PageRequest page) {
    String direction = direction(page);
    String tenant = GuardContext.current().actor().tenantId();
    return read(" WHERE tenant_id = ? ORDER BY seq" + direction, page, tenant);
  }

  private Page<AuditEntry> read(String where, PageRequest page, Object... params) {
    Object[] all = new Object[params.length + 2];
    System.arraycopy(params, 0, all, 0, params.length);
    all[params.length] = page.offset();
    all[params.length + 1] = page.limit() + 1;
    List<AuditEntry> rows =
        database.inTransaction(
            tx ->
                tx.query(
                    SELECT + where + " OFFSET ? ROWS FETCH NEXT ? ROWS ONLY",
                    AuditHistory::entry,
                    all));
    boolean hasMore = rows.size() > page.limit();
    return new Page<>(hasMore ? rows.subList(0, page.limit()) : rows, page, hasMore);
  }

  private static String direction(PageRequest page) {
    Objects.requireNonNull(page, "page");
    if (!page.sortColumn().isEmpty() && !page.sortColumn().equals(SORT_COLUMN)) {
      throw new IllegalArgumentException(
          "audit entries are sorted by '"
              + SORT_COLUMN
              + "' only, but the page asks for column '"
              + page.sortColumn()
              + "'");
    }
    return page.descending() ? " DESC" : " ASC";
  }

  private static void requireNonBlank(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank, but was '" + value + "'");
    }
  }

  private static AuditEntry entry(ResultSet rs) throws SQLException {
    OffsetDateTime occurredAt = rs.getObject(2, OffsetDateTime.class);
    return new AuditEntry(
        rs.getLong(1),
        Objects.requireNonNull(occurredAt, "occurred_at").toInstant(),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        AuditAction.valueOf(rs.getString(6)),
        rs.getString(7),
        ActorKind.valueOf(rs.getString(8)),
        rs.getString(9),
        rs.getString(10),
        rs.getString(11),
        rs.getString(12));
  }

  /** {@return the table it reads and the database} */
  @Override
  public String toString() {
    return "AuditHistory[" + AuditRows.TABLE + ", " + database + "]";
  }
}
