package dev.guardrails.samples;

import com.sun.net.httpserver.HttpExchange;
import dev.guardrails.auth.JwtVerifier;
import dev.guardrails.core.Actor;
import dev.guardrails.core.GuardContext;
import dev.guardrails.core.Unauthenticated;
import dev.guardrails.errors.http.ProblemHttpHandler;
import java.time.Clock;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Authenticates requests: the bearer token is verified on the server (signature, issuer, audience,
 * expiry, type, algorithm), the actor, firm and roles come from the verified token only. As the
 * {@link ProblemHttpHandler}'s context resolver it runs before any route, so the handler <em>and
 * the error boundary's handling of its failure</em> run under a {@link GuardContext} with the
 * request's correlation id: every log line, alert, problem, audit row and meter row carries the
 * same actor, firm and correlation id.
 *
 * <p>Thread-safe.
 */
final class Sessions implements ProblemHttpHandler.ContextResolver {

  /** The one path that also accepts a signed ticket in its query, instead of a bearer token. */
  static final String OPS_PAGE = "/ops";

  private static final String CHALLENGE = "Bearer realm=\"invoice-desk\"";

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
  private final JwtVerifier ticketVerifier;
  private final Clock clock;

  /**
   * Creates the sessions.
   *
   * @param verifier verifies the API's bearer tokens
   * @param ticketVerifier verifies the operator page's signed tickets
   * @param clock the clock that says when a request started
   */
  Sessions(JwtVerifier verifier, JwtVerifier ticketVerifier, Clock clock) {
    this.verifier = verifier;
    this.ticketVerifier = ticketVerifier;
    this.clock = clock;
  }

  /**
   * Resolves the request's context: the actor of a ticket on the operator page, else of the bearer
   * token, else none (a public route; {@link #authenticated} refuses it).
   *
   * @param exchange the exchange
   * @param correlationId the request's correlation id
   * @return the context, or null when the request carries no credentials
   * @throws Unauthenticated if a ticket or token is forged, expired or malformed
   */
  @Override
  public @Nullable GuardContext resolve(HttpExchange exchange, String correlationId) {
    Actor actor = actorOf(exchange);
    return actor == null ? null : GuardContext.of(actor, correlationId, clock.instant());
  }

  private @Nullable Actor actorOf(HttpExchange exchange) {
    if (exchange.getRequestURI().getPath().equals(OPS_PAGE)) {
      String ticket = new Request(exchange, List.of()).query().get("ticket");
      if (ticket != null && !ticket.isEmpty()) {
        return ticketVerifier.verify(ticket);
      }
    }
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    if (authorization == null) {
      return null;
    }
    try {
      return verifier.verifyAuthorizationHeader(authorization);
    } catch (Unauthenticated e) {
      exchange.getResponseHeaders().set("WWW-Authenticate", CHALLENGE);
      throw e;
    }
  }

  /**
   * Wraps a handler so that it runs only for a verified actor, the one {@link #resolve} bound.
   *
   * @param handler the handler
   * @return the endpoint
   */
  Routes.Endpoint authenticated(Authenticated handler) {
    return request -> handler.handle(request, actor(request));
  }

  private static Actor actor(Request request) {
    return GuardContext.currentIfBound()
        .map(GuardContext::actor)
        .orElseThrow(
            () -> {
              request.responseHeader("WWW-Authenticate", CHALLENGE);
              return new Unauthenticated("no bearer token in the Authorization header");
            });
  }
}
