package dev.guardrails.samples;

import dev.guardrails.auth.Guard;
import dev.guardrails.auth.ResourceType;
import dev.guardrails.core.EventSink;
import java.time.Clock;

/**
 * Who may do what in Invoice Desk, on the server, denied unless granted here.
 *
 * <ul>
 *   <li>clerk: read the firm's clients and invoices, create both, ask for summaries, update the
 *       invoices they own;
 *   <li>partner: everything a clerk may, update any invoice of the firm, read audit trails and the
 *       firm's spend;
 *   <li>admin: everything a partner may, the operator page and running jobs.
 * </ul>
 *
 * <p>Every rule stays inside the actor's firm: there is no cross-tenant grant.
 */
final class Policy {

  static final String CLIENT_READ = "client:read";
  static final String CLIENT_CREATE = "client:create";
  static final String INVOICE_READ = "invoice:read";
  static final String INVOICE_CREATE = "invoice:create";
  static final String INVOICE_UPDATE = "invoice:update";
  static final String INVOICE_SUMMARIZE = "invoice:summarize";
  static final String AUDIT_READ = "audit:read";
  static final String SPEND_READ = "spend:read";
  static final String OPS_VIEW = "ops:view";
  static final String JOBS_RUN = "jobs:run";

  static final ResourceType<Invoice> INVOICE =
      ResourceType.builder("invoice", (Invoice i) -> i.id().toString())
          .tenant(Invoice::tenantId, "tenant_id")
          .owner(Invoice::ownerId, "owner_id")
          .build();

  static final ResourceType<Client> CLIENT =
      ResourceType.builder("client", (Client c) -> c.id().toString())
          .tenant(Client::tenantId, "tenant_id")
          .owner(Client::ownerId, "owner_id")
          .build();

  private Policy() {}

  static Guard guard(EventSink events, Clock clock) {
    return Guard.builder()
        .grant("clerk", CLIENT_READ, CLIENT_CREATE, INVOICE_READ, INVOICE_CREATE, INVOICE_SUMMARIZE)
        .grantOnOwn("clerk", INVOICE_UPDATE)
        .inherit("partner", "clerk")
        .grant("partner", INVOICE_UPDATE, AUDIT_READ, SPEND_READ)
        .inherit("admin", "partner")
        .grant("admin", OPS_VIEW, JOBS_RUN)
        .eventSink(events)
        .clock(clock)
        .build();
  }
}
