package dev.guardrails.testkit;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What an endpoint answered: status, content type and body, as the problem assertions check it.
 *
 * @param status the HTTP status
 * @param contentType the {@code Content-Type} header, or the empty string when there was none
 * @param body the response body
 */
public record HttpExchange(int status, String contentType, String body) {

  /**
   * Validates the parts.
   *
   * @throws NullPointerException if a part is null
   */
  public HttpExchange {
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(body, "body");
  }

  /**
   * Builds an exchange from a raw body.
   *
   * @param status the HTTP status
   * @param contentType the content type, or the empty string
   * @param body the body bytes, decoded as UTF-8
   * @return the exchange
   */
  public static HttpExchange of(int status, String contentType, byte[] body) {
    return new HttpExchange(status, contentType, new String(body, StandardCharsets.UTF_8));
  }
}
