package dev.guardrails.samples;

import dev.guardrails.auth.Guard;
import dev.guardrails.auth.IssuedToken;
import dev.guardrails.auth.LocalTokenIssuer;
import dev.guardrails.core.Actor;
import dev.guardrails.errors.alerts.Alert;
import dev.guardrails.errors.alerts.InMemoryAlertSink;
import dev.guardrails.errors.jobs.JobSupervisor;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The operator page, for admins of a firm: {@code GET /ops}.
 *
 * <p>A browser cannot send a bearer header by itself, so an admin asks for a link with {@code POST
 * /ops/link} (bearer token) and opens {@code /ops?ticket=...}. The ticket is a token of a separate
 * issuer with its own key and audience ({@code invoice-desk-ops}), valid for five minutes: it
 * cannot be used as an API token, and an API token cannot be used as a ticket. The page also
 * accepts an admin's bearer token directly (curl, tests); {@link Sessions} verifies either. The
 * page is sent with {@code Referrer-Policy: no-referrer} and {@code Cache-Control: no-store}, so
 * the ticket does not leak through referrers or caches.
 */
final class OpsApi {

  /** The audience of operator page tickets. */
  static final String TICKET_AUDIENCE = "invoice-desk-ops";

  private final Sessions sessions;
  private final Guard guard;
  private final LocalTokenIssuer tickets;
  private final Summaries summaries;
  private final AuditTrail audit;
  private final InMemoryAlertSink alerts;
  private final JobSupervisor jobs;
  private final Clock clock;

  OpsApi(
      Sessions sessions,
      Guard guard,
      LocalTokenIssuer tickets,
      Summaries summaries,
      AuditTrail audit,
      InMemoryAlertSink alerts,
      JobSupervisor jobs,
      Clock clock) {
    this.sessions = sessions;
    this.guard = guard;
    this.tickets = tickets;
    this.summaries = summaries;
    this.audit = audit;
    this.alerts = alerts;
    this.jobs = jobs;
    this.clock = clock;
  }

  void register(Routes routes) {
    routes
        .add("GET", Sessions.OPS_PAGE, sessions.authenticated(this::render))
        .add("POST", "/ops/link", sessions.authenticated(this::link));
  }

  private void link(Request request, Actor actor) {
    guard.check(actor, Policy.OPS_VIEW);
    IssuedToken ticket = tickets.issue(actor);
    request.json(
        200,
        Map.of(
            "url",
            "/ops?ticket=" + URLEncoder.encode(ticket.token(), StandardCharsets.UTF_8),
            "expiresAt",
            ticket.expiresAt().toString()));
  }

  private void render(Request request, Actor actor) {
    guard.check(actor, Policy.OPS_VIEW);
    List<Alert> recent = new ArrayList<>(alerts.alerts());
    Collections.reverse(recent);
    String firmName =
        DemoUsers.FIRMS.stream()
            .filter(f -> f.id().equals(actor.tenantId()))
            .map(DemoUsers.Firm::name)
            .findFirst()
            .orElse(actor.tenantId());
    request.html(
        OpsPage.render(
            firmName,
            clock.instant(),
            SpendReport.of(actor.tenantId(), summaries, clock),
            recent.subList(0, Math.min(20, recent.size())),
            audit.recent(20),
            jobs.statuses()));
  }
}
