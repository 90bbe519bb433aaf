package dev.guardrails.samples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import dev.guardrails.errors.http.ProblemHttpHandler;
import dev.guardrails.errors.json.StrictJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP request as the handlers see it: method, path parameters, query, headers, a bounded body
 * read through {@link StrictJson}, and JSON or HTML responses with safe headers.
 *
 * <p>Used on the exchange's thread only.
 */
public final class Request {

  /** The largest request body accepted, in bytes. */
  public static final int MAX_BODY_BYTES = 16 * 1024;

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private static final StrictJson STRICT =
      StrictJson.builder().maxDocumentBytes(MAX_BODY_BYTES).build();

  private static final java.util.regex.Pattern AMPERSAND = java.util.regex.Pattern.compile("&");

  private final HttpExchange exchange;
  private final List<String> pathParams;

  Request(HttpExchange exchange, List<String> pathParams) {
    this.exchange = exchange;
    this.pathParams = List.copyOf(pathParams);
  }

  /** {@return the underlying exchange} */
  HttpExchange exchange() {
    return exchange;
  }

  /**
   * Returns a parameter captured from the path.
   *
   * @param index its position, from 0
   * @return the value
   */
  String pathParam(int index) {
    return pathParams.get(index);
  }

  /** {@return the request's correlation id, as set by the problem handler} */
  String correlationId() {
    Object id = exchange.getAttribute(ProblemHttpHandler.CORRELATION_ATTRIBUTE);
    return id == null ? "none" : id.toString();
  }

  /**
   * Returns a request header.
   *
   * @param name its name
   * @return its first value, or empty
   */
  Optional<String> header(String name) {
    return Optional.ofNullable(exchange.getRequestHeaders().getFirst(name));
  }

  /** {@return the decoded query parameters, first value of each} */
  Map<String, String> query() {
    Map<String, String> params = new LinkedHashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String pair : (Iterable<String>) AMPERSAND.splitAsStream(raw)::iterator) {
      int eq = pair.indexOf('=');
      String name =
          URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.putIfAbsent(name, value);
    }
    return params;
  }

  /**
   * Reads the body as JSON into a type: at most {@link #MAX_BODY_BYTES}, media type JSON, strictly
   * (unknown fields, wrong types, duplicates all fail with every bad field listed).
   *
   * @param type the type
   * @param <T> the type
   * @return the value
   * @throws HttpProblem 415 or 413
   * @throws dev.guardrails.core.InvalidInput if the JSON is malformed or does not fit the type
   */
  <T> T body(Class<T> type) {
    String contentType = header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
    if (!contentType.startsWith("application/json")) {
      throw HttpProblem.unsupportedMediaType();
    }
    return STRICT.read(readBody(), type);
  }

  private byte[] readBody() {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
      if (bytes.length > MAX_BODY_BYTES) {
        throw HttpProblem.payloadTooLarge(MAX_BODY_BYTES);
      }
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("reading the request body", e);
    }
  }

  /**
   * Answers with JSON.
   *
   * @param status the status
   * @param body the value, written by Jackson
   */
  void json(int status, Object body) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("response cannot be written as JSON", e);
    }
    send(status, "application/json", bytes);
  }

  /**
   * Answers with HTML.
   *
   * @param html the page
   */
  void html(String html) {
    exchange
        .getResponseHeaders()
        .set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
    exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
    exchange.getResponseHeaders().set("X-Frame-Options", "DENY");
    send(200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Sets a response header.
   *
   * @param name its name
   * @param value its value
   */
  void responseHeader(String name, @Nullable String value) {
    if (value != null) {
      exchange.getResponseHeaders().set(name, value);
    }
  }

  private void send(int status, String contentType, byte[] bytes) {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    try {
      exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing the response", e);
    }
  }
}
