package dev.guardrails.errors.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.guardrails.core.Actor;
import dev.guardrails.core.GuardContext;
import dev.guardrails.core.Unauthenticated;
import dev.guardrails.errors.ErrorBoundary;
import dev.guardrails.errors.LogCapture;
import dev.guardrails.errors.Problem;
import dev.guardrails.errors.alerts.AlertPipeline;
import dev.guardrails.errors.alerts.AlertSinks;
import dev.guardrails.errors.alerts.InMemoryAlertSink;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The context resolver of {@link ProblemHttpHandler}, on a real loopback {@link HttpServer}. */
final class ProblemHttpHandlerContextTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant START = Instant.parse("2026-12-05T09:00:00Z");
  private static final Actor ANNA = Actor.person("anna", "firm-7", "clerk");
  private static final GuardContext SERVER_THREAD_CONTEXT =
      GuardContext.of(Actor.service("server", "ops"), "server-thread-ctx", START);

  private final InMemoryAlertSink alertSink = AlertSinks.inMemory();
  private final ErrorBoundary boundary =
      ErrorBoundary.builder()
          .random(new Random(1))
          .alerts(AlertPipeline.builder().sink(alertSink).build())
          .build();
  private final HttpClient client = HttpClient.newHttpClient();

  /** What the server thread had bound after each request, as seen by the executor. */
  private final BlockingQueue<String> afterRequest = new ArrayBlockingQueue<>(16);

  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  /** A resolver like an application's: the bearer token names the actor. */
  private static ProblemHttpHandler.ContextResolver bearer() {
    return (exchange, correlationId) -> {
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      if (authorization == null) {
        return null;
      }
      if (!authorization.equals("Bearer anna")) {
        throw new Unauthenticated("unknown token");
      }
      return GuardContext.of(ANNA, correlationId, START);
    };
  }

  /**
   * Serves the handler; the server thread runs each exchange with a context of its own bound (as if
   * a previous task had left one), and records what is bound after the exchange.
   */
  private URI serve(ProblemHttpHandler.ContextResolver resolver, HttpHandler handler)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(
        task -> {
          MDC.put("request_kind", "loopback");
          GuardContext.Scope outer = SERVER_THREAD_CONTEXT.open();
          try {
            task.run();
            afterRequest.add(
                GuardContext.currentIfBound().map(GuardContext::correlationId).orElse("none")
                    + "|"
                    + MDC.get(GuardContext.MDC_CORRELATION_ID)
                    + "|"
                    + MDC.get(GuardContext.MDC_ACTOR_ID)
                    + "|"
                    + MDC.get("request_kind"));
          } finally {
            outer.close();
            MDC.remove("request_kind");
          }
        });
    server.createContext(
        "/",
        ProblemHttpHandler.builder(boundary)
            .random(new Random(2))
            .contextResolver(resolver)
            .wrap(handler));
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private HttpResponse<String> get(URI base, String path, String correlationId, String token)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(10))
            .header("X-Correlation-Id", correlationId);
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String restoredState() throws InterruptedException {
    String state = afterRequest.poll(10, TimeUnit.SECONDS);
    assertThat(state).as("the executor recorded the server thread's state").isNotNull();
    return state;
  }

  private static final String RESTORED = "server-thread-ctx|server-thread-ctx|server|loopback";

  @Test
  void handle_resolvedContext_boundWhileHandlerRuns() throws Exception {
    URI base =
        serve(
            bearer(),
            exchange -> {
              GuardContext context = GuardContext.current();
              byte[] body =
                  (context.actor().id()
                          + "|"
                          + context.correlationId()
                          + "|"
                          + MDC.get(GuardContext.MDC_TENANT_ID))
                      .getBytes(StandardCharsets.UTF_8);
              exchange.sendResponseHeaders(200, body.length);
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
              }
            });
    HttpResponse<String> response = get(base, "/me", "req-corr-0001", "anna");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("anna|req-corr-0001|firm-7");
    assertThat(restoredState()).isEqualTo(RESTORED);
  }

  @Test
  void handle_bugUnderResolvedContext_loggedOnceWithContextAndSameCorrelationEverywhere()
      throws Exception {
    URI base =
        serve(
            bearer(),
            exchange -> {
              throw new IllegalStateException("db password=hunter2 at /etc/app.conf");
            });
    HttpResponse<String> response;
    try (LogCapture log = LogCapture.of(ErrorBoundary.class)) {
      response = get(base, "/invoices/7", "req-corr-0002", "anna");
      assertThat(log.events()).hasSize(1);
      ILoggingEvent event = log.events().get(0);
      assertThat(event.getLevel()).isEqualTo(Level.ERROR);
      assertThat(event.getMDCPropertyMap())
          .containsEntry(GuardContext.MDC_CORRELATION_ID, "req-corr-0002")
          .containsEntry(GuardContext.MDC_ACTOR_ID, "anna")
          .containsEntry(GuardContext.MDC_TENANT_ID, "firm-7");
    }
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.headers().firstValue("Content-Type")).contains(Problem.MEDIA_TYPE);
    assertThat(response.headers().firstValue("X-Correlation-Id")).contains("req-corr-0002");
    assertThat(response.body()).doesNotContain("hunter2", "/etc", "IllegalState");
    JsonNode problem = JSON.readTree(response.body());
    assertThat(problem.get("correlationId").asText()).isEqualTo("req-corr-0002");
    String incident = problem.get("incidentId").asText();
    assertThat(alertSink.alerts())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.correlationId()).isEqualTo("req-corr-0002");
              assertThat(a.incidentId()).isEqualTo(incident);
            });
    assertThat(restoredState()).isEqualTo(RESTORED);
  }

  @Test
  void handle_resolverThrowsUnauthenticated_401ProblemAndHandlerNotCalled() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    URI base = serve(bearer(), exchange -> calls.incrementAndGet());
    HttpResponse<String> response;
    try (LogCapture log = LogCapture.of(ErrorBoundary.class)) {
      response = get(base, "/invoices", "req-corr-0003", "forged");
      assertThat(log.events()).hasSize(1);
      ILoggingEvent event = log.events().get(0);
      assertThat(event.getLevel()).isEqualTo(Level.INFO);
      assertThat(event.getMDCPropertyMap())
          .containsEntry(GuardContext.MDC_CORRELATION_ID, "req-corr-0003")
          .doesNotContainKey(GuardContext.MDC_ACTOR_ID);
    }
    assertThat(response.statusCode()).isEqualTo(401);
    JsonNode problem = JSON.readTree(response.body());
    assertThat(problem.get("code").asText()).isEqualTo("unauthenticated");
    assertThat(problem.get("detail").asText()).isEqualTo(Unauthenticated.PUBLIC_MESSAGE);
    assertThat(problem.get("correlationId").asText()).isEqualTo("req-corr-0003");
    assertThat(response.body()).doesNotContain("unknown token");
    assertThat(calls).hasValue(0);
    assertThat(alertSink.alerts()).isEmpty();
    assertThat(restoredState()).isEqualTo(RESTORED);
  }

  @Test
  void handle_resolverThrowsUnexpected_500ProblemWithoutInternals() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    URI base =
        serve(
            (exchange, correlationId) -> {
              throw new IOException("key store /srv/keys.jks unreadable, password=changeit");
            },
            exchange -> calls.incrementAndGet());
    HttpResponse<String> response;
    try (LogCapture log = LogCapture.of(ErrorBoundary.class)) {
      response = get(base, "/invoices", "req-corr-0004", "anna");
      assertThat(log.events()).hasSize(1);
      assertThat(log.events().get(0).getLevel()).isEqualTo(Level.ERROR);
    }
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).doesNotContain("keys.jks", "changeit", "IOException", "/srv");
    JsonNode problem = JSON.readTree(response.body());
    assertThat(problem.get("correlationId").asText()).isEqualTo("req-corr-0004");
    assertThat(calls).hasValue(0);
    assertThat(alertSink.alerts()).singleElement();
    assertThat(restoredState()).isEqualTo(RESTORED);
  }

  @Test
  void handle_resolverReturnsOtherCorrelationId_500AndHandlerNotCalled() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    URI base =
        serve(
            (exchange, correlationId) -> GuardContext.of(ANNA, "made-up-id", START),
            exchange -> calls.incrementAndGet());
    HttpResponse<String> response;
    try (LogCapture log = LogCapture.of(ErrorBoundary.class)) {
      response = get(base, "/x", "req-corr-0005", "anna");
      assertThat(log.events()).singleElement();
      assertThat(log.events().get(0).getThrowableProxy().getMessage())
          .contains("'made-up-id'", "'req-corr-0005'", "GuardContext.of(");
    }
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).doesNotContain("made-up-id");
    assertThat(calls).hasValue(0);
  }

  @Test
  void handle_resolverReturnsNull_handlerRunsWithoutContextEvenIfTheThreadHeldOne()
      throws Exception {
    URI base =
        serve(
            bearer(),
            exchange -> {
              Optional<GuardContext> bound = GuardContext.currentIfBound();
              byte[] body =
                  (bound.isPresent() + "|" + MDC.get(GuardContext.MDC_CORRELATION_ID))
                      .getBytes(StandardCharsets.UTF_8);
              exchange.sendResponseHeaders(200, body.length);
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
              }
            });
    HttpResponse<String> response = get(base, "/login", "req-corr-0006", null);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("false|req-corr-0006");
    assertThat(restoredState()).isEqualTo(RESTORED);
  }

  @Test
  void contextResolver_setTwiceOrNull_rejected() {
    ProblemHttpHandler.Builder builder = ProblemHttpHandler.builder(boundary);
    assertThatThrownBy(() -> builder.contextResolver(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("contextResolver");
    builder.contextResolver(bearer());
    assertThatThrownBy(() -> builder.contextResolver(bearer()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("context resolver was already set");
  }

  @Test
  void wrap_withoutResolver_behavesAsBefore() {
    assertThat(ProblemHttpHandler.wrap(exchange -> {}, boundary).toString())
        .doesNotContain("context resolver");
  }
}
