package dev.guardrails.data;

import dev.guardrails.core.EventContext;
import dev.guardrails.core.GuardrailEvent;
import dev.guardrails.core.Severity;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a restore drill found: {@code restore_drill.succeeded} (INFO), {@code restore_drill.failed}
 * (ERROR) or, from {@link RestoreDrill#checkFreshness}, {@code restore_drill.overdue} (ERROR) when
 * the last good drill is older than allowed or there is none — the signal an alert fires on.
 *
 * <p>Immutable and thread-safe.
 *
 * @param context when it happened
 * @param outcome one of "succeeded", "failed", "overdue"
 * @param detail a one-line summary for the operator
 */
public record RestoreDrillEvent(EventContext context, String outcome, String detail)
    implements GuardrailEvent {

  /**
   * Checks the fields.
   *
   * @throws NullPointerException if a field is null
   */
  public RestoreDrillEvent {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(detail, "detail");
  }

  @Override
  public String type() {
    return "restore_drill." + outcome;
  }

  @Override
  public Severity severity() {
    return outcome.equals("succeeded") ? Severity.INFO : Severity.ERROR;
  }

  @Override
  public Map<String, String> attributes() {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("outcome", outcome);
    attributes.put("detail", detail);
    return Map.copyOf(attributes);
  }
}
