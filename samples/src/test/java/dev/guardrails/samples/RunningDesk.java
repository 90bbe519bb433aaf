package dev.guardrails.samples;

import dev.guardrails.core.Environment;
import dev.guardrails.core.Money;
import java.time.Clock;

/** One running Invoice Desk on an embedded PostgreSQL and a free port, for one test class. */
final class RunningDesk implements AutoCloseable {

  final DemoClock clock = DemoClock.startingAt(Clock.systemUTC());
  final InvoiceDeskApp app;
  final TourClient http;

  /** The demo's defaults, on a free port. */
  RunningDesk() {
    this(
        new DeskConfig(
            Environment.TEST,
            null,
            null,
            null,
            "127.0.0.1",
            0,
            Money.of("0.01", DeskConfig.USD),
            Money.of("1.00", DeskConfig.USD)));
  }

  RunningDesk(DeskConfig config) {
    app = InvoiceDeskApp.start(config, clock);
    http = new TourClient(app.uri());
  }

  /** Logs a demo user in through the dev login and returns the token. */
  String login(String user) {
    TourClient.Answer answer =
        http.send("POST", "/dev/login", null, "{\"username\": \"" + user + "\"}");
    if (answer.status() != 200) {
      throw new IllegalStateException("login of " + user + " failed: " + answer.brief());
    }
    return answer.json().path("token").asText();
  }

  /** The id of an invoice by number, as the user sees it. */
  String invoiceId(String user, String number) {
    for (var invoice : http.get("/invoices", login(user)).json().path("invoices")) {
      if (invoice.path("number").asText().equals(number)) {
        return invoice.path("id").asText();
      }
    }
    throw new IllegalStateException(user + " does not see " + number);
  }

  @Override
  public void close() {
    app.close();
  }
}
