package dev.guardrails.testkit;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an endpoint answered: status, content type, headers and body, as the problem assertions
 * check it. Immutable.
 *
 * @param status the HTTP status
 * @param contentType the {@code Content-Type} header, or the empty string when there was none
 * @param headers every response header by name, each with its values in order; the problem
 *     assertions check the values for leaks too
 * @param body the response body
 */
public record HttpExchange(
    int status, String contentType, Map<String, List<String>> headers, String body) {

  /**
   * Validates the parts and copies the headers.
   *
   * @throws NullPointerException if a part, a header name or a header value is null
   */
  public HttpExchange {
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(body, "body");
    Map<String, List<String>> copy = new LinkedHashMap<>();
    headers.forEach(
        (name, values) ->
            copy.put(Objects.requireNonNull(name, "header name"), List.copyOf(values)));
    headers = Map.copyOf(copy);
  }

  /**
   * An exchange whose headers are unknown (none are checked), as before headers were recorded.
   *
   * @param status the HTTP status
   * @param contentType the {@code Content-Type} header, or the empty string when there was none
   * @param body the response body
   * @throws NullPointerException if a part is null
   */
  public HttpExchange(int status, String contentType, String body) {
    this(status, contentType, Map.of(), body);
  }

  /**
   * Builds an exchange from a raw body.
   *
   * @param status the HTTP status
   * @param contentType the content type, or the empty string
   * @param body the body bytes, decoded as UTF-8
   * @return the exchange, without headers
   */
  public static HttpExchange of(int status, String contentType, byte[] body) {
    return new HttpExchange(status, contentType, new String(body, StandardCharsets.UTF_8));
  }
}
