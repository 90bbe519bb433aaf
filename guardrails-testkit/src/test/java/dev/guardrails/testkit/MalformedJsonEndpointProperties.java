package dev.guardrails.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.opentest4j.AssertionFailedError;

/**
 * The testkit used as a consumer would: malformed bodies sent over real HTTP to a handler, each
 * answer checked with {@link ProblemAssertions}. One handler answers safely; a leaky one that
 * echoes the parser's message must be caught.
 */
final class MalformedJsonEndpointProperties {

  private static final String EXAMPLE = "{\"amount\": 120, \"paid\": false, \"note\": \"rent\"}";
  private static final int MAX_BODY = 64 * 1024;
  private static final JsonMapper STRICT =
      JsonMapper.builder()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  static {
    STRICT
        .getFactory()
        .setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
  }

  private static HttpServer server;

  @BeforeContainer
  static void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/safe", exchange -> answer(exchange, false));
    server.createContext("/leaky", exchange -> answer(exchange, true));
    server.start();
  }

  @AfterContainer
  static void stopServer() {
    server.stop(0);
  }

  @Provide
  Arbitrary<MalformedJson.Case> malformed() {
    return MalformedJson.from(EXAMPLE, 2 * MAX_BODY);
  }

  @Property(tries = 60)
  void safeHandler_everyMalformedBody_getsASafeClientProblem(
      @ForAll("malformed") MalformedJson.Case malformed) {
    ProblemAssertions.assertSafeClientProblem(endpoint("/safe").send(malformed.body()));
  }

  @Property(tries = 20)
  void leakyHandler_malformedSyntax_isCaught(@ForAll("syntaxErrors") MalformedJson.Case malformed) {
    assertThatThrownBy(
            () ->
                ProblemAssertions.assertSafeClientProblem(
                    endpoint("/leaky").send(malformed.body())))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("leaks");
  }

  @Provide
  Arbitrary<MalformedJson.Case> syntaxErrors() {
    Set<MalformedJson.Defect> syntax =
        Set.of(MalformedJson.Defect.TRAILING_TOKENS, MalformedJson.Defect.TRUNCATED);
    return MalformedJson.from(EXAMPLE).filter(c -> syntax.contains(c.defect()));
  }

  private static JsonEndpoint endpoint(String path) {
    InetSocketAddress address = server.getAddress();
    return JsonEndpoint.post(URI.create("http://127.0.0.1:" + address.getPort() + path));
  }

  private static void answer(HttpExchange exchange, boolean leaky) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY + 1);
      // read the rest, as a real server must, so the client still sending gets the answer
      in.transferTo(OutputStream.nullOutputStream());
      String problem;
      try {
        if (body.length > MAX_BODY) {
          throw new IllegalArgumentException("body too large");
        }
        String text =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(body))
                .toString();
        validate(STRICT.readTree(text));
        send(exchange, 200, "application/json", "{}");
        return;
      } catch (Exception e) {
        String detail = leaky ? e.toString() : "The request body is not valid; fix it and retry.";
        problem =
            STRICT
                .createObjectNode()
                .put("type", "about:blank")
                .put("title", "Invalid input")
                .put("status", 400)
                .put("detail", detail)
                .toString();
      }
      send(exchange, 400, "application/problem+json", problem);
    }
  }

  private static void validate(JsonNode node) {
    Set<String> known = Set.of("amount", "paid", "note");
    node.fieldNames()
        .forEachRemaining(
            name -> {
              if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown field");
              }
            });
    if (!node.path("amount").isIntegralNumber()
        || !node.path("paid").isBoolean()
        || !node.path("note").isTextual()) {
      throw new IllegalArgumentException("wrong type");
    }
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
