package dev.guardrails.errors.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.guardrails.core.NotFound;
import dev.guardrails.core.RateLimited;
import dev.guardrails.errors.ErrorBoundary;
import dev.guardrails.errors.LogCapture;
import dev.guardrails.errors.Problem;
import dev.guardrails.errors.alerts.AlertPipeline;
import dev.guardrails.errors.alerts.AlertSinks;
import dev.guardrails.errors.alerts.InMemoryAlertSink;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.MDC;

final class ProblemHttpHandlerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final HttpHandler NOT_FOUND =
      exchange -> {
        throw new NotFound("order", "1");
      };

  private final InMemoryAlertSink alertSink = AlertSinks.inMemory();
  private final ErrorBoundary boundary =
      ErrorBoundary.builder()
          .random(new Random(1))
          .alerts(AlertPipeline.builder().sink(alertSink).build())
          .build();
  private final HttpClient client = HttpClient.newHttpClient();
  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private URI serve(HttpHandler handler) throws IOException {
    return serve(ProblemHttpHandler.builder(boundary).random(new Random(2)), handler);
  }

  private URI serve(ProblemHttpHandler.Builder adapter, HttpHandler handler) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", adapter.wrap(handler));
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private HttpResponse<String> get(URI base, String path, String correlationId) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10));
    if (correlationId != null) {
      request.header("X-Correlation-Id", correlationId);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void handle_success_passesThroughWithCorrelationHeader() throws Exception {
    URI base =
        serve(
            exchange -> {
              byte[] body =
                  String.valueOf(
                          exchange.getAttribute(ProblemHttpHandler.CORRELATION_ATTRIBUTE)
                              + "|"
                              + MDC.get("correlation_id"))
                      .getBytes(StandardCharsets.UTF_8);
              exchange.sendResponseHeaders(200, body.length);
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
              }
            });
    HttpResponse<String> response = get(base, "/ok", "client-corr-0001");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("client-corr-0001|client-corr-0001");
    assertThat(response.headers().firstValue("X-Correlation-Id")).contains("client-corr-0001");
  }

  @Test
  void handle_bug_returnsProblemJsonWithSameCorrelationInLogAlertAndBody() throws Exception {
    URI base =
        serve(
            exchange -> {
              throw new IllegalStateException("db password=hunter2 at /etc/app.conf");
            });
    HttpResponse<String> response;
    try (LogCapture log = LogCapture.of(ErrorBoundary.class)) {
      response = get(base, "/orders/7", "client-corr-0002");
      assertThat(log.events()).hasSize(1);
      ILoggingEvent event = log.events().get(0);
      assertThat(event.getMDCPropertyMap()).containsEntry("correlation_id", "client-corr-0002");
    }
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.headers().firstValue("Content-Type")).contains(Problem.MEDIA_TYPE);
    assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
    assertThat(response.body()).doesNotContain("hunter2", "/etc", "IllegalState");
    JsonNode problem = JSON.readTree(response.body());
    assertThat(problem.get("status").asInt()).isEqualTo(500);
    assertThat(problem.get("correlationId").asText()).isEqualTo("client-corr-0002");
    assertThat(problem.get("instance").asText()).isEqualTo("/orders/7");
    String incident = problem.get("incidentId").asText();
    assertThat(alertSink.alerts())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.correlationId()).isEqualTo("client-corr-0002");
              assertThat(a.incidentId()).isEqualTo(incident);
            });
  }

  @Test
  void handle_invalidCorrelationHeader_replacedByNewId() throws Exception {
    URI base =
        serve(
            exchange -> {
              throw new NotFound("order", "1");
            });
    HttpResponse<String> response = get(base, "/x", "bad id with spaces");
    String id = response.headers().firstValue("X-Correlation-Id").orElseThrow();
    assertThat(id).isNotEqualTo("bad id with spaces");
    assertThat(JSON.readTree(response.body()).get("correlationId").asText()).isEqualTo(id);
    assertThat(response.statusCode()).isEqualTo(404);
  }

  @Test
  void handle_rateLimited_setsRetryAfter() throws Exception {
    URI base =
        serve(
            exchange -> {
              throw new RateLimited("api", Duration.ofSeconds(30));
            });
    HttpResponse<String> response = get(base, "/x", null);
    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(response.headers().firstValue("Retry-After")).contains("30");
  }

  @Test
  void handle_headRequest_problemWithoutBody() throws Exception {
    URI base =
        serve(
            exchange -> {
              throw new NotFound("order", "1");
            });
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(base.resolve("/x"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).isEmpty();
  }

  @Test
  void handle_failureAfterHeadersSent_loggedOnceAndExchangeClosed() throws Exception {
    URI base =
        serve(
            exchange -> {
              exchange.sendResponseHeaders(200, 0);
              exchange.getResponseBody().write("partial".getBytes(StandardCharsets.UTF_8));
              throw new IllegalStateException("mid-stream");
            });
    try (LogCapture log = LogCapture.of(ErrorBoundary.class)) {
      HttpResponse<String> response = get(base, "/x", null);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(log.events()).hasSize(1);
    }
    assertThat(alertSink.alerts()).hasSize(1);
  }

  @Test
  void handle_pathWithTokenLikeSegment_notEchoedAsInstance() throws Exception {
    URI base =
        serve(
            exchange -> {
              throw new NotFound("reset", "1");
            });
    HttpResponse<String> response =
        get(base, "/reset/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig", null);
    assertThat(JSON.readTree(response.body()).has("instance")).isFalse();
  }

  @Test
  void handle_refusedBeforeTheBodyWasRead_clientStillSendingGetsTheProblem() throws Exception {
    URI base =
        serve(
            exchange -> {
              try (InputStream in = exchange.getRequestBody()) {
                in.readNBytes(1024);
              }
              throw new NotFound("order", "1");
            });
    byte[] large = new byte[4 * 1024 * 1024];
    Arrays.fill(large, (byte) 'a');
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> response = post(base, large);
      assertThat(response.statusCode()).as("request %d", i).isEqualTo(404);
      assertThat(JSON.readTree(response.body()).get("status").asInt()).isEqualTo(404);
    }
  }

  @Test
  void handle_bodyClosedByTheHandler_cannotBeReadAgain() throws Exception {
    URI base =
        serve(
            exchange -> {
              InputStream in = exchange.getRequestBody();
              in.close();
              in.read();
            });
    HttpResponse<String> response = post(base, "{}".getBytes(StandardCharsets.UTF_8));
    assertThat(response.statusCode()).isEqualTo(500);
  }

  @Test
  void handle_bodyLargerThanTheUnreadLimit_connectionClosedAndServerStillAnswers()
      throws Exception {
    URI base = serve(ProblemHttpHandler.builder(boundary).unreadBodyLimit(1024), NOT_FOUND);
    byte[] large = new byte[4 * 1024 * 1024];
    int statusOrClosed =
        client
            .sendAsync(
                HttpRequest.newBuilder(base.resolve("/orders"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(large))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .handle((response, closed) -> closed == null ? response.statusCode() : -1)
            .get(30, TimeUnit.SECONDS);
    // the client reads the problem if it arrived before the close, or sees the connection closed
    assertThat(statusOrClosed).isIn(404, -1);
    assertThat(get(base, "/x", null).statusCode()).isEqualTo(404);
  }

  @Test
  void handle_declaredBodyLengthOverTheUnreadLimit_answersAtOnceWithoutReadingAndCloses()
      throws Exception {
    URI base = serve(ProblemHttpHandler.builder(boundary).unreadBodyLimit(1024), NOT_FOUND);
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), base.getPort())) {
      // the problem must come back while the client has sent only a sliver of the declared body
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /orders HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4194304\r\n\r\n"
                  + "0123456789")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String head = readHead(socket.getInputStream());
      assertThat(head).startsWith("HTTP/1.1 404");
      assertThat(head.toLowerCase(Locale.ROOT)).contains("connection: close");
    }
  }

  @Test
  void handle_unlimitedUnreadBody_drainedAndAnswered() throws Exception {
    URI base =
        serve(ProblemHttpHandler.builder(boundary).unreadBodyLimit(Long.MAX_VALUE), NOT_FOUND);
    HttpResponse<String> response = post(base, new byte[100_000]);
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("Connection")).isEmpty();
  }

  /** Reads a response's status line and headers, up to the blank line. */
  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      head.append((char) c);
      if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
        break;
      }
    }
    return head.toString();
  }

  @Test
  void handle_clientResetWhileTheResponseIsWritten_loggedAtInfoWithoutIncidentOrAlert()
      throws Exception {
    CountDownLatch clientGone = new CountDownLatch(1);
    CountDownLatch handled = new CountDownLatch(1);
    HttpHandler writeUntilTheClientIsGone =
        exchange -> {
          exchange.sendResponseHeaders(200, 0);
          try {
            if (!clientGone.await(30, TimeUnit.SECONDS)) {
              throw new IllegalStateException("the test's client did not hang up");
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
          byte[] chunk = new byte[64 * 1024];
          OutputStream out = exchange.getResponseBody();
          for (int i = 0; i < 16 * 1024; i++) {
            out.write(chunk);
            out.flush();
          }
          throw new IllegalStateException("1 GiB was written to a client that had reset");
        };
    HttpHandler guarded = ProblemHttpHandler.builder(boundary).wrap(writeUntilTheClientIsGone);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try {
            guarded.handle(exchange);
          } finally {
            handled.countDown();
          }
        });
    server.start();
    try (LogCapture boundaryLog = LogCapture.of(ErrorBoundary.class);
        LogCapture handlerLog = LogCapture.of(ProblemHttpHandler.class);
        Socket socket =
            new Socket(InetAddress.getLoopbackAddress(), server.getAddress().getPort())) {
      socket
          .getOutputStream()
          .write(
              "POST /download HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      assertThat(new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII))
          .isEqualTo("HTTP/1.1 200");
      // a reset, not an orderly close: the server's next writes fail at once
      socket.setSoLinger(true, 0);
      socket.close();
      clientGone.countDown();
      assertThat(handled.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(boundaryLog.events()).isEmpty();
      assertThat(handlerLog.events())
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.getLevel()).isEqualTo(ch.qos.logback.classic.Level.INFO);
                assertThat(e.getFormattedMessage())
                    .contains("the client went away", "POST /download");
              });
    }
    assertThat(alertSink.alerts()).isEmpty();
  }

  /** A database or upstream socket reset is the server's failure, whatever its message says. */
  static Stream<Arguments> serverSideSocketFailures() {
    return Stream.of(
        Arguments.of(
            new SQLException(
                "I/O error occurred while sending to the backend",
                "08006",
                new IOException("Connection reset by peer"))),
        Arguments.of(new IOException("Connection reset by peer")),
        Arguments.of(new IOException("Broken pipe")),
        Arguments.of(new UncheckedIOException(new IOException("Connection reset by peer"))),
        Arguments.of(new IllegalStateException("report failed", new IOException("Broken pipe"))));
  }

  @ParameterizedTest
  @MethodSource("serverSideSocketFailures")
  void handle_hangUpMessageFromTheApplicationsOwnSocket_aBugWithAnIncidentAndAlert(
      Exception failure) throws Exception {
    URI base =
        serve(
            exchange -> {
              if (failure instanceof IOException io) {
                throw io;
              }
              if (failure instanceof RuntimeException runtime) {
                throw runtime;
              }
              throw new IOException(failure);
            });
    HttpResponse<String> response;
    try (LogCapture boundaryLog = LogCapture.of(ErrorBoundary.class)) {
      response = get(base, "/reports", "client-corr-0009");
      assertThat(boundaryLog.events())
          .extracting(ILoggingEvent::getLevel)
          .containsExactly(ch.qos.logback.classic.Level.ERROR);
    }
    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(JSON.readTree(response.body()).get("incidentId").asText()).isNotBlank();
    assertThat(alertSink.alerts()).hasSize(1);
  }

  @Test
  void handle_stackOverflow_answeredAsABugWithAnIncident() throws Exception {
    URI base =
        serve(
            exchange -> {
              throw new StackOverflowError();
            });

    HttpResponse<String> response = get(base, "/deep", null);

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(JSON.readTree(response.body()).get("incidentId").asText()).isNotBlank();
    assertThat(alertSink.alerts()).hasSize(1);
  }

  @Test
  void handle_outOfMemory_loggedAndRethrownWithoutAResponseAndTheServerStillAnswers()
      throws Exception {
    URI base =
        serve(
            exchange -> {
              if (exchange.getRequestURI().getPath().equals("/big")) {
                throw new OutOfMemoryError("Java heap space");
              }
              exchange.sendResponseHeaders(204, -1);
              exchange.close();
            });
    try (LogCapture handlerLog = LogCapture.of(ProblemHttpHandler.class)) {
      int statusOrClosed =
          client
              .sendAsync(
                  HttpRequest.newBuilder(base.resolve("/big"))
                      .POST(HttpRequest.BodyPublishers.noBody())
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .handle((answer, closed) -> closed == null ? answer.statusCode() : -1)
              .get(30, TimeUnit.SECONDS);

      assertThat(statusOrClosed).isEqualTo(-1);
      assertThat(handlerLog.events())
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.getLevel()).isEqualTo(ch.qos.logback.classic.Level.ERROR);
                assertThat(e.getFormattedMessage()).contains("OutOfMemoryError", "POST /big");
              });
    }
    assertThat(get(base, "/after", null).statusCode()).isEqualTo(204);
    assertThat(alertSink.alerts()).as("no incident for what the boundary cannot answer").isEmpty();
  }

  @Test
  void builder_negativeUnreadBodyLimit_refused() {
    assertThatThrownBy(() -> ProblemHttpHandler.builder(boundary).unreadBodyLimit(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unread body limit")
        .hasMessageContaining("-1");
  }

  private HttpResponse<String> post(URI base, byte[] body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(base.resolve("/orders"))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
