package dev.guardrails.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** {@link JsonEndpoint} against a loopback server whose answer leaks only in a header. */
final class JsonEndpointTest {

  private static final String PROBLEM =
      "{\"type\":\"about:blank\",\"title\":\"Invalid input\",\"status\":400}";

  private static HttpServer server;

  @BeforeAll
  static void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/leaky-header",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
          }
          byte[] body = PROBLEM.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
          exchange
              .getResponseHeaders()
              .set("X-Debug", "java.lang.IllegalStateException at app.Main.run(Main.java:12)");
          exchange.sendResponseHeaders(400, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  @Test
  void send_answerWithHeaders_recordsThemAndTheAssertionChecksThem() {
    URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/leaky-header");

    HttpExchange answer = JsonEndpoint.post(uri).send("{}".getBytes(StandardCharsets.UTF_8));

    assertThat(answer.body()).isEqualTo(PROBLEM);
    assertThat(answer.headers().entrySet())
        .anySatisfy(
            header -> {
              assertThat(header.getKey()).isEqualToIgnoringCase("X-Debug");
              assertThat(header.getValue()).singleElement().asString().contains("Main.java:12");
            });
    assertThat(answer.headers())
        .allSatisfy((String name, List<String> values) -> assertThat(values).isNotEmpty());
    assertThatThrownBy(() -> ProblemAssertions.assertSafeClientProblem(answer))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("in the header '");
  }
}
