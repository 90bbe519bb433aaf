package dev.guardrails.samples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.guardrails.core.GuardContext;
import dev.guardrails.data.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads the library's audit log ({@code guardrails_audit}, append-only, written in the same
 * transaction as each change) for the firm of the current actor. The firm always comes from the
 * bound {@link GuardContext}, never from the request.
 *
 * <p>Thread-safe.
 */
final class AuditTrail {

  /**
   * One audited change.
   *
   * @param seq the audit row's sequence number
   * @param at when it happened
   * @param actor who did it
   * @param actorKind a person, a service or a job
   * @param action INSERT, UPDATE or DELETE
   * @param table the table
   * @param recordId the record
   * @param before the values before (sensitive columns masked), or null for an insert
   * @param after the values after, or null for a delete
   */
  record Entry(
      long seq,
      String at,
      String actor,
      String actorKind,
      String action,
      String table,
      String recordId,
      @Nullable JsonNode before,
      @Nullable JsonNode after) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COLUMNS =
      "SELECT seq, occurred_at, actor_id, actor_kind, action, table_name, record_id,"
          + " before_values::text, after_values::text FROM guardrails_audit";

  private final Database database;

  AuditTrail(Database database) {
    this.database = database;
  }

  /**
   * Returns the history of one record, oldest first.
   *
   * @param table the table
   * @param recordId the record's id
   * @return the entries
   */
  List<Entry> ofRecord(String table, String recordId) {
    String tenant = GuardContext.current().actor().tenantId();
    return database.inTransaction(
        tx ->
            tx.query(
                COLUMNS + " WHERE tenant_id = ? AND table_name = ? AND record_id = ? ORDER BY seq",
                AuditTrail::entry,
                tenant,
                table,
                recordId));
  }

  /**
   * Returns the latest changes of the current firm, newest first.
   *
   * @param limit how many
   * @return the entries
   */
  List<Entry> recent(int limit) {
    String tenant = GuardContext.current().actor().tenantId();
    return database.inTransaction(
        tx ->
            tx.query(
                COLUMNS + " WHERE tenant_id = ? ORDER BY seq DESC LIMIT ?",
                AuditTrail::entry,
                tenant,
                limit));
  }

  private static Entry entry(ResultSet row) throws SQLException {
    return new Entry(
        row.getLong(1),
        row.getObject(2, java.time.OffsetDateTime.class).toInstant().toString(),
        row.getString(3),
        row.getString(4),
        row.getString(5),
        row.getString(6),
        row.getString(7),
        json(row.getString(8)),
        json(row.getString(9)));
  }

  private static @Nullable JsonNode json(@Nullable String text) {
    if (text == null) {
      return null;
    }
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an audit row holds invalid JSON", e);
    }
  }
}
