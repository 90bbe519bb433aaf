package dev.guardrails.cost;

import dev.guardrails.core.EventContext;
import dev.guardrails.core.GuardrailEvent;
import dev.guardrails.core.Severity;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link GuardedCall} reports about its upstream: a timeout, a circuit state change, an
 * exhausted retry budget, an actual cost above its estimate.
 *
 * @param context when and in which request
 * @param operation the guarded operation
 * @param kind what happened
 * @param detail a short description safe for logs (no request or response content)
 */
public record UpstreamEvent(EventContext context, String operation, Kind kind, String detail)
    implements GuardrailEvent {

  /** What happened. */
  public enum Kind {
    /** An attempt took longer than the timeout; the caller stopped waiting. */
    TIMEOUT(Severity.WARN),
    /** The circuit breaker opened: calls are refused without reaching the upstream. */
    CIRCUIT_OPENED(Severity.ERROR),
    /** The circuit breaker lets a few trial calls through. */
    CIRCUIT_HALF_OPEN(Severity.INFO),
    /** The circuit breaker closed again: the upstream answers. */
    CIRCUIT_CLOSED(Severity.INFO),
    /** A retry was skipped because retries already used their share of calls. */
    RETRY_BUDGET_EXHAUSTED(Severity.WARN),
    /** A call's actual cost was above the estimate reserved for it. */
    COST_ABOVE_ESTIMATE(Severity.WARN),
    /** The cost model failed on a response; the estimate was charged instead. */
    COST_MODEL_FAILED(Severity.ERROR);

    private final Severity severity;

    Kind(Severity severity) {
      this.severity = severity;
    }
  }

  /**
   * Validates the event.
   *
   * @throws NullPointerException if an argument is null
   */
  public UpstreamEvent {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(detail, "detail");
  }

  @Override
  public String type() {
    return "cost.upstream." + kind.name().toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public Severity severity() {
    return kind.severity;
  }

  @Override
  public Map<String, String> attributes() {
    return Map.of("operation", operation, "detail", detail);
  }
}
