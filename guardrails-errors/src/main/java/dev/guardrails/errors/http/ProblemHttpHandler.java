package dev.guardrails.errors.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.guardrails.core.CorrelationIds;
import dev.guardrails.core.GuardContext;
import dev.guardrails.errors.ErrorBoundary;
import dev.guardrails.errors.Failure;
import dev.guardrails.errors.Problem;
import dev.guardrails.errors.internal.ClientHangUp;
import dev.guardrails.errors.internal.Correlation;
import dev.guardrails.errors.internal.FatalErrors;
import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Objects;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
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
 * <p><b>Request context.</b> With a {@linkplain Builder#contextResolver(ContextResolver) context
 * resolver}, the handler resolves each request's {@link GuardContext} (typically by verifying its
 * credentials) and runs the wrapped handler <em>and</em> the boundary's handling of its failure
 * inside that context's scope, so the failure's log line, alert, event and problem carry the
 * request's actor, tenant and correlation id, the same correlation id the handler's audit rows and
 * cost records carry. The order for each request is:
 *
 * <ol>
 *   <li>hide any context the server thread still holds (a scope an earlier task leaked), so that
 *       nothing of it reaches this request's handler, log lines or problem;
 *   <li>take the correlation id from the request header (or make one), set the exchange attribute
 *       and the response header, and put it in the MDC;
 *   <li>call the resolver with the exchange and that correlation id; if it throws, the boundary
 *       handles its exception with only the correlation id in the MDC (an {@link
 *       dev.guardrails.core.Unauthenticated} becomes a 401 problem, anything unexpected a 500
 *       problem without internals) and the wrapped handler is not called;
 *   <li>open the resolved context's scope (none when the resolver returned null);
 *   <li>call the wrapped handler; on failure, classify, log and alert through the boundary and send
 *       the problem response, all while the scope is open;
 *   <li>close the scope and restore the MDC and the hidden context, which restores the context and
 *       MDC values the server thread had before the request.
 * </ol>
 *
 * <pre>{@code
 * server.createContext("/", ProblemHttpHandler.builder(boundary)
 *     .contextResolver((exchange, correlationId) -> GuardContext.of(
 *         verifier.verifyAuthorizationHeader(exchange.getRequestHeaders().getFirst("Authorization")),
 *         correlationId,
 *         clock.instant()))
 *     .wrap(routes));
 * }</pre>
 *
 * <p><b>Unread request bodies.</b> A handler often refuses a request before reading all of its body
 * (too large, not JSON, not authenticated). If the server then answers and closes the connection
 * while the client is still sending, the client's socket is reset and the answer is lost: the
 * client sees a broken connection instead of the problem. So the handler the wrapped handler sees
 * gets a request body whose {@code close()} leaves the connection's stream open, and before a
 * problem is sent what is left of the body is read and discarded, up to {@linkplain
 * Builder#unreadBodyLimit(long) a limit} (default {@value #DEFAULT_UNREAD_BODY_LIMIT} bytes). A
 * body larger than that is left unread, and the problem is sent with {@code Connection: close} and
 * the connection closed after it; a body whose declared {@code Content-Length} already exceeds the
 * limit is not read at all.
 *
 * <p><b>Clients that went away.</b> A handler that fails because the client hung up while its
 * request body was read or its response body was written (the exchange's streams threw a broken
 * pipe or a connection reset by peer, and the handler let that very exception out, bare or in an
 * {@link java.io.UncheckedIOException}) did not fail: this is logged at INFO, raises no alert, and
 * the exchange is closed without a problem. The same message from any other socket (a database, an
 * upstream service), or an exception that merely has such a cause, is a failure like any other.
 *
 * <p>Thread-safe.
 */
public final class ProblemHttpHandler implements HttpHandler {

  /** The default request and response header of the correlation id. */
  public static final String CORRELATION_HEADER = "X-Correlation-Id";

  /** The exchange attribute that holds the request's correlation id. */
  public static final String CORRELATION_ATTRIBUTE = "guardrails.correlation_id";

  /** The default of {@link Builder#unreadBodyLimit(long)}: 8 MiB. */
  public static final long DEFAULT_UNREAD_BODY_LIMIT = 8L * 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(ProblemHttpHandler.class);

  private final HttpHandler delegate;
  private final ErrorBoundary boundary;
  private final String header;
  private final RandomGenerator random;
  private final @Nullable ContextResolver resolver;
  private final long unreadBodyLimit;

  private ProblemHttpHandler(Builder b, HttpHandler delegate) {
    this.delegate = delegate;
    this.boundary = b.boundary;
    this.header = b.header;
    this.random = b.random;
    this.resolver = b.resolver;
    this.unreadBodyLimit = b.unreadBodyLimit;
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

  /** Handles the exchange in the order described in the class description. */
  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String correlationId =
        CorrelationIds.fromHeaderOrNew(exchange.getRequestHeaders().getFirst(header), random);
    exchange.setAttribute(CORRELATION_ATTRIBUTE, correlationId);
    exchange.getResponseHeaders().set(header, correlationId);
    DrainableRequestBody body =
        new DrainableRequestBody(exchange.getRequestBody(), declaredLength(exchange));
    exchange.setStreams(
        body, new RecordingResponseBody(exchange.getResponseBody(), body.failures()));
    ContextResolver contextResolver = resolver;
    // with a resolver, the request runs under its own context only, never one the thread still
    // holds
    GuardContext.@Nullable Scope isolated = contextResolver == null ? null : GuardContext.unbound();
    Correlation bound = Correlation.bind(correlationId);
    try {
      if (contextResolver == null) {
        guarded(exchange, body);
        return;
      }
      GuardContext context;
      try {
        context = resolve(contextResolver, exchange, correlationId);
      } catch (Throwable t) {
        failed(exchange, body, t);
        return;
      }
      if (context == null) {
        guarded(exchange, body);
        return;
      }
      try (GuardContext.Scope scope = context.open()) {
        guarded(exchange, body);
      }
    } finally {
      bound.close();
      if (isolated != null) {
        isolated.close();
      }
    }
  }

  /** The body length the request declared, or -1 for a chunked body or none declared. */
  private static long declaredLength(HttpExchange exchange) {
    if (exchange.getRequestHeaders().containsKey("Transfer-Encoding")) {
      return -1;
    }
    return DrainableRequestBody.declaredLength(
        exchange.getRequestHeaders().getFirst("Content-Length"));
  }

  private static @Nullable GuardContext resolve(
      ContextResolver resolver, HttpExchange exchange, String correlationId) throws Exception {
    return Correlation.requireSameCorrelation(
        resolver.resolve(exchange, correlationId), resolver, correlationId);
  }

  /** Runs the delegate; a failure is handled and answered on the calling thread's context. */
  private void guarded(HttpExchange exchange, DrainableRequestBody body) {
    try {
      delegate.handle(exchange);
    } catch (Throwable t) {
      failed(exchange, body, t);
    }
  }

  private void failed(HttpExchange exchange, DrainableRequestBody body, Throwable t) {
    String instance = Correlation.instanceOf(exchange.getRequestURI().getRawPath());
    if (FatalErrors.isFatal(t)) {
      throw FatalErrors.logged(
          t,
          LOG,
          "handling " + exchange.getRequestMethod() + " " + instance + " (no response is sent)");
    }
    if (ClientHangUp.is(t, body.failures()::threw)) {
      LOG.info(
          "the client went away before the response to {} {} was written: {}",
          exchange.getRequestMethod(),
          instance,
          t.toString());
      exchange.close();
      return;
    }
    Failure failure = boundary.handle(t);
    respond(exchange, body, failure.problem().withInstance(instance));
  }

  private void respond(HttpExchange exchange, DrainableRequestBody requestBody, Problem problem) {
    try (exchange) {
      if (exchange.getResponseCode() != -1) {
        LOG.warn(
            "incident {}: the response was already started with status {}; the problem could not be"
                + " sent",
            problem.incidentId(),
            exchange.getResponseCode());
        return;
      }
      var headers = exchange.getResponseHeaders();
      if (!requestBody.drain(unreadBodyLimit)) {
        LOG.debug(
            "incident {}: more than {} bytes of the request body were left unread; the connection"
                + " is closed after the problem",
            problem.incidentId(),
            unreadBodyLimit);
        headers.set("Connection", "close");
      }
      byte[] body = problem.toJsonBytes();
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

  /** {@return the wrapped handler and the context resolver, if any} */
  @Override
  public String toString() {
    return "ProblemHttpHandler["
        + delegate
        + (resolver == null ? "" : ", context resolver " + resolver)
        + "]";
  }

  /**
   * Resolves the {@link GuardContext} a request runs under, typically by verifying its credentials;
   * see the order in {@link ProblemHttpHandler}.
   *
   * <p>Called once per request on the server thread that handles it; must be thread-safe.
   */
  @FunctionalInterface
  public interface ContextResolver {
    /**
     * Returns the context of the request.
     *
     * @param exchange the exchange; read its headers, do not send a response
     * @param correlationId the request's correlation id, which the returned context must carry
     * @return the context to bind while the handler runs and its failure is handled, or null for a
     *     request that may run without one (a public route such as a login page): the handler then
     *     runs with no context bound and only the correlation id in the MDC
     * @throws dev.guardrails.core.Unauthenticated if the request's credentials are missing or
     *     refused; answered with a 401 problem and the handler is not called
     * @throws Exception any other failure, handled by the boundary (a bug becomes a 500 problem
     *     without internals) and the handler is not called
     */
    @Nullable GuardContext resolve(HttpExchange exchange, String correlationId) throws Exception;
  }

  /**
   * Builds {@link ProblemHttpHandler}s. Defaults: the {@value #CORRELATION_HEADER} header, a {@link
   * SecureRandom} for new correlation ids, no context resolver, an unread body limit of {@value
   * #DEFAULT_UNREAD_BODY_LIMIT} bytes.
   *
   * <p>Not thread-safe; each {@link #wrap(HttpHandler)} copies the settings.
   */
  public static final class Builder {
    private final ErrorBoundary boundary;
    private String header = CORRELATION_HEADER;
    private RandomGenerator random = new SecureRandom();
    private @Nullable ContextResolver resolver;
    private long unreadBodyLimit = DEFAULT_UNREAD_BODY_LIMIT;

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
     * Sets the resolver of each request's {@link GuardContext}: the wrapped handler and the
     * boundary's handling of its failures then run inside the resolved context's scope (see the
     * order in {@link ProblemHttpHandler}). Without one, no context is bound by the handler.
     *
     * @param value the resolver; must be thread-safe
     * @return this builder
     * @throws NullPointerException if the value is null
     * @throws IllegalStateException if a resolver was already set
     */
    public Builder contextResolver(ContextResolver value) {
      Objects.requireNonNull(value, "contextResolver");
      if (resolver != null) {
        throw new IllegalStateException(
            "context resolver was already set to " + resolver + ", cannot set it to " + value);
      }
      this.resolver = value;
      return this;
    }

    /**
     * Sets how many bytes of the request body that the wrapped handler left unread are read and
     * discarded before a problem is sent, so that the client, still sending, receives the problem
     * instead of a reset connection (see {@link ProblemHttpHandler}). A larger rest is left unread
     * and the connection is closed; when the request's {@code Content-Length} already exceeds the
     * limit, nothing is read. Zero turns draining off; {@link Long#MAX_VALUE} drains any body.
     *
     * @param bytes the limit; default {@value ProblemHttpHandler#DEFAULT_UNREAD_BODY_LIMIT}
     * @return this builder
     * @throws IllegalArgumentException if the limit is negative
     */
    public Builder unreadBodyLimit(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException(
            "unread body limit must be zero or more bytes, but was " + bytes);
      }
      this.unreadBodyLimit = bytes;
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
