package dev.guardrails.errors.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.guardrails.core.NotFound;
import dev.guardrails.errors.ErrorBoundary;
import dev.guardrails.errors.LogCapture;
import dev.guardrails.errors.Problem;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Random;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The filter in a real Servlet 6 container (Jetty 12) on loopback. */
final class ProblemFilterJettyTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static Server server;
  private static URI base;

  /** Fails in the way its path names. */
  static final class FailingServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws ServletException, IOException {
      switch (request.getRequestURI()) {
        case "/ok" -> {
          response.setContentType("text/plain");
          response
              .getWriter()
              .write("ok " + request.getAttribute(ProblemFilter.CORRELATION_ATTRIBUTE));
        }
        case "/missing" -> throw new NotFound("invoice", "inv-1");
        case "/wrapped" -> throw new ServletException("wrapped", new NotFound("order", "o-1"));
        case "/partial" -> {
          response.getWriter().write("partial");
          response.flushBuffer();
          throw new IllegalStateException("after commit");
        }
        default -> {
          response.setHeader("X-Leaky", "should be reset");
          throw new IllegalStateException("jdbc:postgresql://db/app password=hunter2");
        }
      }
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
    ErrorBoundary boundary = ErrorBoundary.builder().random(new Random(8)).build();
    context.addFilter(
        new FilterHolder(ProblemFilter.of(boundary)), "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new FailingServlet()), "/*");
    server.setHandler(context);
    server.start();
    base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
  }

  @AfterAll
  static void stop() throws Exception {
    server.stop();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(10))
            .header("X-Correlation-Id", "jetty-corr-0001")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void get_ok_passesThroughWithCorrelation() throws Exception {
    HttpResponse<String> response = get("/ok");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("ok jetty-corr-0001");
    assertThat(response.headers().firstValue("X-Correlation-Id")).contains("jetty-corr-0001");
  }

  @Test
  void get_notFound_problemJson() throws Exception {
    HttpResponse<String> response = get("/missing");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("Content-Type").orElseThrow())
        .startsWith(Problem.MEDIA_TYPE);
    JsonNode problem = JSON.readTree(response.body());
    assertThat(problem.get("detail").asText()).isEqualTo("The requested invoice was not found.");
    assertThat(problem.get("correlationId").asText()).isEqualTo("jetty-corr-0001");
    assertThat(problem.get("instance").asText()).isEqualTo("/missing");
  }

  @Test
  void get_servletExceptionWrappingCoreException_mappedByCause() throws Exception {
    assertThat(get("/wrapped").statusCode()).isEqualTo(404);
  }

  @Test
  void get_bug_genericProblemWithoutInternalsAndHeadersReset() throws Exception {
    HttpResponse<String> response;
    try (LogCapture log = LogCapture.of(ErrorBoundary.class)) {
      response = get("/bug");
      assertThat(log.events()).hasSize(1);
    }
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).doesNotContain("hunter2", "jdbc", "IllegalState");
    assertThat(response.headers().firstValue("X-Leaky")).isEmpty();
    assertThat(response.headers().firstValue("X-Correlation-Id")).contains("jetty-corr-0001");
    assertThat(JSON.readTree(response.body()).get("incidentId").asText()).isNotBlank();
  }

  @Test
  void get_failureAfterCommit_loggedOnceAndPartialResponseKept() throws Exception {
    try (LogCapture log = LogCapture.of(ErrorBoundary.class)) {
      HttpResponse<String> response = get("/partial");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(log.events()).hasSize(1);
    }
  }
}
