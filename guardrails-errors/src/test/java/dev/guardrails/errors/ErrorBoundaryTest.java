package dev.guardrails.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.guardrails.core.Actor;
import dev.guardrails.core.Conflict;
import dev.guardrails.core.FailureEvent;
import dev.guardrails.core.FieldError;
import dev.guardrails.core.GuardContext;
import dev.guardrails.core.InMemoryEventSink;
import dev.guardrails.core.InvalidInput;
import dev.guardrails.core.NotFound;
import dev.guardrails.core.RateLimited;
import dev.guardrails.core.UpstreamUnavailable;
import dev.guardrails.errors.alerts.AlertPipeline;
import dev.guardrails.errors.alerts.AlertSinks;
import dev.guardrails.errors.alerts.InMemoryAlertSink;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

final class ErrorBoundaryTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final MutableClock clock = MutableClock.atEpoch();
  private final InMemoryAlertSink alertSink = AlertSinks.inMemory();
  private final AlertPipeline alerts = AlertPipeline.builder().clock(clock).sink(alertSink).build();
  private final ErrorBoundary boundary =
      ErrorBoundary.builder().clock(clock).random(new Random(42)).alerts(alerts).build();

  @Test
  void call_success_returnsResultAndLogsNothing() {
    try (LogCapture log = LogCapture.of(ErrorBoundary.class)) {
      assertThat(boundary.call(() -> "ok")).isEqualTo("ok");
      AtomicInteger runs = new AtomicInteger();
      boundary.run(runs::incrementAndGet);
      assertThat(runs).hasValue(1);
      assertThat(log.events()).isEmpty();
    }
    assertThat(alertSink.alerts()).isEmpty();
  }

  @Test
  void call_bugWithInternalMessage_problemHidesEverythingInternal() throws Exception {
    String internals =
        "ERROR: duplicate key value violates unique constraint \"users_email_key\" in"
            + " SELECT * FROM users WHERE token='eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc' at"
            + " /srv/app/src/main/java/com/acme/UserRepo.java:42 password=hunter2";
    ProblemException e =
        catchThrowableOfType(
            ProblemException.class,
            () ->
                boundary.call(
                    () -> {
                      throw new SQLException(internals);
                    }));

    Problem problem = e.problem();
    assertThat(problem.status()).isEqualTo(500);
    assertThat(problem.code()).isEqualTo("internal_error");
    assertThat(problem.type()).isEqualTo("urn:guardrails:problem:internal_error");
    assertThat(problem.incidentId()).matches("[0-9A-Z]{5}-[0-9A-Z]{5}");
    assertThat(problem.detail()).contains(problem.incidentId()).contains("unexpected error");
    String json = new String(problem.toJsonBytes(), java.nio.charset.StandardCharsets.UTF_8);
    for (String leak :
        List.of(
            "SELECT",
            "users",
            "eyJ",
            "/srv",
            "UserRepo",
            "hunter2",
            "SQLException",
            "java.",
            "at ")) {
      assertThat(json).doesNotContain(leak);
    }
    assertThat(e.getMessage()).doesNotContain("hunter2").contains(problem.incidentId());
    assertThat(e.getCause()).isInstanceOf(SQLException.class);
    assertThat(e.failure().failureClass()).isEqualTo(FailureClass.BUG);
  }

  @Test
  void call_coreNotFound_problemCarriesPublicMessageAndIsLoggedAtInfoWithoutAlert() {
    try (LogCapture log = LogCapture.of(ErrorBoundary.class)) {
      ProblemException e =
          catchThrowableOfType(
              ProblemException.class,
              () ->
                  boundary.call(
                      () -> {
                        throw new NotFound("invoice", "inv-secret-id-77");
                      }));
      assertThat(e.problem().status()).isEqualTo(404);
      assertThat(e.problem().code()).isEqualTo("not_found");
      assertThat(e.problem().title()).isEqualTo("Not found");
      assertThat(e.problem().detail()).isEqualTo("The requested invoice was not found.");
      assertThat(new String(e.problem().toJsonBytes(), java.nio.charset.StandardCharsets.UTF_8))
          .doesNotContain("inv-secret-id-77");
      assertThat(log.events())
          .singleElement()
          .satisfies(ev -> assertThat(ev.getLevel()).isEqualTo(Level.INFO));
      assertThat(log.events().get(0).getFormattedMessage()).contains("inv-secret-id-77");
    }
    assertThat(alertSink.alerts()).isEmpty();
  }

  @Test
  void call_failureInsideContext_loggedOnceAtErrorWithMdcIncidentAndCause() {
    GuardContext context =
        GuardContext.of(Actor.person("u-1", "t-1"), "corr-123456789", Instant.EPOCH);
    ProblemException e;
    try (LogCapture log = LogCapture.of(ErrorBoundary.class);
        GuardContext.Scope scope = context.open()) {
      assertThat(scope.context()).isSameAs(context);
      e =
          catchThrowableOfType(
              ProblemException.class,
              () ->
                  boundary.call(
                      () -> {
                        throw new IllegalStateException("order state broken");
                      }));
      List<ILoggingEvent> events = log.events();
      assertThat(events).hasSize(1);
      ILoggingEvent event = events.get(0);
      assertThat(event.getLevel()).isEqualTo(Level.ERROR);
      assertThat(event.getMDCPropertyMap())
          .containsEntry("correlation_id", "corr-123456789")
          .containsEntry("actor_id", "u-1")
          .containsEntry("tenant_id", "t-1")
          .containsEntry("incident_id", e.problem().incidentId());
      assertThat(event.getThrowableProxy().getClassName())
          .isEqualTo(IllegalStateException.class.getName());
      assertThat(event.getFormattedMessage()).contains("order state broken");
      assertThat(MDC.get("incident_id")).isNull();
    }
    assertThat(e.problem().correlationId()).isEqualTo("corr-123456789");
    assertThat(alertSink.alerts())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.correlationId()).isEqualTo("corr-123456789");
              assertThat(a.incidentId()).isEqualTo(e.problem().incidentId());
              assertThat(a.exceptionType()).isEqualTo(IllegalStateException.class.getName());
            });
  }

  @Test
  void call_nestedBoundaries_failureLoggedAndAlertedOnce() {
    try (LogCapture log = LogCapture.of(ErrorBoundary.class)) {
      ProblemException outer =
          catchThrowableOfType(
              ProblemException.class,
              () ->
                  boundary.call(
                      () ->
                          boundary.call(
                              () -> {
                                throw new IllegalStateException("inner");
                              })));
      assertThat(outer.problem().status()).isEqualTo(500);
      assertThat(log.events()).hasSize(1);
      assertThat(boundary.handle(outer)).isSameAs(outer.failure());
      assertThat(log.events()).hasSize(1);
    }
    assertThat(alertSink.alerts()).hasSize(1);
  }

  @Test
  void call_invalidInput_problemListsEveryFieldWithPointer() throws Exception {
    ProblemException e =
        catchThrowableOfType(
            ProblemException.class,
            () ->
                boundary.call(
                    () -> {
                      throw InvalidInput.of(
                          FieldError.withoutValue(
                              "items[2].amount", "expected a number, got a string"),
                          FieldError.withoutValue("email", "is required"));
                    }));
    Problem problem = e.problem();
    assertThat(problem.status()).isEqualTo(400);
    assertThat(problem.errors())
        .containsExactly(
            new Problem.InvalidField(
                "items[2].amount", "#/items/2/amount", "expected a number, got a string"),
            new Problem.InvalidField("email", "#/email", "is required"));
    JsonNode json = JSON.readTree(problem.toJsonBytes());
    assertThat(json.get("errors").get(0).get("pointer").asText()).isEqualTo("#/items/2/amount");
    assertThat(json.get("detail").asText()).contains("items[2].amount");
    assertThat(alertSink.alerts()).isEmpty();
  }

  @Test
  void handle_invalidInputWithLongMessage_detailPointsToErrors() {
    List<FieldError> many = new java.util.ArrayList<>();
    for (int i = 0; i < 12; i++) {
      many.add(
          FieldError.withoutValue(
              "items[" + i + "].description", "is longer than the allowed 200 characters"));
    }
    Problem problem = boundary.handle(InvalidInput.of(many)).problem();
    assertThat(problem.detail()).isEqualTo("12 fields are invalid; see errors.");
    assertThat(problem.errors()).hasSize(12);
  }

  @Test
  void call_rateLimited_problemHasRetryAfterSeconds() {
    ProblemException e =
        catchThrowableOfType(
            ProblemException.class,
            () ->
                boundary.run(
                    () -> {
                      throw new RateLimited("login", Duration.ofMillis(2_500));
                    }));
    assertThat(e.problem().status()).isEqualTo(429);
    assertThat(e.problem().retryAfterSeconds()).isEqualTo(3L);
    assertThat(e.failure().failureClass()).isEqualTo(FailureClass.CLIENT_ERROR);
  }

  @Test
  void call_upstreamUnavailable_warnsAlertsAnd503() {
    try (LogCapture log = LogCapture.of(ErrorBoundary.class)) {
      ProblemException e =
          catchThrowableOfType(
              ProblemException.class,
              () ->
                  boundary.run(
                      () -> {
                        throw new UpstreamUnavailable(
                            "openai", "circuit open", new IOException("x"));
                      }));
      assertThat(e.problem().status()).isEqualTo(503);
      assertThat(e.failure().failureClass()).isEqualTo(FailureClass.UNAVAILABLE);
      assertThat(e.failure().alerted()).isTrue();
      assertThat(log.events())
          .singleElement()
          .satisfies(ev -> assertThat(ev.getLevel()).isEqualTo(Level.WARN));
    }
    assertThat(alertSink.alerts()).hasSize(1);
  }

  @Test
  void call_conflict_classifiedAsConflict() {
    ProblemException e =
        catchThrowableOfType(
            ProblemException.class,
            () ->
                boundary.run(
                    () -> {
                      throw Conflict.staleVersion("invoice", "inv-1", 3, 4);
                    }));
    assertThat(e.problem().status()).isEqualTo(409);
    assertThat(e.failure().failureClass()).isEqualTo(FailureClass.CONFLICT);
    assertThat(e.problem().detail()).contains("reload");
  }

  @Test
  void call_wrappedCoreException_mappedByCause() {
    ProblemException e =
        catchThrowableOfType(
            ProblemException.class,
            () ->
                boundary.run(
                    () -> {
                      throw new CompletionException(new NotFound("order", "o-1"));
                    }));
    assertThat(e.problem().status()).isEqualTo(404);
  }

  @Test
  void call_interrupted_restoresInterruptFlagAnd503() {
    try {
      ProblemException e =
          catchThrowableOfType(
              ProblemException.class,
              () ->
                  boundary.run(
                      () -> {
                        throw new InterruptedException("stop");
                      }));
      assertThat(e.problem().status()).isEqualTo(503);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      assertThat(Thread.interrupted()).isTrue();
    }
  }

  @Test
  void call_virtualMachineError_rethrownUntouched() {
    OutOfMemoryError error = new OutOfMemoryError("Java heap space");
    assertThatThrownBy(
            () ->
                boundary.run(
                    () -> {
                      throw error;
                    }))
        .isSameAs(error);
  }

  @Test
  void call_stackOverflow_handledAsABugOnceTheStackHasUnwound() {
    assertThatThrownBy(
            () ->
                boundary.run(
                    () -> {
                      throw new StackOverflowError();
                    }))
        .isInstanceOfSatisfying(
            ProblemException.class,
            e -> {
              assertThat(e.problem().status()).isEqualTo(500);
              assertThat(e.failure().failureClass()).isEqualTo(FailureClass.BUG);
            });
  }

  @Test
  void call_checkedException_wrappedOnceAsProblemException() {
    assertThatThrownBy(
            () ->
                boundary.call(
                    () -> {
                      throw new IOException("disk");
                    }))
        .isInstanceOf(ProblemException.class)
        .hasCauseInstanceOf(IOException.class);
  }

  @Test
  void handle_withoutContext_takesCorrelationIdFromMdc() {
    MDC.put(GuardContext.MDC_CORRELATION_ID, "mdc-corr-0001");
    try {
      Failure failure = boundary.handle(new IllegalStateException("x"));
      assertThat(failure.problem().correlationId()).isEqualTo("mdc-corr-0001");
    } finally {
      MDC.remove(GuardContext.MDC_CORRELATION_ID);
    }
    assertThat(boundary.handle(new IllegalStateException("x")).problem().correlationId()).isNull();
  }

  @Test
  void handle_sameSeed_sameIncidentIds() {
    ErrorBoundary a = ErrorBoundary.builder().random(new Random(7)).build();
    ErrorBoundary b = ErrorBoundary.builder().random(new Random(7)).build();
    assertThat(a.handle(new RuntimeException()).incidentId())
        .isEqualTo(b.handle(new RuntimeException()).incidentId());
  }

  @Test
  void handle_customMapping_usedWithSafeDetailAndUnsafeDetailReplaced() {
    ProblemMappings mappings =
        ProblemMappings.builder()
            .map(
                PaymentDeclined.class,
                e ->
                    ProblemTemplate.of(
                            FailureClass.CLIENT_ERROR, 402, "payment_declined", "Payment declined")
                        .withDetail(e.getMessage()))
            .build();
    ErrorBoundary custom = ErrorBoundary.builder().mappings(mappings).build();

    Problem safe = custom.handle(new PaymentDeclined("Your card was declined.")).problem();
    assertThat(safe.status()).isEqualTo(402);
    assertThat(safe.detail()).isEqualTo("Your card was declined.");

    Problem unsafe =
        custom
            .handle(new PaymentDeclined("declined: stripe key sk_live_abcdef123456 rejected"))
            .problem();
    assertThat(unsafe.status()).isEqualTo(402);
    assertThat(unsafe.detail()).doesNotContain("sk_live").contains(unsafe.incidentId());
  }

  @Test
  void handle_mapperThrows_treatedAsBug() {
    ProblemMappings mappings =
        ProblemMappings.builder()
            .map(
                PaymentDeclined.class,
                e -> {
                  throw new IllegalStateException("mapper broke");
                })
            .build();
    Failure failure =
        ErrorBoundary.builder().mappings(mappings).build().handle(new PaymentDeclined("x"));
    assertThat(failure.problem().status()).isEqualTo(500);
    assertThat(failure.failureClass()).isEqualTo(FailureClass.BUG);
  }

  @Test
  void handle_mapperThrowsError_treatedAsBugInsteadOfEscaping() {
    ProblemMappings mappings =
        ProblemMappings.builder()
            .map(
                PaymentDeclined.class,
                e -> {
                  throw new AssertionError("mapper broke");
                })
            .map(
                IllegalArgumentException.class,
                e -> {
                  throw new NoClassDefFoundError("com/acme/Missing");
                })
            .build();
    ErrorBoundary withBrokenMappers = ErrorBoundary.builder().mappings(mappings).build();

    assertThat(withBrokenMappers.handle(new PaymentDeclined("x")).problem().status())
        .isEqualTo(500);
    ProblemException thrown =
        catchThrowableOfType(
            ProblemException.class,
            () ->
                withBrokenMappers.run(
                    () -> {
                      throw new IllegalArgumentException("bad");
                    }));
    assertThat(thrown.failure().failureClass()).isEqualTo(FailureClass.BUG);
    assertThat(thrown.problem().detail()).doesNotContain("Missing");
  }

  @Test
  void call_exceptionThatThrowsWhileLogged_stillLoggedOnceAlertedAndAProblem() {
    RuntimeException hostile =
        new IllegalStateException() {
          private static final long serialVersionUID = 1L;

          @Override
          public String getMessage() {
            throw new UnsupportedOperationException("message unavailable");
          }
        };
    try (LogCapture log = LogCapture.of(ErrorBoundary.class)) {
      // AssertJ renders a caught throwable with its causes, which this one breaks
      ProblemException thrown = null;
      try {
        boundary.run(
            () -> {
              throw hostile;
            });
      } catch (ProblemException e) {
        thrown = e;
      }

      assertThat(thrown).as("a ProblemException was thrown").isNotNull();
      assertThat(thrown.failure().cause() == hostile).as("the cause is the failure").isTrue();
      assertThat(thrown.problem().status()).isEqualTo(500);
      String incidentId = thrown.problem().incidentId();
      assertThat(log.events())
          .singleElement()
          .satisfies(
              ev -> {
                assertThat(ev.getLevel()).isEqualTo(Level.ERROR);
                assertThat(ev.getFormattedMessage()).contains(incidentId);
              });
    }
    assertThat(alertSink.alerts()).hasSize(1);
  }

  @Test
  void call_alertSinkThrowsError_callerStillGetsProblemAndOtherSinksTheAlert() {
    InMemoryAlertSink after = AlertSinks.inMemory();
    AlertPipeline brokenFirst =
        AlertPipeline.builder()
            .clock(clock)
            .sink(
                alert -> {
                  throw new AssertionError("sink broke");
                })
            .sink(after)
            .build();
    ErrorBoundary withBrokenSink = ErrorBoundary.builder().clock(clock).alerts(brokenFirst).build();

    ProblemException thrown =
        catchThrowableOfType(
            ProblemException.class,
            () ->
                withBrokenSink.run(
                    () -> {
                      throw new IllegalStateException("x");
                    }));

    assertThat(thrown.problem().status()).isEqualTo(500);
    assertThat(thrown.failure().alerted()).isTrue();
    assertThat(after.alerts()).hasSize(1);
    assertThat(brokenFirst.stats().sinkFailures()).isEqualTo(1);
  }

  @Test
  void handle_bug_publishesFailureEventThatPipelineIgnores() {
    InMemoryEventSink events = new InMemoryEventSink();
    ErrorBoundary withEvents =
        ErrorBoundary.builder().alerts(alerts).events(events).clock(clock).build();
    Failure failure = withEvents.handle(new IllegalStateException("x"));
    assertThat(events.events(FailureEvent.class))
        .singleElement()
        .satisfies(
            ev -> {
              assertThat(ev.incidentId()).contains(failure.incidentId());
              alerts.publish(ev);
            });
    assertThat(alertSink.alerts()).hasSize(1);
  }

  @Test
  void handle_clientErrorAlertOnlyWhenConfigured() {
    ErrorBoundary alerting =
        ErrorBoundary.builder().alerts(alerts).alertOn(FailureClass.CLIENT_ERROR).build();
    assertThat(alerting.handle(new NotFound("order", "1")).alerted()).isTrue();
    assertThat(alerting.handle(new IllegalStateException()).alerted()).isFalse();
  }

  @Test
  void builder_rejectsBadValues() {
    assertThatThrownBy(() -> ErrorBoundary.builder().problemTypeBase("has space"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("problem type base");
    assertThatThrownBy(() -> ErrorBoundary.builder().clock(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("clock");
  }

  @Test
  void problem_jsonRoundTrip() throws Exception {
    Problem problem = boundary.handle(new RateLimited("x", Duration.ofSeconds(5))).problem();
    byte[] json = problem.toJsonBytes();
    assertThat(JSON.readValue(json, Problem.class)).isEqualTo(problem);
    JsonNode node = JSON.readTree(json);
    assertThat(node.has("instance")).isFalse();
    assertThat(node.get("retryAfterSeconds").asLong()).isEqualTo(5);
    assertThat(node.fieldNames()).toIterable().startsWith("type", "title", "status", "detail");
  }

  @Test
  void pointer_escapesPerRfc6901() {
    assertThat(ErrorBoundary.pointer("$")).isEqualTo("#");
    assertThat(ErrorBoundary.pointer("a/b.c~d")).isEqualTo("#/a~1b/c~0d");
    assertThat(ErrorBoundary.pointer("$[0].x")).isEqualTo("#/0/x");
  }

  @Test
  void pointer_quotedNamesOfTheStrictReader_areOneSegment() {
    assertThat(ErrorBoundary.pointer("$['first name']")).isEqualTo("#/first%20name");
    assertThat(ErrorBoundary.pointer("$['a.b'].c")).isEqualTo("#/a.b/c");
    assertThat(ErrorBoundary.pointer("items[2]['unit price']")).isEqualTo("#/items/2/unit%20price");
    assertThat(ErrorBoundary.pointer("$['x[0]'][1]")).isEqualTo("#/x[0]/1");
    assertThat(ErrorBoundary.pointer("$['it\\'s']")).isEqualTo("#/it's");
  }

  record Address(String city) {}

  record Customer(String name, Address address) {}

  @Test
  void handle_invalidInputFromTheStrictReader_pointersMatchTheFields() throws Exception {
    InvalidInput invalid =
        catchThrowableOfType(
            InvalidInput.class,
            () ->
                dev.guardrails.errors.json.StrictJson.defaults()
                    .read(
                        "{\"name\":1,\"first name\":\"x\",\"address\":{\"city\":2,\"zip.code\":1}}",
                        Customer.class));
    JsonNode problem = JSON.readTree(boundary.handle(invalid).problem().toJsonBytes());
    assertThat(problem.get("errors"))
        .extracting(e -> e.get("field").asText() + " " + e.get("pointer").asText())
        .containsExactlyInAnyOrder(
            "name #/name",
            "$['first name'] #/first%20name",
            "address.city #/address/city",
            "address['zip.code'] #/address/zip.code");
  }

  static final class PaymentDeclined extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PaymentDeclined(String message) {
      super(message);
    }
  }
}
