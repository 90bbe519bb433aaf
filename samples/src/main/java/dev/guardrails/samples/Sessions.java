package dev.guardrails.samples;

import dev.guardrails.auth.JwtVerifier;
import dev.guardrails.core.Actor;
import dev.guardrails.core.GuardContext;
import dev.guardrails.core.Unauthenticated;
import dev.guardrails.errors.ErrorBoundary;
import java.time.Clock;

/**
 * Authenticates requests: the bearer token is verified on the server (signature, issuer, audience,
 * expiry, type, algorithm), the actor, firm and roles come from the verified token only, and the
 * handler runs under a {@link GuardContext} with the request's correlation id, so every log line,
 * audit row and meter row carries them.
 *
 * <p>Thread-safe.
 */
final class Sessions {

  /** A handler that runs for an authenticated actor. */
  @FunctionalInterface
  interface Authenticated {
    /**
     * Handles the request.
     *
     * @param request the request
     * @param actor the verified actor
     * @throws Exception on failure
     */
    void handle(Request request, Actor actor) throws Exception;
  }

  private final JwtVerifier verifier;
  private final ErrorBoundary boundary;
  private final Clock clock;

  Sessions(JwtVerifier verifier, ErrorBoundary boundary, Clock clock) {
    this.verifier = verifier;
    this.boundary = boundary;
    this.clock = clock;
  }

  /**
   * Wraps a handler so that it runs only for a verified bearer token.
   *
   * @param handler the handler
   * @return the endpoint
   */
  Routes.Endpoint authenticated(Authenticated handler) {
    return request -> {
      Actor actor = authenticate(request);
      runAs(request, actor, handler);
    };
  }

  /**
   * Verifies the request's bearer token.
   *
   * @param request the request
   * @return the actor
   * @throws Unauthenticated if the header is missing or the token is forged, expired or malformed
   */
  Actor authenticate(Request request) {
    try {
      return verifier.verifyAuthorizationHeader(request.header("Authorization").orElse(null));
    } catch (Unauthenticated e) {
      request.responseHeader("WWW-Authenticate", "Bearer realm=\"invoice-desk\"");
      throw e;
    }
  }

  /**
   * Runs a handler under the actor's context, inside the error boundary; also for an actor verified
   * by other means (the operator page's signed link).
   *
   * @param request the request
   * @param actor the verified actor
   * @param handler the handler
   * @throws dev.guardrails.errors.ProblemException if the handler failed (already logged)
   */
  void runAs(Request request, Actor actor, Authenticated handler) {
    try (GuardContext.Scope scope =
        GuardContext.of(actor, request.correlationId(), clock.instant()).open()) {
      // handled here, while the actor is bound, so the log line and alert carry actor and firm;
      // the problem handler passes the handled ProblemException through without logging it again
      boundary.run(() -> handler.handle(request, actor));
    }
  }
}
