package dev.guardrails.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.guardrails.core.AuditWrittenEvent;
import dev.guardrails.core.EventContext;
import java.util.Arrays;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Builds the audit row statement that rides with every audited write. */
final class AuditRows {

  static final String TABLE = "guardrails_audit";

  private static final ObjectWriter JSON = new ObjectMapper().writer();

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
        "INSERT INTO "
            + TABLE
            + " (tenant_id, table_name, record_id, action, actor_id, actor_kind, correlation_id,"
            + " transaction_id, occurred_at, before_values, after_values)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
            + json
            + ", "
            + json
            + ")",
        Arrays.asList(
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
            jsonParam(after)));
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
