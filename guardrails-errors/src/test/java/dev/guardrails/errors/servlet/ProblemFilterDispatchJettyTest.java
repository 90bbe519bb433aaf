package dev.guardrails.errors.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.guardrails.errors.ErrorBoundary;
import dev.guardrails.errors.LogCapture;
import dev.guardrails.errors.alerts.AlertPipeline;
import dev.guardrails.errors.alerts.AlertSinks;
import dev.guardrails.errors.alerts.InMemoryAlertSink;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Random;
import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The filter mapped for request, async and error dispatches in a real Servlet 6 container (Jetty
 * 12) on loopback: one correlation id per request, and client hang-ups are no incidents.
 */
final class ProblemFilterDispatchJettyTest {

  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final InMemoryAlertSink ALERTS = AlertSinks.inMemory();
  private static Server server;
  private static URI base;

  /** Tomcat's exception, matched by its simple name as the real one would be. */
  static final class ClientAbortException extends IOException {
    private static final long serialVersionUID = 1L;

    ClientAbortException(String message) {
      super(message);
    }
  }

  /** Dispatches again asynchronously, or sends an error, and reports the ids each dispatch saw. */
  static final class DispatchingServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws ServletException, IOException {
      Object id = request.getAttribute(ProblemFilter.CORRELATION_ATTRIBUTE);
      switch (request.getRequestURI()) {
        case "/async" -> {
          if (request.getDispatcherType() == DispatcherType.REQUEST) {
            request.setAttribute("first", id);
            request.startAsync().dispatch();
          } else {
            response.setContentType("text/plain");
            response.getWriter().write(request.getAttribute("first") + "|" + id);
          }
        }
        case "/send-error" -> {
          request.setAttribute("first", id);
          response.sendError(503);
        }
        case "/error-page" -> {
          response.setContentType("text/plain");
          response.getWriter().write(request.getAttribute("first") + "|" + id);
        }
        case "/hang-up/jetty" -> throw new EofException("reset");
        case "/hang-up/tomcat" -> throw new ClientAbortException("java.io.IOException: aborted");
        case "/hang-up/pipe" -> throw new IOException("Broken pipe");
        case "/hang-up/reset" ->
            throw new UncheckedIOException(new IOException("Connection reset by peer"));
        case "/hang-up/wrapped" ->
            throw new ServletException("write failed", new EofException("early EOF"));
        default -> throw new java.nio.file.FileSystemException("disk full");
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
    ErrorBoundary boundary =
        ErrorBoundary.builder()
            .random(new Random(9))
            .alerts(AlertPipeline.builder().sink(ALERTS).build())
            .build();
    FilterHolder filter = new FilterHolder(ProblemFilter.of(boundary));
    filter.setAsyncSupported(true);
    context.addFilter(
        filter,
        "/*",
        EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR));
    ServletHolder servlet = new ServletHolder(new DispatchingServlet());
    servlet.setAsyncSupported(true);
    context.addServlet(servlet, "/*");
    ErrorPageErrorHandler errors = new ErrorPageErrorHandler();
    errors.addErrorPage(503, "/error-page");
    context.setErrorHandler(errors);
    server.setHandler(context);
    server.start();
    base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
  }

  @AfterAll
  static void stop() throws Exception {
    server.stop();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    // no correlation header: the filter makes the id, and must make it once per request
    return CLIENT.send(
        HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/async", "/send-error"})
  void dispatchAgain_withoutCorrelationHeader_keepsTheFirstDispatchsId(String path)
      throws Exception {
    HttpResponse<String> response = get(path);
    String[] ids = response.body().split("\\|");
    assertThat(ids).hasSize(2);
    assertThat(ids[0]).isNotBlank().isNotEqualTo("null");
    assertThat(ids[1]).isEqualTo(ids[0]);
    assertThat(response.headers().firstValue(ProblemFilter.CORRELATION_HEADER)).contains(ids[0]);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/hang-up/jetty",
        "/hang-up/tomcat",
        "/hang-up/pipe",
        "/hang-up/reset",
        "/hang-up/wrapped"
      })
  void clientHangUp_loggedAtInfoWithoutIncidentOrAlert(String path) throws Exception {
    int alertsBefore = ALERTS.alerts().size();
    try (LogCapture boundaryLog = LogCapture.of(ErrorBoundary.class);
        LogCapture filterLog = LogCapture.of(ProblemFilter.class)) {
      get(path);
      assertThat(boundaryLog.events()).isEmpty();
      assertThat(filterLog.events())
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.getLevel()).isEqualTo(Level.INFO);
                assertThat(e.getFormattedMessage()).contains("the client went away", path);
              });
    }
    assertThat(ALERTS.alerts()).hasSize(alertsBefore);
  }

  @Test
  void otherIoFailure_stillABugWithAnAlert() throws Exception {
    int alertsBefore = ALERTS.alerts().size();
    HttpResponse<String> response;
    try (LogCapture boundaryLog = LogCapture.of(ErrorBoundary.class)) {
      response = get("/io-failure");
      assertThat(boundaryLog.events())
          .extracting(ILoggingEvent::getLevel)
          .containsExactly(Level.ERROR);
    }
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(ALERTS.alerts()).hasSize(alertsBefore + 1);
  }
}
