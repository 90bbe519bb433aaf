package dev.guardrails.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for a paid language-model API, served by the app itself on loopback so the demo needs
 * no account and spends no money. It answers {@code POST /v1/complete} with a canned summary and
 * the token usage a provider would bill ({@value #INPUT_PRICE_PER_MILLION} USD per million input
 * tokens, {@value #OUTPUT_PRICE_PER_MILLION} USD per million output tokens), counts every request
 * it receives, and can be switched into an outage ({@code POST /control?mode=outage}) in which it
 * answers 503 with {@code Retry-After: 1}.
 *
 * <p>Thread-safe.
 */
public final class FakeLlm implements AutoCloseable {

  /** The price of a million input tokens, in USD. */
  public static final String INPUT_PRICE_PER_MILLION = "5";

  /** The price of a million output tokens, in USD. */
  public static final String OUTPUT_PRICE_PER_MILLION = "15";

  /** The output tokens a summary uses, at most the request's {@code maxTokens}. */
  static final int SUMMARY_TOKENS = 200;

  private static final Logger LOG = LoggerFactory.getLogger(FakeLlm.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicBoolean outage = new AtomicBoolean();
  private final AtomicLong requests = new AtomicLong();

  private FakeLlm(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts the fake on a free loopback port.
   *
   * @return the running fake
   */
  public static FakeLlm start() {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      ExecutorService executor = Executors.newFixedThreadPool(2);
      FakeLlm fake = new FakeLlm(server, executor);
      server.createContext("/v1/complete", fake::complete);
      server.createContext("/control", fake::control);
      server.setExecutor(executor);
      server.start();
      return fake;
    } catch (IOException e) {
      throw new UncheckedIOException("the fake LLM could not start", e);
    }
  }

  /**
   * Counts the tokens of a text as the fake bills them: one per four characters, rounded up.
   *
   * @param text the text
   * @return the tokens
   */
  public static int tokens(String text) {
    return (text.length() + 3) / 4;
  }

  /** {@return the base URI, e.g. {@code http://127.0.0.1:41234}} */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** {@return how many completion requests reached the fake} */
  public long requests() {
    return requests.get();
  }

  /**
   * Switches the outage on or off.
   *
   * @param down whether to answer 503
   */
  public void outage(boolean down) {
    outage.set(down);
    LOG.info("fake LLM switched {}", down ? "to an outage (503, Retry-After: 1)" : "back up");
  }

  private void complete(HttpExchange exchange) throws IOException {
    try (exchange) {
      requests.incrementAndGet();
      if (!exchange.getRequestMethod().equals("POST")) {
        send(exchange, 405, Map.of("error", "POST only"));
        return;
      }
      if (outage.get()) {
        exchange.getResponseHeaders().set("Retry-After", "1");
        send(exchange, 503, Map.of("error", "overloaded, try again later"));
        return;
      }
      JsonNode request;
      try (InputStream in = exchange.getRequestBody()) {
        request = JSON.readTree(in.readNBytes(64 * 1024));
      }
      String prompt = request.path("prompt").asText("");
      int maxTokens = request.path("maxTokens").asInt(0);
      if (prompt.isEmpty() || maxTokens <= 0) {
        send(exchange, 400, Map.of("error", "prompt and maxTokens are required"));
        return;
      }
      String firstLine = prompt.lines().skip(1).findFirst().orElse(prompt);
      String text =
          "Summary: "
              + firstLine.strip()
              + ". Payment terms look standard; nothing unusual to flag for the partner.";
      send(
          exchange,
          200,
          Map.of(
              "text",
              text,
              "inputTokens",
              tokens(prompt),
              "outputTokens",
              Math.min(maxTokens, SUMMARY_TOKENS)));
    }
  }

  private void control(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (exchange.getRequestMethod().equals("POST")) {
        String query = String.valueOf(exchange.getRequestURI().getQuery());
        if (query.equals("mode=outage")) {
          outage(true);
        } else if (query.equals("mode=up")) {
          outage(false);
        } else {
          send(exchange, 400, Map.of("error", "use ?mode=outage or ?mode=up"));
          return;
        }
      }
      send(
          exchange,
          200,
          Map.of("mode", outage.get() ? "outage" : "up", "requests", requests.get()));
    }
  }

  private static void send(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "FakeLlm[" + uri() + ", outage=" + outage.get() + "]";
  }
}
