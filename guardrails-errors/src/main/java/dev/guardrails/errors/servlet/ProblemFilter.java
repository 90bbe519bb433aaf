package dev.guardrails.errors.servlet;

import dev.guardrails.core.CorrelationIds;
import dev.guardrails.core.GuardContext;
import dev.guardrails.errors.ErrorBoundary;
import dev.guardrails.errors.Failure;
import dev.guardrails.errors.Problem;
import dev.guardrails.errors.internal.ClientHangUp;
import dev.guardrails.errors.internal.Correlation;
import dev.guardrails.errors.internal.FatalErrors;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Objects;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Servlet filter that puts the rest of the chain inside an {@link ErrorBoundary}: it takes the
 * correlation id from the request header (or makes one), echoes it in the response header, exposes
 * it as the request attribute {@value #CORRELATION_ATTRIBUTE} and in the MDC, and turns any failure
 * of the chain into an {@code application/problem+json} response with the problem's status (and
 * {@code Retry-After} when known), logged once and alerted by the boundary. A {@link
 * ServletException} that only wraps a cause is mapped by its cause. If the response was already
 * committed, the failure is still logged and alerted.
 *
 * <p>An async or error dispatch of a request keeps the correlation id its first dispatch chose
 * (from the request attribute), so one request has one id even when the filter is mapped for
 * several dispatcher types. A client that went away while its request was read or its response was
 * written is no failure of the application: when the chain throws the container's own exception for
 * it (Jetty's {@code EofException}, Tomcat's {@code ClientAbortException}), bare or wrapped in a
 * {@link ServletException} or an {@link java.io.UncheckedIOException}, it is logged at INFO, raises
 * no alert, and no problem is sent to nobody. A plain {@link IOException} saying {@code "Broken
 * pipe"} or {@code "Connection reset by peer"}, or such an exception anywhere in the cause chain of
 * another one (a {@code SQLException} from a database whose socket was reset), comes from a socket
 * of the application's own and is handled as the failure it is.
 *
 * <p><b>Request context.</b> A filter {@linkplain #withContextResolver(ContextResolver) with a
 * context resolver} resolves each request's {@link GuardContext} (typically by verifying its
 * credentials) and runs the rest of the chain <em>and</em> the boundary's handling of its failure
 * inside that context's scope, so the failure's log line, alert, event and problem carry the
 * request's actor, tenant and correlation id. The order for each request is:
 *
 * <ol>
 *   <li>hide any context the server thread still holds (a scope an earlier task leaked), so that
 *       nothing of it reaches this request's handler, log lines or problem;
 *   <li>take the correlation id from the request header (or make one), set the request attribute
 *       and the response header, and put it in the MDC;
 *   <li>call the resolver with the request and that correlation id; if it throws, the boundary
 *       handles its exception with only the correlation id in the MDC (an {@link
 *       dev.guardrails.core.Unauthenticated} becomes a 401 problem, anything unexpected a 500
 *       problem without internals) and the chain is not called;
 *   <li>open the resolved context's scope (none when the resolver returned null);
 *   <li>call the chain; on failure, classify, log and alert through the boundary and send the
 *       problem response, all while the scope is open;
 *   <li>close the scope and restore the MDC and the hidden context, which restores the context and
 *       MDC values the container thread had before the request.
 * </ol>
 *
 * <p>Register it first in the chain. Thread-safe.
 */
public final class ProblemFilter implements Filter {

  /** The default request and response header of the correlation id. */
  public static final String CORRELATION_HEADER = "X-Correlation-Id";

  /** The request attribute that holds the request's correlation id. */
  public static final String CORRELATION_ATTRIBUTE = "guardrails.correlation_id";

  private static final Logger LOG = LoggerFactory.getLogger(ProblemFilter.class);

  private final ErrorBoundary boundary;
  private final String header;
  private final RandomGenerator random;
  private final @Nullable ContextResolver resolver;

  private ProblemFilter(
      ErrorBoundary boundary,
      String header,
      RandomGenerator random,
      @Nullable ContextResolver resolver) {
    this.boundary = boundary;
    this.header = header;
    this.random = random;
    this.resolver = resolver;
  }

  /**
   * Returns a filter with the {@value #CORRELATION_HEADER} header and a {@link SecureRandom}.
   *
   * @param boundary the boundary that handles failures
   * @return the filter
   * @throws NullPointerException if the boundary is null
   */
  public static ProblemFilter of(ErrorBoundary boundary) {
    return of(boundary, CORRELATION_HEADER, new SecureRandom());
  }

  /**
   * Returns a filter with the given correlation header and random source.
   *
   * @param boundary the boundary that handles failures
   * @param correlationHeader the header that carries the correlation id
   * @param random the random source of new correlation ids; must be thread-safe
   * @return the filter
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the header is blank
   */
  public static ProblemFilter of(
      ErrorBoundary boundary, String correlationHeader, RandomGenerator random) {
    Objects.requireNonNull(boundary, "boundary");
    Objects.requireNonNull(correlationHeader, "correlationHeader");
    Objects.requireNonNull(random, "random");
    if (correlationHeader.isBlank()) {
      throw new IllegalArgumentException(
          "correlation header must not be blank, but was '" + correlationHeader + "'");
    }
    return new ProblemFilter(boundary, correlationHeader, random, null);
  }

  /**
   * Returns a filter like this one that resolves each request's {@link GuardContext} and runs the
   * chain and the handling of its failure inside that context's scope (see the order in {@link
   * ProblemFilter}).
   *
   * @param contextResolver the resolver; must be thread-safe
   * @return the new filter; this one is unchanged
   * @throws NullPointerException if the resolver is null
   * @throws IllegalStateException if this filter already has a resolver
   */
  public ProblemFilter withContextResolver(ContextResolver contextResolver) {
    Objects.requireNonNull(contextResolver, "contextResolver");
    if (resolver != null) {
      throw new IllegalStateException(
          "context resolver was already set to "
              + resolver
              + ", cannot set it to "
              + contextResolver);
    }
    return new ProblemFilter(boundary, header, random, contextResolver);
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (!(request instanceof HttpServletRequest http)
        || !(response instanceof HttpServletResponse out)) {
      chain.doFilter(request, response);
      return;
    }
    String correlationId = correlationIdOf(http);
    http.setAttribute(CORRELATION_ATTRIBUTE, correlationId);
    out.setHeader(header, correlationId);
    ContextResolver contextResolver = resolver;
    // with a resolver, the request runs under its own context only, never one the thread still
    // holds
    GuardContext.@Nullable Scope isolated = contextResolver == null ? null : GuardContext.unbound();
    Correlation bound = Correlation.bind(correlationId);
    try {
      if (contextResolver == null) {
        guarded(http, out, chain, correlationId);
        return;
      }
      GuardContext context;
      try {
        context = resolve(contextResolver, http, correlationId);
      } catch (Throwable t) {
        failed(http, out, t, correlationId);
        return;
      }
      if (context == null) {
        guarded(http, out, chain, correlationId);
        return;
      }
      try (GuardContext.Scope scope = context.open()) {
        guarded(http, out, chain, correlationId);
      }
    } finally {
      bound.close();
      if (isolated != null) {
        isolated.close();
      }
    }
  }

  /**
   * The id an earlier dispatch of the same request (before an async or error dispatch) chose, else
   * the header's, else a new one.
   */
  private String correlationIdOf(HttpServletRequest http) {
    if (http.getAttribute(CORRELATION_ATTRIBUTE) instanceof String earlier
        && CorrelationIds.isValid(earlier)) {
      return earlier;
    }
    return CorrelationIds.fromHeaderOrNew(http.getHeader(header), random);
  }

  private static @Nullable GuardContext resolve(
      ContextResolver resolver, HttpServletRequest request, String correlationId) throws Exception {
    return Correlation.requireSameCorrelation(
        resolver.resolve(request, correlationId), resolver, correlationId);
  }

  private void guarded(
      HttpServletRequest http, HttpServletResponse out, FilterChain chain, String correlationId)
      throws IOException {
    try {
      chain.doFilter(http, out);
    } catch (Throwable t) {
      failed(http, out, t, correlationId);
    }
  }

  private void failed(
      HttpServletRequest http, HttpServletResponse out, Throwable t, String correlationId)
      throws IOException {
    String instance = Correlation.instanceOf(http.getRequestURI());
    if (FatalErrors.isFatal(t)) {
      throw FatalErrors.logged(
          t, LOG, "handling " + http.getMethod() + " " + instance + " (no response is sent)");
    }
    Throwable cause = unwrap(t);
    // the container reports a client that went away with its own exception type; a bare "Broken
    // pipe" or one deep in the cause chain is a socket of the application's (a database, an
    // upstream)
    if (ClientHangUp.is(cause, fromConnection -> false)) {
      LOG.info(
          "the client went away before the response to {} {} was written: {}",
          http.getMethod(),
          instance,
          t.toString());
      return;
    }
    Failure failure = boundary.handle(cause);
    respond(http, out, failure.problem().withInstance(instance), correlationId);
  }

  private static Throwable unwrap(Throwable t) {
    Throwable current = t;
    for (int i = 0; i < 8; i++) {
      if (!(current instanceof ServletException s)
          || s.getRootCause() == null
          || s.getRootCause() == s) {
        break;
      }
      current = s.getRootCause();
    }
    return current;
  }

  private void respond(
      HttpServletRequest request,
      HttpServletResponse response,
      Problem problem,
      String correlationId)
      throws IOException {
    if (response.isCommitted()) {
      LOG.warn(
          "incident {}: the response was already committed with status {}; the problem could not be"
              + " sent",
          problem.incidentId(),
          response.getStatus());
      return;
    }
    response.reset();
    response.setHeader(header, correlationId);
    response.setStatus(problem.status());
    response.setContentType(Problem.MEDIA_TYPE);
    response.setHeader("Cache-Control", "no-store");
    response.setHeader("X-Content-Type-Options", "nosniff");
    if (problem.retryAfterSeconds() != null) {
      response.setHeader("Retry-After", String.valueOf(problem.retryAfterSeconds()));
    }
    if (request.getMethod() != null
        && request.getMethod().toUpperCase(Locale.ROOT).equals("HEAD")) {
      return;
    }
    byte[] body = problem.toJsonBytes();
    response.setContentLength(body.length);
    try {
      OutputStream stream = response.getOutputStream();
      stream.write(body);
      stream.flush();
    } catch (IllegalStateException writerInUse) {
      // the chain already took the writer, whose charset may not be UTF-8: send pure ASCII JSON
      response.getWriter().write(asciiJson(new String(body, StandardCharsets.UTF_8)));
      response.getWriter().flush();
    }
  }

  /** Escapes every non-ASCII character; valid because JSON only has them inside strings. */
  static String asciiJson(String json) {
    StringBuilder out = new StringBuilder(json.length());
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (c < 0x80) {
        out.append(c);
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    return out.toString();
  }

  /** {@return the boundary, the header and the context resolver, if any} */
  @Override
  public String toString() {
    return "ProblemFilter["
        + header
        + ", "
        + boundary
        + (resolver == null ? "" : ", context resolver " + resolver)
        + "]";
  }

  /**
   * Resolves the {@link GuardContext} a request runs under, typically by verifying its credentials;
   * see the order in {@link ProblemFilter}.
   *
   * <p>Called once per request on the container thread that handles it; must be thread-safe.
   */
  @FunctionalInterface
  public interface ContextResolver {
    /**
     * Returns the context of the request.
     *
     * @param request the request; read it, do not consume its body
     * @param correlationId the request's correlation id, which the returned context must carry
     * @return the context to bind while the chain runs and its failure is handled, or null for a
     *     request that may run without one (a public route): the chain then runs with only the
     *     correlation id in the MDC and no context bound
     * @throws dev.guardrails.core.Unauthenticated if the request's credentials are missing or
     *     refused; answered with a 401 problem and the chain is not called
     * @throws Exception any other failure, handled by the boundary (a bug becomes a 500 problem
     *     without internals) and the chain is not called
     */
    @Nullable GuardContext resolve(HttpServletRequest request, String correlationId)
        throws Exception;
  }
}
