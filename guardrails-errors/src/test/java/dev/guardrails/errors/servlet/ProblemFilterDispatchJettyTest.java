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
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
        case "/hang-up/unchecked" -> throw new UncheckedIOException(new EofException("reset"));
        case "/hang-up/real" -> writeUntilTheClientIsGone(response);
        // the same messages from the application's own sockets: a database, an upstream service
        case "/server-side/database" ->
            throw new ServletException(
                new SQLException(
                    "I/O error occurred while sending to the backend",
                    "08006",
                    new IOException("Connection reset by peer")));
        case "/server-side/upstream" -> throw new IOException("Broken pipe");
        case "/server-side/upstream-unchecked" ->
            throw new UncheckedIOException(new IOException("Connection reset by peer"));
        case "/server-side/wrapped-cause" ->
            throw new IllegalStateException(
                "report failed", new IOException("Connection reset by peer"));
        case "/hang-up/wrapped" ->
            throw new ServletException("write failed", new EofException("early EOF"));
        default -> throw new java.nio.file.FileSystemException("disk full");
      }
    }
  }

  /** Opened by the test once its client has reset the connection of {@code /hang-up/real}. */
  private static final CountDownLatch CLIENT_GONE = new CountDownLatch(1);

  /** Opened once the whole filter chain has returned from {@code /hang-up/real}. */
  private static final CountDownLatch REAL_HANG_UP_HANDLED = new CountDownLatch(1);

  /** Sends the headers, waits for the client to reset the connection, and writes on. */
  static void writeUntilTheClientIsGone(HttpServletResponse response) throws IOException {
    response.setContentType("application/octet-stream");
    response.flushBuffer();
    try {
      if (!CLIENT_GONE.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test's client did not hang up");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    byte[] chunk = new byte[64 * 1024];
    ServletOutputStream out = response.getOutputStream();
    for (int i = 0; i < 16 * 1024; i++) {
      out.write(chunk);
      out.flush();
    }
    throw new IllegalStateException("1 GiB was written to a client that had reset the connection");
  }

  /** The outermost filter: tells the test when the request has been handled. */
  static final class HandledFilter implements Filter {
    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
        throws IOException, ServletException {
      try {
        chain.doFilter(request, response);
      } finally {
        if ("/hang-up/real".equals(((HttpServletRequest) request).getRequestURI())) {
          REAL_HANG_UP_HANDLED.countDown();
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
    ErrorBoundary boundary =
        ErrorBoundary.builder()
            .random(new Random(9))
            .alerts(AlertPipeline.builder().sink(ALERTS).build())
            .build();
    context.addFilter(
        new FilterHolder(new HandledFilter()), "/*", EnumSet.of(DispatcherType.REQUEST));
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
      strings = {"/hang-up/jetty", "/hang-up/tomcat", "/hang-up/unchecked", "/hang-up/wrapped"})
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

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/server-side/database",
        "/server-side/upstream",
        "/server-side/upstream-unchecked",
        "/server-side/wrapped-cause"
      })
  void hangUpMessageFromTheApplicationsOwnSocket_aBugWithAnIncidentAndAlert(String path)
      throws Exception {
    int alertsBefore = ALERTS.alerts().size();
    HttpResponse<String> response;
    try (LogCapture boundaryLog = LogCapture.of(ErrorBoundary.class)) {
      response = get(path);
      assertThat(boundaryLog.events())
          .extracting(ILoggingEvent::getLevel)
          .containsExactly(Level.ERROR);
    }
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).contains("incidentId");
    assertThat(ALERTS.alerts()).hasSize(alertsBefore + 1);
  }

  @Test
  void realClientReset_whileTheResponseIsWritten_loggedAtInfoWithoutIncident() throws Exception {
    int alertsBefore = ALERTS.alerts().size();
    try (LogCapture boundaryLog = LogCapture.of(ErrorBoundary.class);
        LogCapture filterLog = LogCapture.of(ProblemFilter.class);
        Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket
          .getOutputStream()
          .write(
              "GET /hang-up/real HTTP/1.1\r\nHost: localhost\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII))
          .isEqualTo("HTTP/1.1 200");
      // a reset, not an orderly close: the server's next writes fail at once
      socket.setSoLinger(true, 0);
      socket.close();
      CLIENT_GONE.countDown();
      assertThat(REAL_HANG_UP_HANDLED.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(boundaryLog.events()).isEmpty();
      assertThat(filterLog.events())
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.getLevel()).isEqualTo(Level.INFO);
                assertThat(e.getFormattedMessage()).contains("the client went away");
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
