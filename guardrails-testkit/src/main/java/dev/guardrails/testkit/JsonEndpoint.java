package dev.guardrails.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTP endpoint of the application under test that takes a JSON body, called over real HTTP so
 * the whole stack (server, filters, error boundary) answers.
 *
 * <pre>{@code
 * JsonEndpoint invoices = JsonEndpoint.post(URI.create(base + "/invoices"))
 *     .withHeader("Authorization", "Bearer " + token);
 * ProblemAssertions.assertSafeClientProblem(invoices.send(malformed.body()));
 * }</pre>
 *
 * <p>Immutable and thread-safe; {@code with...} methods return a new endpoint.
 */
public final class JsonEndpoint {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  private final String method;
  private final URI uri;
  private final Map<String, String> headers;

  private JsonEndpoint(String method, URI uri, Map<String, String> headers) {
    this.method = method;
    this.uri = uri;
    this.headers = Map.copyOf(headers);
  }

  /**
   * An endpoint that takes {@code POST} requests.
   *
   * @param uri the endpoint's address
   * @return the endpoint
   */
  public static JsonEndpoint post(URI uri) {
    return new JsonEndpoint("POST", Objects.requireNonNull(uri, "uri"), Map.of());
  }

  /**
   * An endpoint that takes requests with the given method, e.g. {@code PUT} or {@code PATCH}.
   *
   * @param method the HTTP method
   * @param uri the endpoint's address
   * @return the endpoint
   */
  public static JsonEndpoint of(String method, URI uri) {
    Objects.requireNonNull(method, "method");
    if (method.isBlank()) {
      throw new IllegalArgumentException("method must not be blank");
    }
    return new JsonEndpoint(method, Objects.requireNonNull(uri, "uri"), Map.of());
  }

  /**
   * Returns this endpoint with a header sent on every request.
   *
   * @param name the header name
   * @param value the header value
   * @return a new endpoint
   */
  public JsonEndpoint withHeader(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new JsonEndpoint(method, uri, more);
  }

  /**
   * Sends a body as {@code application/json} and returns what the endpoint answered.
   *
   * @param body the raw bytes, sent as they are (malformed ones included)
   * @return status, content type, headers and body of the answer
   * @throws UncheckedIOException if the request could not be sent or the answer not read, e.g.
   *     because the server closed the connection while the body was still being sent
   */
  public HttpExchange send(byte[] body) {
    Objects.requireNonNull(body, "body");
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(TIMEOUT)
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    try {
      HttpResponse<byte[]> response =
          CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new HttpExchange(
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(""),
          response.headers().map(),
          new String(response.body(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(
          method
              + " "
              + uri
              + " failed ("
              + e.getMessage()
              + "). If the connection closed while a large body was still being sent, the server"
              + " answered before reading all of it: it must read (drain) the rest before it"
              + " answers, or the client's socket is reset and the answer is lost",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + method + " " + uri, e);
    }
  }

  @Override
  public String toString() {
    return method + " " + uri;
  }
}
