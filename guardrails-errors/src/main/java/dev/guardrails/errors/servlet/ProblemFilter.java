package dev.guardrails.errors.servlet;

import dev.guardrails.core.CorrelationIds;
import dev.guardrails.errors.ErrorBoundary;
import dev.guardrails.errors.Failure;
import dev.guardrails.errors.Problem;
import dev.guardrails.errors.internal.Correlation;
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

  private ProblemFilter(ErrorBoundary boundary, String header, RandomGenerator random) {
    this.boundary = boundary;
    this.header = header;
    this.random = random;
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
    return new ProblemFilter(boundary, correlationHeader, random);
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (!(request instanceof HttpServletRequest http)
        || !(response instanceof HttpServletResponse out)) {
      chain.doFilter(request, response);
      return;
    }
    String correlationId = CorrelationIds.fromHeaderOrNew(http.getHeader(header), random);
    http.setAttribute(CORRELATION_ATTRIBUTE, correlationId);
    out.setHeader(header, correlationId);
    Correlation bound = Correlation.bind(correlationId);
    try {
      chain.doFilter(request, response);
    } catch (Throwable t) {
      if (t instanceof VirtualMachineError fatal) {
        throw fatal;
      }
      Failure failure = boundary.handle(unwrap(t));
      respond(
          http,
          out,
          failure.problem().withInstance(Correlation.instanceOf(http.getRequestURI())),
          correlationId);
    } finally {
      bound.close();
    }
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

  /** {@return the boundary and header} */
  @Override
  public String toString() {
    return "ProblemFilter[" + header + ", " + boundary + "]";
  }
}
