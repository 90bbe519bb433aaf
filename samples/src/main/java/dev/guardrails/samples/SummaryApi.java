package dev.guardrails.samples;

import dev.guardrails.auth.Guard;
import dev.guardrails.core.Actor;
import dev.guardrails.core.Money;
import dev.guardrails.data.AuditedRepository;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /invoices/{id}/summary}: an "AI summary" of an invoice from the paid language model,
 * through {@link Summaries} (cache, budgets, rate limit, breaker, retry budget, meter). The answer
 * says whether it came from the cache and what this request cost.
 */
final class SummaryApi {

  private final Sessions sessions;
  private final Guard guard;
  private final InvoicesApi invoices;
  private final AuditedRepository<Client> clients;
  private final Summaries summaries;

  SummaryApi(
      Sessions sessions,
      Guard guard,
      InvoicesApi invoices,
      AuditedRepository<Client> clients,
      Summaries summaries) {
    this.sessions = sessions;
    this.guard = guard;
    this.invoices = invoices;
    this.clients = clients;
    this.summaries = summaries;
  }

  void register(Routes routes) {
    routes.add("POST", "/invoices/{id}/summary", sessions.authenticated(this::summarize));
  }

  private void summarize(Request request, Actor actor) {
    Invoice invoice = invoices.readable(actor, request.pathParam(0));
    guard.check(actor, Policy.INVOICE_SUMMARIZE, Policy.INVOICE, invoice);
    String clientName = clients.findById(invoice.clientId()).map(Client::name).orElse("a client");
    LlmClient.Prompt prompt =
        new LlmClient.Prompt(prompt(invoice, clientName), Summaries.MAX_OUTPUT_TOKENS);
    LlmClient.Completion completion = summaries.summarize(prompt);
    Optional<Money> cost = summaries.meter().costOfRequest(request.correlationId());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("invoice", invoice.number());
    body.put("summary", completion.text());
    body.put("cached", cost.isEmpty());
    body.put("cost", cost.orElse(Money.zero(DeskConfig.USD)).toString());
    body.put("inputTokens", completion.inputTokens());
    body.put("outputTokens", completion.outputTokens());
    request.json(200, body);
  }

  static String prompt(Invoice invoice, String clientName) {
    BigDecimal amount = BigDecimal.valueOf(invoice.amountCents(), 2);
    return "Summarize this invoice for a busy partner in two sentences.\n"
        + "Invoice "
        + invoice.number()
        + " to "
        + clientName
        + " for "
        + amount.toPlainString()
        + " "
        + invoice.currency()
        + ", due "
        + invoice.dueDate()
        + ", status "
        + invoice.status()
        + "\n"
        + "Description: "
        + invoice.description();
  }
}
