package dev.guardrails.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The tour's HTTP client: plain {@link HttpClient} calls against the running server, as a browser
 * or curl would make them.
 *
 * <p>Thread-safe.
 */
final class TourClient {

  /**
   * One answer.
   *
   * @param status the status
   * @param contentType the content type, or empty
   * @param text the body
   * @param response the underlying response, for headers
   */
  record Answer(int status, String contentType, String text, HttpResponse<String> response) {

    /** {@return the body as JSON, or a missing node when it is not JSON} */
    JsonNode json() {
      try {
        return JSON.readTree(text);
      } catch (IOException e) {
        return MissingNode.getInstance();
      }
    }

    /**
     * Returns a response header.
     *
     * @param name its name
     * @return its value, or empty
     */
    Optional<String> header(String name) {
      return response.headers().firstValue(name);
    }

    /** {@return a one-line description: status, and the problem's code and detail if any} */
    String brief() {
      JsonNode body = json();
      if (contentType.startsWith("application/problem+json")) {
        return status + " " + body.path("code").asText() + ": " + body.path("detail").asText();
      }
      return String.valueOf(status);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI base;

  TourClient(URI base) {
    this.base = base;
  }

  Answer get(String path, @Nullable String token) {
    return send("GET", path, token, null, new String[0]);
  }

  /**
   * Sends a request.
   *
   * @param method the method
   * @param path the path, with query
   * @param token the bearer token, or null
   * @param json the JSON body, or null
   * @param headers extra header names and values, alternating
   * @return the answer
   */
  Answer send(
      String method,
      String path,
      @Nullable String token,
      @Nullable String json,
      String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    request.method(
        method,
        json == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json));
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(""),
          response.body(),
          response);
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during " + method + " " + path, e);
    }
  }
}
