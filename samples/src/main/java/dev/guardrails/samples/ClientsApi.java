package dev.guardrails.samples;

import dev.guardrails.auth.Guard;
import dev.guardrails.core.Actor;
import dev.guardrails.data.AuditedRepository;
import dev.guardrails.data.IdempotencyKeys;
import dev.guardrails.data.PageRequest;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The client endpoints: {@code GET /clients}, {@code GET /clients/{id}} and {@code POST /clients}
 * (strict JSON, {@code Idempotency-Key} honoured). The tax id is stored but masked in the audit
 * trail and never listed.
 */
final class ClientsApi {

  /**
   * The body of a create.
   *
   * @param name the client's name
   * @param email where invoices go
   * @param taxId the tax id
   */
  record NewClient(@Nullable String name, @Nullable String email, @Nullable String taxId) {}

  /**
   * A client as the API shows it.
   *
   * @param id the id
   * @param name the name
   * @param email the email
   * @param ownerId who created it
   * @param version its version
   */
  record ClientView(String id, String name, String email, String ownerId, long version) {
    static ClientView of(Client c) {
      return new ClientView(c.id().toString(), c.name(), c.email(), c.ownerId(), c.version());
    }
  }

  private final Sessions sessions;
  private final Guard guard;
  private final AuditedRepository<Client> clients;
  private final IdempotencyKeys idempotency;

  ClientsApi(
      Sessions sessions,
      Guard guard,
      AuditedRepository<Client> clients,
      IdempotencyKeys idempotency) {
    this.sessions = sessions;
    this.guard = guard;
    this.clients = clients;
    this.idempotency = idempotency;
  }

  void register(Routes routes) {
    routes
        .add("GET", "/clients", sessions.authenticated(this::list))
        .add("POST", "/clients", sessions.authenticated(this::create))
        .add("GET", "/clients/{id}", sessions.authenticated(this::get));
  }

  private void list(Request request, Actor actor) {
    guard.check(actor, Policy.CLIENT_READ);
    var page = clients.list(PageRequest.first(100).sortedBy("name")).items();
    request.json(
        200,
        Map.of(
            "clients",
            guard.filter(actor, Policy.CLIENT_READ, Policy.CLIENT, page).stream()
                .map(ClientView::of)
                .toList()));
  }

  private void get(Request request, Actor actor) {
    String rawId = request.pathParam(0);
    Optional<Client> found = InvoicesApi.parseId(rawId).flatMap(clients::findById);
    Client client = guard.requireFound(actor, Policy.CLIENT_READ, Policy.CLIENT, rawId, found);
    request.responseHeader("ETag", InvoicesApi.etag(client.version()));
    request.json(200, ClientView.of(client));
  }

  private void create(Request request, Actor actor) {
    guard.check(actor, Policy.CLIENT_CREATE);
    NewClient body = request.body(NewClient.class);
    Validation v = new Validation();
    String name = v.requiredText("name", body.name(), 200);
    String email = v.requiredText("email", body.email(), 200);
    if (!email.isEmpty() && !email.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
      v.add("email", "expected an address like billing@example.com");
    }
    String taxId = v.requiredText("taxId", body.taxId(), 40);
    v.check();
    Client client =
        new Client(UUID.randomUUID(), actor.tenantId(), actor.id(), name, email, taxId, 0);
    AtomicBoolean created = new AtomicBoolean();
    Optional<String> key = request.header("Idempotency-Key");
    ClientView view;
    if (key.isPresent()) {
      view =
          idempotency.execute(
              key.get(),
              body,
              ClientView.class,
              tx -> {
                created.set(true);
                return ClientView.of(clients.insert(tx, client));
              });
    } else {
      created.set(true);
      view = ClientView.of(clients.insert(client));
    }
    request.responseHeader("Location", "/clients/" + view.id());
    request.responseHeader("Idempotent-Replayed", created.get() ? null : "true");
    request.json(created.get() ? 201 : 200, view);
  }
}
