package dev.guardrails.errors.internal;

import dev.guardrails.core.GuardContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * Puts a correlation id in the MDC for the length of a request and restores what was there, for
 * framework adapters.
 *
 * <p>Not thread-safe: one instance per request, closed on the thread that opened it.
 */
public final class Correlation implements AutoCloseable {

  private final @Nullable String previous;

  private Correlation(String correlationId) {
    this.previous = MDC.get(GuardContext.MDC_CORRELATION_ID);
    MDC.put(GuardContext.MDC_CORRELATION_ID, correlationId);
  }

  /**
   * Binds the correlation id to the MDC of the current thread.
   *
   * @param correlationId the id
   * @return the binding; close it when the request ends
   */
  public static Correlation bind(String correlationId) {
    return new Correlation(correlationId);
  }

  /** Restores the MDC value that was there before. */
  @Override
  public void close() {
    if (previous == null) {
      MDC.remove(GuardContext.MDC_CORRELATION_ID);
    } else {
      MDC.put(GuardContext.MDC_CORRELATION_ID, previous);
    }
  }

  /**
   * Returns the request path as a problem instance if it is short and safe to echo, else null.
   *
   * @param path the request path, without the query
   * @return the instance, or null
   */
  public static @Nullable String instanceOf(@Nullable String path) {
    if (path == null || path.isEmpty() || path.length() > 200 || !path.startsWith("/")) {
      return null;
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c <= ' ' || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\') {
        return null;
      }
    }
    return SafeText.looksSecret(path) ? null : path;
  }

  /**
   * Checks that the context a resolver returned carries the request's correlation id.
   *
   * @param context what the resolver returned
   * @param resolver the resolver, named in the error
   * @param correlationId the request's correlation id
   * @return the context
   * @throws IllegalStateException if the context carries another correlation id
   */
  public static @Nullable GuardContext requireSameCorrelation(
      @Nullable GuardContext context, Object resolver, String correlationId) {
    if (context != null && !context.correlationId().equals(correlationId)) {
      throw new IllegalStateException(
          "context resolver "
              + resolver
              + " returned a GuardContext with correlation id '"
              + context.correlationId()
              + "', but the request's correlation id is '"
              + correlationId
              + "': build the context with GuardContext.of(actor, correlationId, clock.instant())");
    }
    return context;
  }
}
