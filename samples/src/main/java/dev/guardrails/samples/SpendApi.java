package dev.guardrails.samples;

import dev.guardrails.auth.Guard;
import dev.guardrails.core.Actor;
import java.time.Clock;

/**
 * {@code GET /spend}: the firm's spend on the paid model per user, per day and per call, and its
 * budget use; for partners and admins of that firm.
 */
final class SpendApi {

  private final Sessions sessions;
  private final Guard guard;
  private final Summaries summaries;
  private final Clock clock;

  SpendApi(Sessions sessions, Guard guard, Summaries summaries, Clock clock) {
    this.sessions = sessions;
    this.guard = guard;
    this.summaries = summaries;
    this.clock = clock;
  }

  void register(Routes routes) {
    routes.add("GET", "/spend", sessions.authenticated(this::spend));
  }

  private void spend(Request request, Actor actor) {
    guard.check(actor, Policy.SPEND_READ);
    request.json(200, SpendReport.of(actor.tenantId(), summaries, clock));
  }
}
