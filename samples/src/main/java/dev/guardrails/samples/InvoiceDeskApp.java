package dev.guardrails.samples;

import com.sun.net.httpserver.HttpServer;
import dev.guardrails.auth.JwtVerifier;
import dev.guardrails.auth.LocalTokenIssuer;
import dev.guardrails.core.BudgetExceeded;
import dev.guardrails.core.EventSink;
import dev.guardrails.core.EventSinks;
import dev.guardrails.cost.JobGuard;
import dev.guardrails.cost.PostgresBudgetStore;
import dev.guardrails.cost.PostgresJobLockStore;
import dev.guardrails.data.AuditedRepository;
import dev.guardrails.data.IdempotencyKeys;
import dev.guardrails.data.RowScope;
import dev.guardrails.data.TableMapping;
import dev.guardrails.errors.ErrorBoundary;
import dev.guardrails.errors.FailureClass;
import dev.guardrails.errors.ProblemMappings;
import dev.guardrails.errors.ProblemTemplate;
import dev.guardrails.errors.alerts.AlertPipeline;
import dev.guardrails.errors.alerts.AlertSinks;
import dev.guardrails.errors.alerts.InMemoryAlertSink;
import dev.guardrails.errors.http.ProblemHttpHandler;
import dev.guardrails.errors.jobs.JobDefinition;
import dev.guardrails.errors.jobs.JobSupervisor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Invoice Desk, wired: the database, the guardrails, the fake paid model, the job, and the HTTP
 * server with every handler inside the error boundary. {@link #start} returns a running app; {@link
 * #close} stops all of it.
 *
 * <p>Thread-safe.
 */
public final class InvoiceDeskApp implements AutoCloseable {

  /** The {@code iss} of Invoice Desk's tokens. */
  static final String ISSUER = "urn:invoice-desk";

  /** The {@code aud} of Invoice Desk's API tokens. */
  static final String AUDIENCE = "invoice-desk";

  /** How long a dev login token lives. */
  static final Duration TOKEN_LIFETIME = Duration.ofMinutes(15);

  private static final Logger LOG = LoggerFactory.getLogger(InvoiceDeskApp.class);

  private final DemoClock clock;
  private final List<AutoCloseable> resources;
  private final HttpServer server;
  private final FakeLlm llm;
  private final InMemoryAlertSink alerts;
  private final DeskDatabase database;
  private final boolean devLogin;

  private InvoiceDeskApp(
      DemoClock clock,
      List<AutoCloseable> resources,
      HttpServer server,
      FakeLlm llm,
      InMemoryAlertSink alerts,
      DeskDatabase database,
      boolean devLogin) {
    this.database = database;
    this.devLogin = devLogin;
    this.clock = clock;
    this.resources = resources;
    this.server = server;
    this.llm = llm;
    this.alerts = alerts;
  }

  /**
   * Starts the app.
   *
   * @param config the configuration
   * @param clock the app's clock
   * @return the running app
   * @throws IllegalStateException if a part cannot start; what started is stopped again
   */
  public static InvoiceDeskApp start(DeskConfig config, DemoClock clock) {
    List<AutoCloseable> resources = new ArrayList<>();
    try {
      return start(config, clock, resources);
    } catch (RuntimeException e) {
      closeAll(resources);
      throw e;
    }
  }

  private static InvoiceDeskApp start(
      DeskConfig config, DemoClock clock, List<AutoCloseable> resources) {
    LOG.info("starting Invoice Desk with {}", config);
    InMemoryAlertSink alertMemory = AlertSinks.inMemory();
    AlertPipeline alerts =
        AlertPipeline.builder()
            .clock(clock)
            .sink(AlertSinks.log())
            .sink(alertMemory)
            .applicationPackages("dev.guardrails.samples")
            .build();
    resources.add(alerts);
    EventSink events = EventSinks.failSafe(EventSinks.composite(EventSinks.logging(), alerts));
    ErrorBoundary boundary =
        ErrorBoundary.builder()
            .clock(clock)
            .alerts(alerts)
            .events(events)
            .mappings(problemMappings())
            .build();

    DeskDatabase db = DeskDatabase.start(config, clock);
    resources.add(0, db);
    AuditedRepository<Client> clients =
        AuditedRepository.of(
            db.database(),
            TableMapping.forRecord(Client.class, "clients")
                .resourceType("client")
                .ownerColumn("owner_id")
                .versionColumn("version")
                .sensitive("tax_id")
                .build(),
            RowScope.tenant());
    AuditedRepository<Invoice> invoices =
        AuditedRepository.of(
            db.database(),
            TableMapping.forRecord(Invoice.class, "invoices")
                .resourceType("invoice")
                .ownerColumn("owner_id")
                .versionColumn("version")
                .build(),
            RowScope.tenant());
    IdempotencyKeys idempotency = IdempotencyKeys.builder(db.database()).build();
    new Seeder(clients, invoices, clock).seed(db.ownerDataSource());

    LocalTokenIssuer issuer =
        LocalTokenIssuer.builder(ISSUER, AUDIENCE)
            .tokenLifetime(TOKEN_LIFETIME)
            .clock(clock)
            .eventSink(events)
            .build();
    JwtVerifier verifier = issuer.verifierBuilder().eventSink(events).build();
    LocalTokenIssuer tickets =
        LocalTokenIssuer.builder(ISSUER, OpsApi.TICKET_AUDIENCE)
            .tokenLifetime(Duration.ofMinutes(5))
            .clock(clock)
            .eventSink(events)
            .build();
    var guard = Policy.guard(events, clock);
    Sessions sessions = new Sessions(verifier, tickets.verifierBuilder().build(), clock);

    FakeLlm llm = FakeLlm.start();
    resources.add(0, llm);
    // the shared stores' tables: created by the owner, used by the application role
    PostgresBudgetStore.create(db.ownerDataSource()).createSchema();
    PostgresJobLockStore.create(db.ownerDataSource()).createSchema();
    DeskDatabase.execute(
        db.ownerDataSource(),
        "GRANT SELECT, INSERT, UPDATE, DELETE ON gr_budget_usage, gr_budget_rolling,"
            + " gr_budget_reservation TO "
            + DeskDatabase.APP_ROLE,
        "GRANT SELECT, INSERT, UPDATE ON gr_job_lock TO " + DeskDatabase.APP_ROLE);
    Summaries summaries =
        new Summaries(
            new LlmClient(llm.uri(), clock),
            PostgresBudgetStore.create(db.applicationDataSource()),
            config,
            clock,
            events);
    JobGuard jobGuard =
        JobGuard.builder(PostgresJobLockStore.create(db.applicationDataSource()))
            .clock(clock)
            .events(events)
            .build();
    OverdueReminders reminders = new OverdueReminders(invoices, jobGuard, clock);
    JobSupervisor supervisor =
        JobSupervisor.builder()
            .clock(clock)
            .boundary(boundary)
            .alerts(alerts)
            .events(events)
            .build();
    resources.add(0, supervisor);
    supervisor.schedule(reminders.definition());
    // housekeeping the library asks for: folded alert counts, stale reservations, expired keys
    supervisor.schedule(
        JobDefinition.builder("alert-flush", context -> alerts.flush())
            .every(Duration.ofMinutes(1))
            .expectSuccessWithin(Duration.ofHours(1))
            .build());
    supervisor.schedule(
        JobDefinition.builder("budget-reservations", context -> summaries.expireReservations())
            .every(Duration.ofMinutes(1))
            .expectSuccessWithin(Duration.ofHours(1))
            .build());
    supervisor.schedule(
        JobDefinition.builder("idempotency-purge", context -> idempotency.purgeExpired())
            .every(Duration.ofHours(1))
            .initialDelay(Duration.ofMinutes(5))
            .expectSuccessWithin(Duration.ofHours(3))
            .build());

    AuditTrail audit = new AuditTrail(db.database());
    InvoicesApi invoicesApi =
        new InvoicesApi(sessions, guard, invoices, clients, idempotency, audit);
    Routes routes = new Routes();
    routes.add("GET", "/", InvoiceDeskApp::index);
    if (config.devLoginEnabled()) {
      new DevLoginApi(issuer).register(routes);
    } else {
      LOG.info("dev login is off in {}", config.environment());
    }
    new ClientsApi(sessions, guard, clients, idempotency).register(routes);
    invoicesApi.register(routes);
    new SummaryApi(sessions, guard, invoicesApi, clients, summaries).register(routes);
    new SpendApi(sessions, guard, summaries, clock).register(routes);
    new JobsApi(sessions, guard, supervisor, reminders).register(routes);
    new OpsApi(sessions, guard, tickets, summaries, audit, alertMemory, supervisor, clock)
        .register(routes);

    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 50);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen on " + config.host() + ":" + config.port() + "; set GUARDRAILS_HTTP_PORT",
          e);
    }
    ExecutorService executor = Executors.newFixedThreadPool(8);
    resources.add(0, executor::shutdownNow);
    server.setExecutor(executor);
    // the request's context is resolved before any route, so failures are handled inside it
    server.createContext(
        "/", ProblemHttpHandler.builder(boundary).contextResolver(sessions).wrap(routes));
    server.start();
    resources.add(0, () -> server.stop(0));
    InvoiceDeskApp app =
        new InvoiceDeskApp(
            clock, resources, server, llm, alertMemory, db, config.devLoginEnabled());
    LOG.info("Invoice Desk listening on {}", app.uri());
    return app;
  }

  private static ProblemMappings problemMappings() {
    ProblemMappings.Builder mappings = ProblemMappings.builder();
    HttpProblem.register(mappings);
    // the budget's name and numbers are the caller's own: say which budget stopped the call
    mappings.map(
        BudgetExceeded.class,
        e ->
            ProblemTemplate.of(FailureClass.CLIENT_ERROR, 429, "budget_exceeded", "Budget exceeded")
                .withDetail(
                    e.publicMessage()
                        + " Budget "
                        + e.budgetName()
                        + ": "
                        + e.spent()
                        + " spent of "
                        + e.limit()
                        + "."));
    return mappings.build();
  }

  private static void index(Request request) {
    request.json(
        200,
        Map.of(
            "name",
            "Invoice Desk",
            "endpoints",
            List.of(
                "POST /dev/login {\"username\": \"anna\"}",
                "GET /clients",
                "POST /clients",
                "GET /invoices",
                "POST /invoices (Idempotency-Key)",
                "GET /invoices/{id}",
                "PATCH /invoices/{id} (If-Match)",
                "GET /invoices/{id}/audit",
                "POST /invoices/{id}/summary",
                "GET /spend",
                "GET /jobs",
                "POST /jobs/overdue-reminder/run",
                "POST /ops/link",
                "GET /ops")));
  }

  /** {@return the base URI of the API, e.g. {@code http://127.0.0.1:8080}} */
  public URI uri() {
    InetSocketAddress address = server.getAddress();
    return URI.create("http://" + address.getHostString() + ":" + address.getPort());
  }

  /** {@return the base URI of the fake paid model, with its {@code /control} switch} */
  public URI llmUri() {
    return llm.uri();
  }

  /** {@return the app's clock} */
  public DemoClock clock() {
    return clock;
  }

  /** {@return whether the dev login endpoint is on} */
  public boolean devLogin() {
    return devLogin;
  }

  /** {@return the database, for checks of its roles and policies} */
  DeskDatabase database() {
    return database;
  }

  /** {@return the alerts raised so far} */
  InMemoryAlertSink alerts() {
    return alerts;
  }

  @Override
  public void close() {
    closeAll(resources);
  }

  private static void closeAll(List<AutoCloseable> resources) {
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        LOG.warn("stopping {} failed", resource, e);
      }
    }
    resources.clear();
  }

  @Override
  public String toString() {
    return "InvoiceDeskApp[" + uri() + "]";
  }
}
