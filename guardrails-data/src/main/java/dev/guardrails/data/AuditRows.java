package dev.guardrails.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.guardrails.core.AuditWrittenEvent;
import dev.guardrails.core.EventContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Builds the audit row statement that rides with every audited write. */
final class AuditRows {

  static final String TABLE = "guardrails_audit";

  private static final ObjectWriter JSON = new ObjectMapper().writer();
  private static final String COLUMNS =
      "INSERT INTO "
          + TABLE
          + " (tenant_id, table_name, record_id, action, actor_id, actor_kind, correlation_id,"
          + " transaction_id, occurred_at, before_values, after_values)";

  private AuditRows() {}

  static Sql insert(
      Transaction tx,
      String table,
      String recordId,
      AuditAction action,
      @Nullable Map<String, @Nullable Object> before,
      @Nullable Map<String, @Nullable Object> after) {
    String json = tx.dialect().jsonParameter();
    return new Sql(
        COLUMNS + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, " + json + ", " + json + ")",
        params(tx, table, recordId, action, before, after));
  }

  /**
   * Builds one statement that performs the write and inserts its audit row for each row the write
   * returns, as a data-modifying CTE ({@code WITH w AS (<write> RETURNING 1) INSERT INTO
   * guardrails_audit ... SELECT ... FROM w}): a write that changes no row writes no audit row, and
   * the statement's update count is the number of audit rows, which equals the rows written.
   * PostgreSQL only.
   */
  static Sql withWrite(
      Transaction tx,
      Sql write,
      String table,
      String recordId,
      AuditAction action,
      @Nullable Map<String, @Nullable Object> before,
      @Nullable Map<String, @Nullable Object> after) {
    String json = tx.dialect().jsonParameter();
    List<@Nullable Object> params = new ArrayList<>(write.params.size() + 11);
    params.addAll(write.params);
    params.addAll(params(tx, table, recordId, action, before, after));
    return new Sql(
        "WITH w AS ("
            + write.text
            + " RETURNING 1) "
            + COLUMNS
            + " SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            + json
            + ", "
            + json
            + " FROM w",
        params);
  }

  private static List<@Nullable Object> params(
      Transaction tx,
      String table,
      String recordId,
      AuditAction action,
      @Nullable Map<String, @Nullable Object> before,
      @Nullable Map<String, @Nullable Object> after) {
    return Arrays.asList(
        tx.actor().tenantId(),
        table,
        recordId,
        action.name(),
        tx.actor().id(),
        tx.actor().kind().name(),
        tx.context().correlationId(),
        tx.transactionId(),
        tx.now(),
        jsonParam(before),
        jsonParam(after));
  }

  /** Queues the event of an audited write that succeeded, for after the commit. */
  static void written(Transaction tx, String table, String recordId, AuditAction action) {
    tx.publishAfterCommit(
        new AuditWrittenEvent(
            EventContext.of(tx.now(), tx.context()), table, recordId, action.name()));
  }

  /** The JSON text, or a null typed as text so the driver need not infer the parameter type. */
  private static Object jsonParam(@Nullable Map<String, @Nullable Object> values) {
    String json = toJson(values);
    return json == null ? JdbcValues.NULL_TEXT : json;
  }

  static @Nullable String toJson(@Nullable Map<String, @Nullable Object> values) {
    if (values == null) {
      return null;
    }
    try {
      return JSON.writeValueAsString(values);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("audit values cannot be written as JSON", e);
    }
  }
}
