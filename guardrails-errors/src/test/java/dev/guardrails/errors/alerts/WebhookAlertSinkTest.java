package dev.guardrails.errors.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.guardrails.core.Severity;
import dev.guardrails.errors.MutableClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

final class WebhookAlertSinkTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ExecutorService serverThreads = Executors.newCachedThreadPool();
  private final CountDownLatch release = new CountDownLatch(1);
  private HttpServer server;

  @AfterEach
  void stop() {
    release.countDown();
    if (server != null) {
      server.stop(0);
    }
    serverThreads.shutdownNow();
  }

  private URI start(com.sun.net.httpserver.HttpHandler handler) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/hook", handler);
    server.setExecutor(serverThreads);
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
  }

  private static void reply(HttpExchange exchange, int status) throws IOException {
    exchange.getRequestBody().readAllBytes();
    exchange.sendResponseHeaders(status, -1);
    exchange.close();
  }

  private static Alert alert(String fingerprint) {
    Instant at = Instant.parse("2026-01-01T00:00:00Z");
    return new Alert(
        fingerprint,
        Severity.ERROR,
        "boundary: IllegalStateException at Orders.place",
        "boundary",
        IllegalStateException.class.getName(),
        List.of("com.acme.Orders.place"),
        "AB12C-DE34F",
        "corr-000000001",
        at,
        at,
        1);
  }

  @Test
  void send_postsJsonWithHeaders() throws Exception {
    BlockingQueue<JsonNode> bodies = new LinkedBlockingQueue<>();
    BlockingQueue<String> auth = new LinkedBlockingQueue<>();
    URI uri =
        start(
            exchange -> {
              bodies.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
              auth.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
              assertThat(exchange.getRequestHeaders().getFirst("Content-Type"))
                  .isEqualTo("application/json");
              reply(exchange, 204);
            });
    try (WebhookAlertSink sink =
        WebhookAlertSink.builder(uri).header("Authorization", "Bearer t0ken").build()) {
      sink.send(alert("fp-1"));
      JsonNode body = bodies.poll(10, TimeUnit.SECONDS);
      assertThat(body).isNotNull();
      assertThat(body.get("fingerprint").asText()).isEqualTo("fp-1");
      assertThat(body.get("severity").asText()).isEqualTo("ERROR");
      assertThat(body.get("incidentId").asText()).isEqualTo("AB12C-DE34F");
      assertThat(body.get("correlationId").asText()).isEqualTo("corr-000000001");
      assertThat(body.get("occurrences").asLong()).isEqualTo(1);
      assertThat(body.get("firstSeen").asText()).isEqualTo("2026-01-01T00:00:00Z");
      assertThat(body.get("text").asText()).contains("IllegalStateException");
      assertThat(auth.poll(10, TimeUnit.SECONDS)).isEqualTo("Bearer t0ken");
    }
  }

  @Test
  void send_serverErrorThenSuccess_retriedAndDelivered() throws Exception {
    AtomicInteger requests = new AtomicInteger();
    URI uri = start(exchange -> reply(exchange, requests.incrementAndGet() == 1 ? 503 : 200));
    WebhookAlertSink sink = WebhookAlertSink.builder(uri).retry(3, Duration.ZERO).build();
    sink.send(alert("fp-1"));
    sink.close();
    assertThat(requests).hasValue(2);
    assertThat(sink.stats()).isEqualTo(new SinkStats(1, 0, 0, 0));
  }

  @Test
  void send_clientError_notRetriedAndCountedAsFailed() throws Exception {
    AtomicInteger requests = new AtomicInteger();
    URI uri = start(exchange -> reply(exchange, 400 + 0 * requests.incrementAndGet()));
    WebhookAlertSink sink = WebhookAlertSink.builder(uri).retry(3, Duration.ZERO).build();
    sink.send(alert("fp-1"));
    sink.close();
    assertThat(requests).hasValue(1);
    assertThat(sink.stats().failed()).isEqualTo(1);
  }

  @Test
  void send_hangingWebhook_callerNeverBlockedAndDropsCounted() throws Exception {
    CountDownLatch firstRequest = new CountDownLatch(1);
    AtomicInteger requests = new AtomicInteger();
    URI uri =
        start(
            exchange -> {
              requests.incrementAndGet();
              firstRequest.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              reply(exchange, 200);
            });
    WebhookAlertSink sink =
        WebhookAlertSink.builder(uri)
            .timeout(Duration.ofSeconds(30))
            .capacity(2)
            .closeTimeout(Duration.ofSeconds(10))
            .build();
    MutableClock clock = MutableClock.atEpoch();
    AlertPipeline alerts =
        AlertPipeline.builder()
            .clock(clock)
            .sink(sink)
            .dedupWindow(Duration.ofMillis(1))
            .globalLimit(10_000, Duration.ofMinutes(1))
            .perFingerprintLimit(10_000, Duration.ofMinutes(1))
            .build();

    alerts.raise(new IllegalStateException(), Severity.ERROR, "test", null, null);
    assertThat(firstRequest.await(10, TimeUnit.SECONDS)).isTrue();
    long started = System.nanoTime();
    for (int i = 0; i < 1_000; i++) {
      clock.advance(Duration.ofSeconds(1));
      alerts.raise(new IllegalStateException(), Severity.ERROR, "test", null, null);
    }
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

    assertThat(elapsedMillis).as("1,000 raises while the webhook hangs").isLessThan(2_000);
    assertThat(release.getCount()).as("the webhook is still hanging").isEqualTo(1);
    assertThat(requests).hasValue(1);
    assertThat(sink.stats().queued()).isEqualTo(2);
    assertThat(sink.stats().dropped()).isEqualTo(998);

    release.countDown();
    sink.close();
    SinkStats stats = sink.stats();
    assertThat(stats.delivered() + stats.failed() + stats.dropped()).isEqualTo(1_001);
    assertThat(stats.delivered()).isEqualTo(3);
  }

  @Test
  void send_timeout_countedAsFailureAfterAttempts() throws Exception {
    AtomicInteger requests = new AtomicInteger();
    URI uri =
        start(
            exchange -> {
              requests.incrementAndGet();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              reply(exchange, 200);
            });
    WebhookAlertSink sink =
        WebhookAlertSink.builder(uri)
            .timeout(Duration.ofMillis(200))
            .retry(2, Duration.ZERO)
            .build();
    sink.send(alert("fp-1"));
    sink.close();
    assertThat(sink.stats().failed()).isEqualTo(1);
    assertThat(requests).hasValue(2);
  }

  @Test
  void send_webhookStallsAfterItsHeaders_attemptTimesOutAndLaterAlertsStillDelivered()
      throws Exception {
    AtomicInteger requests = new AtomicInteger();
    URI uri =
        start(
            exchange -> {
              exchange.getRequestBody().readAllBytes();
              if (requests.incrementAndGet() == 1) {
                // promise a body of 100 bytes, then stall
                exchange.sendResponseHeaders(200, 100);
                exchange.getResponseBody().flush();
                try {
                  release.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                exchange.close();
                return;
              }
              reply(exchange, 204);
            });
    WebhookAlertSink sink =
        WebhookAlertSink.builder(uri)
            .timeout(Duration.ofMillis(300))
            .retry(1, Duration.ZERO)
            .closeTimeout(Duration.ofSeconds(10))
            .build();

    sink.send(alert("fp-1"));
    sink.send(alert("fp-2"));
    sink.close();

    assertThat(release.getCount()).as("the first response is still stalled").isEqualTo(1);
    assertThat(sink.stats().failed()).isEqualTo(1);
    assertThat(sink.stats().delivered()).isEqualTo(1);
    assertThat(sink.stats().dropped()).isZero();
  }

  @Test
  void send_afterClose_droppedAndCounted() throws Exception {
    URI uri = start(exchange -> reply(exchange, 200));
    WebhookAlertSink sink = WebhookAlertSink.builder(uri).build();
    sink.close();
    sink.send(alert("late"));
    assertThat(sink.stats().dropped()).isEqualTo(1);
  }

  @Test
  void builder_rejectsBadUriAndHeaders() {
    assertThatThrownBy(() -> WebhookAlertSink.builder(URI.create("file:///etc/passwd")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http or https");
    assertThatThrownBy(
            () ->
                WebhookAlertSink.builder(URI.create("https://example.com/x"))
                    .header("X", "a\r\nB: c"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line break");
    assertThatThrownBy(
            () ->
                WebhookAlertSink.builder(URI.create("https://example.com/x"))
                    .retry(0, Duration.ZERO))
        .hasMessage("attempts must be between 1 and 10, but was 0");
  }

  @Test
  void name_showsHostOnlyNotTheSecretPath() {
    try (WebhookAlertSink sink =
        WebhookAlertSink.builder(URI.create("https://hooks.example.com/services/T000/B000/SECRET"))
            .build()) {
      assertThat(sink.name()).isEqualTo("webhook hooks.example.com");
      assertThat(sink.toString()).doesNotContain("SECRET");
    }
  }
}
