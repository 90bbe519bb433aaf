package dev.guardrails.core;

import static dev.guardrails.core.Fixtures.NOW;
import static dev.guardrails.core.Fixtures.USD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

final class EventSinksTest {

  private static final EventContext CONTEXT = Fixtures.aliceEventContext();
  private static final String FAILURE_LOG =
      "event sink {} failed to publish a {} event; the event is lost for that sink";

  /** An event whose attributes the test chooses freely. */
  private record RawEvent(Severity severity, Map<String, String> attributes)
      implements GuardrailEvent {
    @Override
    public String type() {
      return "test.raw";
    }

    @Override
    public EventContext context() {
      return EventContext.of(NOW, null);
    }
  }

  /** A sink that records what it gets and can be told to fail. */
  private static final class RecordingSink implements EventSink {
    private final String name;
    private final boolean failing;
    private final List<GuardrailEvent> received = new ArrayList<>();

    RecordingSink(String name, boolean failing) {
      this.name = name;
      this.failing = failing;
    }

    @Override
    public void publish(GuardrailEvent event) {
      received.add(event);
      if (failing) {
        throw new IllegalStateException(name + " is down");
      }
    }

    @Override
    public String name() {
      return name;
    }
  }

  @Test
  void logging_eventInRequest_writesOneLineWithContextAtSeverityLevel() {
    RecordingLogger logger = new RecordingLogger("events", true);
    AccessDecisionEvent denied =
        new AccessDecisionEvent(
            CONTEXT, "invoice.read", "invoice", Optional.of("inv-1"), false, "not owner");

    EventSinks.logging(logger).publish(denied);

    assertThat(logger.calls())
        .containsExactly(
            new RecordingLogger.Call(
                Level.WARN,
                "{}",
                List.of(
                    "type=access.denied correlation_id=corr-1 actor_id=alice tenant_id=tenant-1"
                        + " permission=invoice.read resource_type=invoice resource_id=inv-1"
                        + " reason=\"not owner\""),
                null));
  }

  @Test
  void logging_eachSeverity_usesMatchingLevel() {
    RecordingLogger logger = new RecordingLogger("events", true);
    EventSink sink = EventSinks.logging(logger);

    sink.publish(new RawEvent(Severity.INFO, Map.of()));
    sink.publish(new RawEvent(Severity.WARN, Map.of()));
    sink.publish(new RawEvent(Severity.ERROR, Map.of()));

    String line = "type=test.raw correlation_id=- actor_id=- tenant_id=-";
    assertThat(logger.calls())
        .extracting(RecordingLogger.Call::level, RecordingLogger.Call::arguments)
        .containsExactly(
            tuple(Level.INFO, List.of(line)),
            tuple(Level.WARN, List.of(line)),
            tuple(Level.ERROR, List.of(line)));
  }

  @Test
  void logging_levelDisabled_writesNothing() {
    RecordingLogger logger = new RecordingLogger("events", false);

    EventSink sink = EventSinks.logging(logger);
    sink.publish(new RawEvent(Severity.INFO, Map.of()));
    sink.publish(new RawEvent(Severity.WARN, Map.of()));
    sink.publish(new RawEvent(Severity.ERROR, Map.of()));

    assertThat(logger.calls()).isEmpty();
  }

  @Test
  void format_injectionAttempts_staySingleLineAndQuoted() {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("reason", "ok\nERROR type=access.allowed actor_id=root");
    attributes.put("quote", "say \"hi\" \\ bye");
    attributes.put("bad key=\n", "v");
    attributes.put("empty", "");
    attributes.put("unicode", "caf\u00e9\u2028\u202e");
    attributes.put("url", "https://x.example/a-b_c.d:80@u+1");

    String line = LoggingEventSink.format(new RawEvent(Severity.INFO, attributes));

    assertThat(line)
        .isEqualTo(
            "type=test.raw correlation_id=- actor_id=- tenant_id=-"
                + " reason=\"ok\\nERROR type=access.allowed actor_id=root\""
                + " quote=\"say \\\"hi\\\" \\\\ bye\""
                + " bad_key__=v"
                + " empty=\"\""
                + " unicode=\"caf\u00e9\\u2028\\u202e\""
                + " url=https://x.example/a-b_c.d:80@u+1");
    assertThat(line).doesNotContain("\n").doesNotContain("\u2028");
    assertThat(LoggingEventSink.key("")).isEqualTo("_");
  }

  @Test
  void logging_defaultAndNames() {
    assertThat(EventSinks.logging().name()).isEqualTo("logging(dev.guardrails.events)");
    assertThat(EventSinks.logging()).hasToString("logging(dev.guardrails.events)");
    assertThatCode(() -> EventSinks.logging().publish(Fixtures.auditEvent("r-1")))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> EventSinks.logging(null)).hasMessage("logger");
    assertThatThrownBy(() -> EventSinks.logging().publish(null)).hasMessage("event");
  }

  @Test
  void composite_allHealthy_deliversInOrder() {
    List<String> order = new ArrayList<>();
    CompositeEventSink composite =
        EventSinks.composite(
            e -> order.add("first"), e -> order.add("second"), e -> order.add("third"));

    composite.publish(Fixtures.auditEvent("r-1"));

    assertThat(order).containsExactly("first", "second", "third");
    assertThat(composite.failureCount()).isZero();
    assertThat(composite.sinks()).hasSize(3);
  }

  @Test
  void composite_failingSink_othersStillGetEventAndAReport() {
    RecordingLogger log = new RecordingLogger("composite", true);
    RecordingSink before = new RecordingSink("before", false);
    RecordingSink failing = new RecordingSink("webhook", true);
    RecordingSink after = new RecordingSink("after", false);
    CompositeEventSink composite = new CompositeEventSink(List.of(before, failing, after), log);
    AuditWrittenEvent event = new AuditWrittenEvent(CONTEXT, "invoice", "inv-1", "insert");

    assertThatCode(() -> composite.publish(event)).doesNotThrowAnyException();

    SinkFailedEvent report =
        new SinkFailedEvent(CONTEXT, "webhook", IllegalStateException.class.getName());
    assertThat(before.received).containsExactly(event, report);
    assertThat(after.received).containsExactly(event, report);
    assertThat(failing.received).containsExactly(event);
    assertThat(composite.failureCount()).isEqualTo(1);
    assertThat(log.calls())
        .singleElement()
        .satisfies(
            call -> {
              assertThat(call.level()).isEqualTo(Level.WARN);
              assertThat(call.pattern()).isEqualTo(FAILURE_LOG);
              assertThat(call.arguments()).containsExactly("'webhook'", "'audit.written'");
              assertThat(call.throwable()).hasMessage("webhook is down");
            });
    assertThat(composite.name()).isEqualTo("composite(before, webhook, after)");
    assertThat(composite).hasToString("composite(before, webhook, after)");
  }

  @Test
  void composite_everySinkFails_noRecursionAndEveryFailureCounted() {
    RecordingLogger log = new RecordingLogger("composite", true);
    RecordingSink first = new RecordingSink("first", true);
    RecordingSink second = new RecordingSink("second", true);
    CompositeEventSink composite = new CompositeEventSink(List.of(first, second), log);

    composite.publish(Fixtures.auditEvent("r-1"));

    // two failures on the event, then each report fails once at the other sink: no further reports
    assertThat(composite.failureCount()).isEqualTo(4);
    assertThat(first.received).hasSize(2);
    assertThat(first.received.get(1)).isInstanceOf(SinkFailedEvent.class);
    assertThat(second.received).hasSize(2);
    assertThat(log.calls()).hasSize(4).allMatch(call -> call.level() == Level.WARN);
  }

  @Test
  void composite_sinkWithBrokenName_reportedByClassName() {
    EventSink broken =
        new EventSink() {
          @Override
          public void publish(GuardrailEvent event) {
            throw new IllegalStateException("down");
          }

          @Override
          public String name() {
            throw new UnsupportedOperationException("no name");
          }
        };
    InMemoryEventSink memory = new InMemoryEventSink();

    EventSinks.composite(List.of(broken, memory)).publish(Fixtures.auditEvent("r"));

    assertThat(memory.events(SinkFailedEvent.class))
        .singleElement()
        .satisfies(report -> assertThat(report.sinkName()).isEqualTo(broken.getClass().getName()));
  }

  @Test
  void composite_nulls_throw() {
    assertThatThrownBy(() -> EventSinks.composite((EventSink[]) null)).hasMessage("sinks");
    assertThatThrownBy(() -> EventSinks.composite(EventSink.noop(), null)).hasMessage("sink");
    assertThatThrownBy(() -> EventSinks.composite(EventSink.noop()).publish(null))
        .hasMessage("event");
  }

  @Test
  void failSafe_sinkThrows_logsOnceCountsAndNeverRethrows() {
    RecordingLogger log = new RecordingLogger("failSafe", true);
    IllegalStateException failure = new IllegalStateException("down");
    EventSink sink =
        new EventSink() {
          @Override
          public void publish(GuardrailEvent event) {
            throw failure;
          }

          @Override
          public String name() {
            return "pager";
          }
        };
    FailSafeEventSink failSafe = new FailSafeEventSink(sink, log);

    failSafe.publish(Fixtures.auditEvent("r-1"));
    failSafe.publish(Fixtures.auditEvent("r-2"));

    assertThat(failSafe.failureCount()).isEqualTo(2);
    assertThat(log.calls())
        .hasSize(2)
        .allSatisfy(
            call -> {
              assertThat(call.level()).isEqualTo(Level.WARN);
              assertThat(call.pattern()).isEqualTo(FAILURE_LOG);
              assertThat(call.arguments()).containsExactly("'pager'", "'audit.written'");
              assertThat(call.throwable()).isSameAs(failure);
            });
    assertThat(failSafe.name()).isEqualTo("pager");
    assertThat(failSafe).hasToString("failSafe(pager)");
  }

  @Test
  void failSafe_healthySink_delivers() {
    InMemoryEventSink memory = new InMemoryEventSink();
    FailSafeEventSink failSafe = EventSinks.failSafe(memory);

    failSafe.publish(Fixtures.auditEvent("r-1"));

    assertThat(memory.events()).hasSize(1);
    assertThat(failSafe.failureCount()).isZero();
    assertThatThrownBy(() -> EventSinks.failSafe(null)).hasMessage("sink");
    assertThatThrownBy(() -> failSafe.publish(null)).hasMessage("event");
  }

  @Test
  void failSafe_error_propagates() {
    FailSafeEventSink failSafe =
        EventSinks.failSafe(
            e -> {
              throw new AssertionError("an Error is not swallowed");
            });

    assertThatThrownBy(() -> failSafe.publish(Fixtures.auditEvent("r")))
        .isInstanceOf(AssertionError.class);
  }

  @Test
  void forType_deliversOnlyMatchingEvents() {
    List<BudgetCrossedEvent> crossed = new ArrayList<>();
    EventSink sink = EventSinks.forType(BudgetCrossedEvent.class, crossed::add);
    BudgetCrossedEvent budget =
        new BudgetCrossedEvent(
            CONTEXT, "openai/day", 80, Money.of("4", USD), Money.of("5", USD), NOW);

    sink.publish(Fixtures.auditEvent("r-1"));
    sink.publish(budget);
    sink.publish(new JobRunEvent(CONTEXT, "job", JobRunEvent.Outcome.STARTED, Duration.ZERO));

    assertThat(crossed).containsExactly(budget);
    assertThat(sink.name()).isEqualTo("forType(dev.guardrails.core.BudgetCrossedEvent)");
    assertThat(sink).hasToString(sink.name());
    assertThatThrownBy(() -> EventSinks.forType(null, e -> {})).hasMessage("type");
    assertThatThrownBy(() -> EventSinks.forType(FailureEvent.class, null)).hasMessage("listener");
    assertThatThrownBy(() -> sink.publish(null)).hasMessage("event");
  }

  @Test
  void noop_acceptsEverything_rejectsNull() {
    EventSink noop = EventSink.noop();

    assertThatCode(() -> noop.publish(Fixtures.auditEvent("r"))).doesNotThrowAnyException();
    assertThat(noop.name()).isEqualTo("noop");
    assertThat(noop).hasToString("noop").isSameAs(EventSink.noop());
    assertThatThrownBy(() -> noop.publish(null)).hasMessage("event");
  }

  @Test
  void name_default_isClassName() {
    EventSink lambda = e -> {};

    assertThat(lambda.name()).isEqualTo(lambda.getClass().getName()).contains("EventSinksTest");
  }
}
