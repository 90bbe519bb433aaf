package dev.guardrails.samples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.guardrails.core.GuardContext;
import dev.guardrails.data.AuditEntry;
import dev.guardrails.data.AuditHistory;
import dev.guardrails.data.Database;
import dev.guardrails.data.PageRequest;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads the library's audit log ({@code guardrails_audit}, append-only, written in the same
 * transaction as each change) through {@link AuditHistory}, for the firm of the current actor: the
 * firm always comes from the bound {@link GuardContext}, never from the request, and another firm's
 * invoice has an empty history.
 *
 * <p>Thread-safe.
 */
final class AuditTrail {

  /**
   * One audited change, as the API and the operator page show it.
   *
   * @param seq the audit row's sequence number
   * @param at when it happened
   * @param actor who did it
   * @param actorKind a person, a service or a job
   * @param action INSERT, UPDATE or DELETE
   * @param table the table
   * @param recordId the record
   * @param correlationId the request that made the change
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
      String correlationId,
      @Nullable JsonNode before,
      @Nullable JsonNode after) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final AuditHistory history;

  AuditTrail(Database database) {
    this.history = AuditHistory.of(database);
  }

  /**
   * Returns the history of one record, oldest first: its first {@value AuditHistory#DEFAULT_LIMIT}
   * changes.
   *
   * @param table the table
   * @param recordId the record's id
   * @return the entries
   */
  List<Entry> ofRecord(String table, String recordId) {
    return history.history(table, recordId).items().stream().map(AuditTrail::entry).toList();
  }

  /**
   * Returns the latest changes of the current firm, newest first.
   *
   * @param limit how many
   * @return the entries
   */
  List<Entry> recent(int limit) {
    return history
        .changes(PageRequest.first(limit).sortedDescendingBy(AuditHistory.SORT_COLUMN))
        .items()
        .stream()
        .map(AuditTrail::entry)
        .toList();
  }

  private static Entry entry(AuditEntry e) {
    return new Entry(
        e.seq(),
        e.occurredAt().toString(),
        e.actorId(),
        e.actorKind().name(),
        e.action().name(),
        e.table(),
        e.recordId(),
        e.correlationId(),
        json(e.beforeJson()),
        json(e.afterJson()));
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
