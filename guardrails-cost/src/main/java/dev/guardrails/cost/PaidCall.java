package dev.guardrails.cost;

/**
 * The upstream call a {@link GuardedCall} protects, e.g. {@code client::complete}. It may throw
 * checked exceptions; the guarded call wraps those once, in {@link PaidCallException}.
 *
 * @param <Q> the request type
 * @param <R> the response type
 */
@FunctionalInterface
public interface PaidCall<Q, R> {

  /**
   * Calls the upstream.
   *
   * @param request the request
   * @return the response, not null
   * @throws Exception if the call fails
   */
  R apply(Q request) throws Exception;
}
