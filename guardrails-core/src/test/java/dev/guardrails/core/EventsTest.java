package dev.guardrails.core;

import static dev.guardrails.core.Fixtures.ALICE;
import static dev.guardrails.core.Fixtures.CLOCK;
import static dev.guardrails.core.Fixtures.EUR;
import static dev.guardrails.core.Fixtures.NOW;
import static dev.guardrails.core.Fixtures.USD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

final class EventsTest {

  private static final EventContext CONTEXT = Fixtures.aliceEventContext();

  @Test
  void eventContext_capture_readsBoundContextAndClock() {
    GuardContext context = GuardContext.of(ALICE, "corr-9", Instant.EPOCH);

    EventContext inside;
    try (GuardContext.Scope scope = context.open()) {
      inside = EventContext.capture(CLOCK);
      assertThat(inside).isEqualTo(EventContext.of(NOW, scope.context()));
    }
    EventContext outside = EventContext.capture(CLOCK);

    assertThat(inside.occurredAt()).isEqualTo(NOW);
    assertThat(inside.correlationId()).hasValue("corr-9");
    assertThat(inside.actorId()).hasValue("alice");
    assertThat(inside.tenantId()).hasValue("tenant-1");
    assertThat(inside.actorKind()).hasValue(ActorKind.PERSON);
    assertThat(outside.correlationId()).isEmpty();
    assertThat(outside.actorId()).isEmpty();
    assertThat(outside.tenantId()).isEmpty();
    assertThat(outside.actorKind()).isEmpty();
    assertThat(outside)
        .isEqualTo(EventContext.of(NOW, null))
        .hasSameHashCodeAs(EventContext.of(NOW, null));
    assertThat(outside).isNotEqualTo(inside);
    assertThat(outside.toString())
        .isEqualTo("EventContext[occurredAt=2026-11-22T10:00:00Z correlationId=none actor=none]");
    assertThat(inside.toString()).contains("correlationId=corr-9").contains("id=alice");
  }

  @Test
  void eventContext_nulls_throw() {
    assertThatThrownBy(() -> EventContext.capture(null)).hasMessage("clock");
    assertThatThrownBy(() -> EventContext.of(null, null)).hasMessage("occurredAt");
  }

  @Test
  void accessDecisionEvent_typeAndSeverityFollowDecision() {
    AccessDecisionEvent denied =
        new AccessDecisionEvent(
            CONTEXT, "invoice.read", "invoice", Optional.of("inv-1"), false, "not owner");
    AccessDecisionEvent allowed =
        new AccessDecisionEvent(
            CONTEXT, "invoice.list", "invoice", Optional.empty(), true, "role viewer");

    assertThat(denied.type()).isEqualTo("access.denied");
    assertThat(denied.severity()).isEqualTo(Severity.WARN);
    assertThat(denied.context()).isSameAs(CONTEXT);
    assertThat(denied.attributes())
        .containsExactly(
            entry("permission", "invoice.read"),
            entry("resource_type", "invoice"),
            entry("resource_id", "inv-1"),
            entry("reason", "not owner"));
    assertThat(allowed.type()).isEqualTo("access.allowed");
    assertThat(allowed.severity()).isEqualTo(Severity.INFO);
    assertThat(allowed.attributes()).doesNotContainKey("resource_id");
    assertThatThrownBy(() -> allowed.attributes().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(
            () -> new AccessDecisionEvent(CONTEXT, " ", "invoice", Optional.empty(), true, "r"))
        .hasMessage("permission must not be blank, but was ' '");
    assertThatThrownBy(() -> new AccessDecisionEvent(CONTEXT, "p", "invoice", null, true, "r"))
        .hasMessage("resourceId");
  }

  @Test
  void auditWrittenEvent_attributes() {
    AuditWrittenEvent event = new AuditWrittenEvent(CONTEXT, "invoice", "inv-1", "update");

    assertThat(event.type()).isEqualTo("audit.written");
    assertThat(event.severity()).isEqualTo(Severity.INFO);
    assertThat(event.attributes())
        .containsExactly(
            entry("table", "invoice"), entry("record_id", "inv-1"), entry("action", "update"));
    assertThatThrownBy(() -> new AuditWrittenEvent(null, "t", "r", "a")).hasMessage("context");
  }

  @Test
  void budgetCrossedEvent_severityByThresholdAndValidation() {
    Instant periodStart = Instant.parse("2026-11-22T00:00:00Z");
    BudgetCrossedEvent warning =
        new BudgetCrossedEvent(
            CONTEXT, "openai/day", 80, Money.of("4", USD), Money.of("5", USD), periodStart);
    BudgetCrossedEvent stop =
        new BudgetCrossedEvent(
            CONTEXT, "openai/day", 100, Money.of("5", USD), Money.of("5", USD), periodStart);

    assertThat(warning.type()).isEqualTo("budget.crossed");
    assertThat(warning.severity()).isEqualTo(Severity.WARN);
    assertThat(stop.severity()).isEqualTo(Severity.ERROR);
    assertThat(warning.attributes())
        .containsExactly(
            entry("budget", "openai/day"),
            entry("threshold_percent", "80"),
            entry("spent", "4.00 USD"),
            entry("limit", "5.00 USD"),
            entry("period_start", "2026-11-22T00:00:00Z"));
    assertThatThrownBy(
            () ->
                new BudgetCrossedEvent(
                    CONTEXT, "b", 0, Money.zero(USD), Money.zero(USD), periodStart))
        .hasMessage("threshold percent must be positive, but was 0");
    assertThatThrownBy(
            () ->
                new BudgetCrossedEvent(
                    CONTEXT, "b", 50, Money.zero(USD), Money.zero(EUR), periodStart))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void failureEvent_attributes() {
    FailureEvent event =
        new FailureEvent(
            CONTEXT,
            "budget-store",
            "store_unavailable",
            "budget store unreachable",
            Optional.of("inc-7"));

    assertThat(event.type()).isEqualTo("failure.occurred");
    assertThat(event.severity()).isEqualTo(Severity.ERROR);
    assertThat(event.attributes())
        .containsEntry("incident_id", "inc-7")
        .containsEntry("error_code", "store_unavailable");
    assertThat(new FailureEvent(CONTEXT, "c", "e", "m", Optional.empty()).attributes())
        .doesNotContainKey("incident_id");
  }

  @Test
  void jobRunEvent_typeAndSeverityByOutcome() {
    assertThat(job(JobRunEvent.Outcome.STARTED).type()).isEqualTo("job.started");
    assertThat(job(JobRunEvent.Outcome.SKIPPED_OVERLAP).type()).isEqualTo("job.skipped_overlap");
    assertThat(job(JobRunEvent.Outcome.STARTED).severity()).isEqualTo(Severity.INFO);
    assertThat(job(JobRunEvent.Outcome.SUCCEEDED).severity()).isEqualTo(Severity.INFO);
    assertThat(job(JobRunEvent.Outcome.SKIPPED_OVERLAP).severity()).isEqualTo(Severity.WARN);
    assertThat(job(JobRunEvent.Outcome.FAILED).severity()).isEqualTo(Severity.ERROR);
    assertThat(job(JobRunEvent.Outcome.STALE).severity()).isEqualTo(Severity.ERROR);
    assertThat(job(JobRunEvent.Outcome.FAILED).attributes())
        .containsExactly(
            entry("job", "nightly"), entry("outcome", "failed"), entry("duration_ms", "1500"));
    assertThatThrownBy(
            () ->
                new JobRunEvent(
                    CONTEXT, "nightly", JobRunEvent.Outcome.FAILED, Duration.ofSeconds(-1)))
        .hasMessage("duration must not be negative, but was PT-1S");
  }

  @Test
  void sinkFailedEvent_attributes() {
    SinkFailedEvent event = new SinkFailedEvent(CONTEXT, "webhook", "java.io.UncheckedIOException");

    assertThat(event.type()).isEqualTo("sink.failed");
    assertThat(event.severity()).isEqualTo(Severity.WARN);
    assertThat(event.attributes())
        .containsExactly(
            entry("sink", "webhook"), entry("error_type", "java.io.UncheckedIOException"));
    assertThatThrownBy(() -> new SinkFailedEvent(CONTEXT, "", "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static JobRunEvent job(JobRunEvent.Outcome outcome) {
    return new JobRunEvent(CONTEXT, "nightly", outcome, Duration.ofMillis(1500));
  }
}
