package dev.guardrails.errors.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.guardrails.core.CorrelationIds;
import dev.guardrails.errors.ErrorBoundary;
import dev.guardrails.errors.Failure;
import dev.guardrails.errors.Problem;
import dev.guardrails.errors.internal.Correlation;
import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Objects;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps a JDK {@link HttpHandler} in an {@link ErrorBoundary}: takes the correlation id from the
 * request header (or makes one), echoes it in the response header, exposes it as the exchange
 * attribute {@value #CORRELATION_ATTRIBUTE} and in the MDC, and turns any failure of the handler
 * into an {@code application/problem+json} response with the problem's status (and {@code
 * Retry-After} when known), logged once and alerted by the boundary. If the handler had already
 * sent the response headers, the failure is still logged and alerted, and the exchange is closed.
 *
 * <pre>{@code
 * server.createContext("/orders", ProblemHttpHandler.wrap(ordersHandler, boundary));
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class ProblemHttpHandler implements HttpHandler {

  /** The default request and response header of the correlation id. */
  public static final String CORRELATION_HEADER = "X-Correlation-Id";

  /** The exchange attribute that holds the request's correlation id. */
  public static final String CORRELATION_ATTRIBUTE = "guardrails.correlation_id";

  private static final Logger LOG = LoggerFactory.getLogger(ProblemHttpHandler.class);

  private final HttpHandler delegate;
  private final ErrorBoundary boundary;
  private final String header;
  private final RandomGenerator random;

  private ProblemHttpHandler(Builder b, HttpHandler delegate) {
    this.delegate = delegate;
    this.boundary = b.boundary;
    this.header = b.header;
    this.random = b.random;
  }

  /**
   * Wraps a handler with the default settings.
   *
   * @param delegate the handler
   * @param boundary the boundary that handles its failures
   * @return the wrapping handler
   * @throws NullPointerException if an argument is null
   */
  public static ProblemHttpHandler wrap(HttpHandler delegate, ErrorBoundary boundary) {
    return builder(boundary).wrap(delegate);
  }

  /**
   * Returns a builder for handlers guarded by the boundary.
   *
   * @param boundary the boundary
   * @return the builder
   * @throws NullPointerException if the boundary is null
   */
  public static Builder builder(ErrorBoundary boundary) {
    return new Builder(boundary);
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String correlationId =
        CorrelationIds.fromHeaderOrNew(exchange.getRequestHeaders().getFirst(header), random);
    exchange.setAttribute(CORRELATION_ATTRIBUTE, correlationId);
    exchange.getResponseHeaders().set(header, correlationId);
    Correlation bound = Correlation.bind(correlationId);
    try {
      delegate.handle(exchange);
    } catch (Throwable t) {
      if (t instanceof VirtualMachineError fatal) {
        throw fatal;
      }
      Failure failure = boundary.handle(t);
      String instance = Correlation.instanceOf(exchange.getRequestURI().getRawPath());
      respond(exchange, failure.problem().withInstance(instance));
    } finally {
      bound.close();
    }
  }

  private static void respond(HttpExchange exchange, Problem problem) {
    try (exchange) {
      if (exchange.getResponseCode() != -1) {
        LOG.warn(
            "incident {}: the response was already started with status {}; the problem could not be"
                + " sent",
            problem.incidentId(),
            exchange.getResponseCode());
        return;
      }
      byte[] body = problem.toJsonBytes();
      var headers = exchange.getResponseHeaders();
      headers.set("Content-Type", Problem.MEDIA_TYPE);
      headers.set("Cache-Control", "no-store");
      headers.set("X-Content-Type-Options", "nosniff");
      if (problem.retryAfterSeconds() != null) {
        headers.set("Retry-After", String.valueOf(problem.retryAfterSeconds()));
      }
      boolean head = exchange.getRequestMethod().toUpperCase(Locale.ROOT).equals("HEAD");
      exchange.sendResponseHeaders(problem.status(), head ? -1 : body.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    } catch (IOException e) {
      LOG.info(
          "incident {}: the problem response could not be written, the client may have gone: {}",
          problem.incidentId(),
          e.toString());
    }
  }

  /** {@return the wrapped handler} */
  @Override
  public String toString() {
    return "ProblemHttpHandler[" + delegate + "]";
  }

  /**
   * Builds {@link ProblemHttpHandler}s. Defaults: the {@value #CORRELATION_HEADER} header, a {@link
   * SecureRandom} for new correlation ids.
   *
   * <p>Not thread-safe; each {@link #wrap(HttpHandler)} copies the settings.
   */
  public static final class Builder {
    private final ErrorBoundary boundary;
    private String header = CORRELATION_HEADER;
    private RandomGenerator random = new SecureRandom();

    private Builder(ErrorBoundary boundary) {
      this.boundary = Objects.requireNonNull(boundary, "boundary");
    }

    /**
     * Sets the header that carries the correlation id.
     *
     * @param value the header name
     * @return this builder
     * @throws NullPointerException if the value is null
     * @throws IllegalArgumentException if the value is blank
     */
    public Builder correlationHeader(String value) {
      Objects.requireNonNull(value, "correlationHeader");
      if (value.isBlank()) {
        throw new IllegalArgumentException(
            "correlation header must not be blank, but was '" + value + "'");
      }
      this.header = value;
      return this;
    }

    /**
     * Sets the random source of new correlation ids.
     *
     * @param value the random source; must be thread-safe
     * @return this builder
     * @throws NullPointerException if the value is null
     */
    public Builder random(RandomGenerator value) {
      this.random = Objects.requireNonNull(value, "random");
      return this;
    }

    /**
     * Wraps a handler.
     *
     * @param delegate the handler
     * @return the wrapping handler
     * @throws NullPointerException if the handler is null
     */
    public ProblemHttpHandler wrap(HttpHandler delegate) {
      return new ProblemHttpHandler(this, Objects.requireNonNull(delegate, "delegate"));
    }
  }
}
