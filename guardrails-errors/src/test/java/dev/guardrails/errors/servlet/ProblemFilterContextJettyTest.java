package dev.guardrails.errors.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.guardrails.core.Actor;
import dev.guardrails.core.GuardContext;
import dev.guardrails.core.Unauthenticated;
import dev.guardrails.errors.ErrorBoundary;
import dev.guardrails.errors.LogCapture;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The filter's context resolver in a real Servlet 6 container (Jetty 12) on loopback. */
final class ProblemFilterContextJettyTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final Instant START = Instant.parse("2026-12-05T09:00:00Z");
  private static final AtomicInteger SERVLET_CALLS = new AtomicInteger();
  private static Server server;
  private static URI base;

  /** Answers with the bound actor, or fails in the way its path names. */
  static final class ContextServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      SERVLET_CALLS.incrementAndGet();
      if (request.getRequestURI().equals("/bug")) {
        throw new IllegalStateException("jdbc:postgresql://db/app password=hunter2");
      }
      response.setContentType("text/plain");
      response
          .getWriter()
          .write(
              GuardContext.currentIfBound().map(c -> c.actor().id()).orElse("anonymous")
                  + "|"
                  + MDC.get(GuardContext.MDC_CORRELATION_ID));
    }
  }

  @BeforeAll
  static void start() throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    ErrorBoundary boundary = ErrorBoundary.builder().random(new Random(9)).build();
    ProblemFilter filter =
        ProblemFilter.of(boundary)
            .withContextResolver(
                (request, correlationId) -> {
                  String authorization = request.getHeader("Authorization");
                  if (authorization == null) {
                    return null;
                  }
                  return switch (authorization) {
                    case "Bearer anna" ->
                        GuardContext.of(Actor.person("anna", "firm-7"), correlationId, START);
                    case "Bearer broken" ->
                        throw new IllegalStateException("key store /srv/keys.jks unreadable");
                    default -> throw new Unauthenticated("unknown token");
                  };
                });
    context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new ContextServlet()), "/*");
    server.setHandler(context);
    server.start();
    base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
  }

  @AfterAll
  static void stop() throws Exception {
    server.stop();
  }

  private static HttpResponse<String> get(String path, String correlationId, String token)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(10))
            .header("X-Correlation-Id", correlationId);
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void get_resolvedContext_boundInServlet() throws Exception {
    HttpResponse<String> response = get("/me", "jetty-ctx-0001", "anna");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("anna|jetty-ctx-0001");
  }

  @Test
  void get_noCredentials_servletRunsWithoutContext() throws Exception {
    HttpResponse<String> response = get("/public", "jetty-ctx-0002", null);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("anonymous|jetty-ctx-0002");
  }

  @Test
  void get_bugUnderContext_loggedOnceWithActorAndSameCorrelation() throws Exception {
    HttpResponse<String> response;
    try (LogCapture log = LogCapture.of(ErrorBoundary.class)) {
      response = get("/bug", "jetty-ctx-0003", "anna");
      assertThat(log.events()).hasSize(1);
      ILoggingEvent event = log.events().get(0);
      assertThat(event.getMDCPropertyMap())
          .containsEntry(GuardContext.MDC_CORRELATION_ID, "jetty-ctx-0003")
          .containsEntry(GuardContext.MDC_ACTOR_ID, "anna")
          .containsEntry(GuardContext.MDC_TENANT_ID, "firm-7");
    }
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).doesNotContain("hunter2", "jdbc");
    assertThat(JSON.readTree(response.body()).get("correlationId").asText())
        .isEqualTo("jetty-ctx-0003");
  }

  @Test
  void get_resolverThrowsUnauthenticated_401AndServletNotCalled() throws Exception {
    int before = SERVLET_CALLS.get();
    HttpResponse<String> response = get("/me", "jetty-ctx-0004", "forged");
    assertThat(response.statusCode()).isEqualTo(401);
    JsonNode problem = JSON.readTree(response.body());
    assertThat(problem.get("code").asText()).isEqualTo("unauthenticated");
    assertThat(problem.get("correlationId").asText()).isEqualTo("jetty-ctx-0004");
    assertThat(SERVLET_CALLS.get()).isEqualTo(before);
  }

  @Test
  void get_resolverThrowsUnexpected_500WithoutInternals() throws Exception {
    HttpResponse<String> response = get("/me", "jetty-ctx-0005", "broken");
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).doesNotContain("keys.jks", "/srv", "IllegalState");
    assertThat(JSON.readTree(response.body()).get("correlationId").asText())
        .isEqualTo("jetty-ctx-0005");
  }

  @Test
  void withContextResolver_twice_rejectedAndOriginalUnchanged() {
    ProblemFilter plain = ProblemFilter.of(ErrorBoundary.ofDefaults());
    ProblemFilter resolving = plain.withContextResolver((request, correlationId) -> null);
    assertThat(plain.toString()).doesNotContain("context resolver");
    assertThat(resolving.toString()).contains("context resolver");
    assertThatThrownBy(() -> resolving.withContextResolver((request, correlationId) -> null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("context resolver was already set");
  }
}
