package dev.guardrails.samples;

import dev.guardrails.auth.Guard;
import dev.guardrails.core.Actor;
import dev.guardrails.core.NotFound;
import dev.guardrails.data.AuditedRepository;
import dev.guardrails.data.IdempotencyKeys;
import dev.guardrails.data.PageRequest;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The invoice endpoints. Every one authenticates, authorizes on the server with the {@link Guard}
 * (an invoice of another firm reads exactly like a missing one: 404), and reads and writes through
 * the audited, tenant-scoped repository on which PostgreSQL row-level security also holds.
 *
 * <ul>
 *   <li>{@code GET /invoices}, {@code GET /invoices/{id}};
 *   <li>{@code POST /invoices}: strict JSON, every invalid field listed, {@code Idempotency-Key}
 *       honoured (a repeated request with the same key returns the first result, no second
 *       invoice);
 *   <li>{@code PATCH /invoices/{id}} with {@code If-Match: "<version>"}: a stale version is a 409;
 *   <li>{@code GET /invoices/{id}/audit}: the record's audit trail, for partners and admins.
 * </ul>
 */
final class InvoicesApi {

  /**
   * The body of a create.
   *
   * @param clientId the client billed
   * @param number the invoice number, unique per firm
   * @param description what is billed
   * @param amountCents the amount in cents
   * @param currency the currency code
   * @param dueDate the due date, ISO
   */
  record NewInvoice(
      @Nullable String clientId,
      @Nullable String number,
      @Nullable String description,
      @Nullable Long amountCents,
      @Nullable String currency,
      @Nullable String dueDate) {}

  /**
   * The body of an update; absent fields stay as they are.
   *
   * @param description what is billed
   * @param amountCents the amount in cents
   * @param dueDate the due date, ISO
   * @param status OPEN, PAID or VOID
   */
  record InvoiceChanges(
      @Nullable String description,
      @Nullable Long amountCents,
      @Nullable String dueDate,
      @Nullable String status) {}

  private static final List<String> STATUSES = List.of("OPEN", "PAID", "VOID");

  private final Sessions sessions;
  private final Guard guard;
  private final AuditedRepository<Invoice> invoices;
  private final AuditedRepository<Client> clients;
  private final IdempotencyKeys idempotency;
  private final AuditTrail audit;

  InvoicesApi(
      Sessions sessions,
      Guard guard,
      AuditedRepository<Invoice> invoices,
      AuditedRepository<Client> clients,
      IdempotencyKeys idempotency,
      AuditTrail audit) {
    this.sessions = sessions;
    this.guard = guard;
    this.invoices = invoices;
    this.clients = clients;
    this.idempotency = idempotency;
    this.audit = audit;
  }

  void register(Routes routes) {
    routes
        .add("GET", "/invoices", sessions.authenticated(this::list))
        .add("POST", "/invoices", sessions.authenticated(this::create))
        .add("GET", "/invoices/{id}", sessions.authenticated(this::get))
        .add("PATCH", "/invoices/{id}", sessions.authenticated(this::update))
        .add("GET", "/invoices/{id}/audit", sessions.authenticated(this::auditTrail));
  }

  /**
   * Loads an invoice the actor may read, or throws the same 404 as for a missing one.
   *
   * @param actor the actor
   * @param rawId the id from the path
   * @return the invoice
   * @throws NotFound if it is missing, malformed or not reachable by the actor
   */
  Invoice readable(Actor actor, String rawId) {
    Optional<Invoice> found = parseId(rawId).flatMap(invoices::findById);
    return guard.requireFound(actor, Policy.INVOICE_READ, Policy.INVOICE, rawId, found);
  }

  private void list(Request request, Actor actor) {
    guard.check(actor, Policy.INVOICE_READ);
    List<Invoice> page = invoices.list(PageRequest.first(100).sortedBy("number")).items();
    List<InvoiceView> visible =
        guard.filter(actor, Policy.INVOICE_READ, Policy.INVOICE, page).stream()
            .map(InvoiceView::of)
            .toList();
    request.json(200, Map.of("invoices", visible));
  }

  private void get(Request request, Actor actor) {
    Invoice invoice = readable(actor, request.pathParam(0));
    request.responseHeader("ETag", etag(invoice.version()));
    request.json(200, InvoiceView.of(invoice));
  }

  private void create(Request request, Actor actor) {
    guard.check(actor, Policy.INVOICE_CREATE);
    NewInvoice body = request.body(NewInvoice.class);
    Validation v = new Validation();
    UUID clientId = v.uuid("clientId", body.clientId());
    String number = v.requiredText("number", body.number(), 40);
    String description = v.requiredText("description", body.description(), 500);
    long amount = v.positive("amountCents", body.amountCents());
    String currency = v.currency("currency", body.currency());
    LocalDate due = v.date("dueDate", body.dueDate());
    if (clientId != null && clients.findById(clientId).isEmpty()) {
      v.add("clientId", "no client of your firm has this id");
    }
    v.check();
    Invoice invoice =
        new Invoice(
            UUID.randomUUID(),
            actor.tenantId(),
            actor.id(),
            Objects.requireNonNull(clientId),
            number,
            description,
            amount,
            currency,
            Objects.requireNonNull(due),
            "OPEN",
            0,
            0);
    Optional<String> key = request.header("Idempotency-Key");
    AtomicBoolean created = new AtomicBoolean();
    InvoiceView view;
    if (key.isPresent()) {
      view =
          idempotency.execute(
              key.get(),
              body,
              InvoiceView.class,
              tx -> {
                created.set(true);
                return InvoiceView.of(invoices.insert(tx, invoice));
              });
    } else {
      created.set(true);
      view = InvoiceView.of(invoices.insert(invoice));
    }
    request.responseHeader("Location", "/invoices/" + view.id());
    request.responseHeader("ETag", etag(view.version()));
    request.responseHeader("Idempotent-Replayed", created.get() ? null : "true");
    request.json(created.get() ? 201 : 200, view);
  }

  private void update(Request request, Actor actor) {
    Invoice current = readable(actor, request.pathParam(0));
    guard.check(actor, Policy.INVOICE_UPDATE, Policy.INVOICE, current);
    long version = ifMatch(request);
    InvoiceChanges changes = request.body(InvoiceChanges.class);
    Validation v = new Validation();
    String description =
        changes.description() == null
            ? current.description()
            : v.requiredText("description", changes.description(), 500);
    long amount =
        changes.amountCents() == null
            ? current.amountCents()
            : v.positive("amountCents", changes.amountCents());
    LocalDate due =
        changes.dueDate() == null ? current.dueDate() : v.date("dueDate", changes.dueDate());
    String status =
        changes.status() == null ? current.status() : v.oneOf("status", changes.status(), STATUSES);
    v.check();
    Invoice updated =
        invoices.update(
            new Invoice(
                current.id(),
                current.tenantId(),
                current.ownerId(),
                current.clientId(),
                current.number(),
                description,
                amount,
                current.currency(),
                Objects.requireNonNull(due),
                status,
                current.reminders(),
                version));
    request.responseHeader("ETag", etag(updated.version()));
    request.json(200, InvoiceView.of(updated));
  }

  private void auditTrail(Request request, Actor actor) {
    Invoice invoice = readable(actor, request.pathParam(0));
    guard.check(actor, Policy.AUDIT_READ, Policy.INVOICE, invoice);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("invoice", invoice.number());
    body.put("entries", audit.ofRecord("invoices", invoice.id().toString()));
    request.json(200, body);
  }

  /** The version the client read, from {@code If-Match: "3"}; required for an update. */
  private static long ifMatch(Request request) {
    String raw = request.header("If-Match").orElseThrow(HttpProblem::preconditionRequired).strip();
    String unquoted = raw.startsWith("W/") ? raw.substring(2) : raw;
    unquoted = unquoted.replace("\"", "");
    try {
      return Long.parseLong(unquoted);
    } catch (NumberFormatException e) {
      throw HttpProblem.preconditionRequired();
    }
  }

  static String etag(long version) {
    return "\"" + version + "\"";
  }

  static Optional<UUID> parseId(String raw) {
    try {
      return Optional.of(UUID.fromString(raw));
    } catch (IllegalArgumentException e) {
      // guardrails:allow-swallow: a malformed id reads exactly like a missing record (404)
      return Optional.empty();
    }
  }
}
