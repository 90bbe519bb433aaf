package dev.guardrails.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.guardrails.auth.Guard;
import dev.guardrails.auth.JwtVerifier;
import dev.guardrails.auth.LocalTokenIssuer;
import dev.guardrails.auth.ResourceType;
import dev.guardrails.core.Actor;
import dev.guardrails.core.BudgetExceeded;
import dev.guardrails.core.GuardContext;
import dev.guardrails.core.Money;
import dev.guardrails.cost.Budget;
import dev.guardrails.cost.BudgetGuard;
import dev.guardrails.cost.BudgetPeriod;
import dev.guardrails.cost.BudgetScope;
import dev.guardrails.cost.CostMeter;
import dev.guardrails.cost.GuardedCall;
import dev.guardrails.cost.InMemoryBudgetStore;
import dev.guardrails.cost.RetryPolicy;
import dev.guardrails.cost.spi.CostModel;
import dev.guardrails.cost.spi.TokenUsage;
import dev.guardrails.errors.ErrorBoundary;
import dev.guardrails.errors.http.ProblemHttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Currency;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The README's examples, compiled and run, so the README cannot drift from the API. */
final class ReadmeExamplesTest {

  record Invoice(String id, String tenantId, String ownerId, String text) {}

  record Prompt(String text, int maxOutputTokens) {}

  record Completion(String text, long inputTokens, long outputTokens) {}

  private static final Currency USD = Currency.getInstance("USD");

  private final Clock clock = Clock.systemUTC();
  private HttpServer server;

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void guardedEndpoint_otherFirmsInvoiceAndForgedToken_get404And401() throws Exception {
    Map<String, Invoice> invoices =
        Map.of("inv-1", new Invoice("inv-1", "firm-7", "user-42", "rent"));
    LocalTokenIssuer issuer = LocalTokenIssuer.builder("https://desk.example", "desk").build();

    // --- README: guarding an endpoint ---
    ResourceType<Invoice> invoice =
        ResourceType.builder("invoice", Invoice::id)
            .tenant(Invoice::tenantId, "tenant_id")
            .owner(Invoice::ownerId, "owner_id")
            .build();
    Guard guard = Guard.builder().grant("clerk", "invoice:read").build();
    JwtVerifier verifier = issuer.verifierBuilder().build();
    ErrorBoundary boundary = ErrorBoundary.ofDefaults();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/invoices/",
        ProblemHttpHandler.wrap(
            exchange -> {
              Actor actor =
                  verifier.verifyAuthorizationHeader(
                      exchange.getRequestHeaders().getFirst("Authorization")); // 401 if forged
              String id = exchange.getRequestURI().getPath().substring("/invoices/".length());
              Invoice found =
                  guard.requireFound( // 404 for another firm's invoice, as for a missing one
                      actor, "invoice:read", invoice, id, Optional.ofNullable(invoices.get(id)));
              send(exchange, found.text());
            },
            boundary));
    // --- end ---
    server.start();

    String own = issuer.issue(Actor.person("user-42", "firm-7", "clerk")).token();
    String otherFirm = issuer.issue(Actor.person("user-9", "firm-8", "clerk")).token();
    assertThat(get("/invoices/inv-1", own).statusCode()).isEqualTo(200);
    HttpResponse<String> denied = get("/invoices/inv-1", otherFirm);
    assertThat(denied.statusCode()).isEqualTo(404);
    assertThat(denied.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(get("/invoices/inv-1", own.substring(0, own.length() - 4) + "AAAA").statusCode())
        .isEqualTo(401);
  }

  @Test
  void guardedPaidCall_cachesAndStopsAtTheBudget() {
    AtomicInteger upstreamCalls = new AtomicInteger();
    LlmClient client =
        prompt -> {
          upstreamCalls.incrementAndGet();
          return new Completion("summary of " + prompt.text(), 2_000, prompt.maxOutputTokens());
        };

    // --- README: wrapping an existing API client ---
    BudgetGuard budgets =
        BudgetGuard.builder(InMemoryBudgetStore.create())
            .budget(
                Budget.builder("per-user-daily")
                    .scope(BudgetScope.ACTOR)
                    .limit(Money.of("0.05", USD))
                    .period(BudgetPeriod.day(ZoneOffset.UTC))
                    .build())
            .build();
    GuardedCall<Prompt, Completion> summarize =
        GuardedCall.builder("llm.summarize", client::complete)
            .cache(Prompt::text, 10_000, Duration.ofHours(1))
            .budgets(
                budgets,
                CostModel.perMillionTokens(
                    Money.of("3", USD), // per million input tokens
                    Money.of("15", USD), // per million output tokens
                    p -> new TokenUsage(4_000, p.maxOutputTokens()),
                    c -> new TokenUsage(c.inputTokens(), c.outputTokens())))
            .rateLimitPerActor(10, Duration.ofMinutes(1))
            .retry(RetryPolicy.defaults())
            .meter(CostMeter.create(USD, clock, ZoneOffset.UTC))
            .build();
    // --- end ---

    Actor clerk = Actor.person("user-42", "firm-7", "clerk");
    try (GuardContext.Scope scope = GuardContext.start(clerk, clock).open()) {
      summarize.call(new Prompt("invoice inv-1", 500));
      summarize.call(new Prompt("invoice inv-1", 500));
      assertThat(upstreamCalls).hasValue(1);
      assertThatThrownBy(
              () -> {
                for (int i = 0; i < 20; i++) {
                  summarize.call(new Prompt("invoice inv-" + (i + 2), 500));
                }
              })
          .isInstanceOf(BudgetExceeded.class);
    }
    assertThat(upstreamCalls.get()).isLessThan(20);
  }

  /** An existing client, as a prototype has it. */
  interface LlmClient {
    Completion complete(Prompt prompt) throws IOException;
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    HttpRequest request =
        HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).GET().build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static void send(HttpExchange exchange, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
