package dev.guardrails.samples;

import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Invoice Desk: a small multi-tenant invoicing service rebuilt on Guardrails, and its guided tour.
 *
 * <p>{@code InvoiceDesk} starts the app on an embedded PostgreSQL (or {@code GUARDRAILS_DB_URL}) on
 * a free port, runs the {@link Tour} against it over HTTP, prints what each guardrail did, stops
 * and exits with status 0 when every step behaved as expected (1 otherwise). {@code InvoiceDesk
 * --serve} keeps the app running after the tour on {@code GUARDRAILS_HTTP_PORT} (8080) and prints
 * how to try it with curl and a browser.
 */
public final class InvoiceDesk {

  private InvoiceDesk() {}

  /**
   * Runs the tour, and with {@code --serve} keeps serving.
   *
   * @param args {@code --serve} to keep the app running, {@code --help} for usage
   * @throws InterruptedException if interrupted while serving
   */
  public static void main(String[] args) throws InterruptedException {
    List<String> options = List.of(args);
    PrintStream out = System.out;
    if (options.contains("--help")) {
      printUsage(out);
      return;
    }
    boolean serve = options.contains("--serve");
    DeskConfig config = DeskConfig.fromEnvironment(System.getenv());
    if (!serve) {
      config = config.withPort(0);
    }
    DemoClock clock = DemoClock.startingAt(Clock.systemUTC());
    if (!config.devLoginEnabled() && !serve) {
      out.println(
          "The tour logs in through the dev login, which is off in "
              + config.environment()
              + ". Unset GUARDRAILS_ENV (or set it to development) for the tour, or add --serve"
              + " to only run the app.");
      System.exit(2);
    }
    out.println("Invoice Desk on Guardrails: starting on " + describe(config) + " ...");
    InvoiceDeskApp app = InvoiceDeskApp.start(config, clock);
    Tour tour = new Tour(app.uri(), app.llmUri(), clock, out);
    out.println("Listening on " + app.uri() + "; the fake paid model on " + app.llmUri());
    if (config.devLoginEnabled()) {
      out.println();
      Tour.Result result;
      try {
        result = tour.run();
      } catch (RuntimeException e) {
        app.close();
        throw e;
      }
      if (!serve) {
        app.close();
        if (!result.passed()) {
          System.exit(1);
        }
        return;
      }
    }
    printServing(out, app, tour);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  app.close();
                  stopped.countDown();
                },
                "invoice-desk-stop"));
    stopped.await();
  }

  private static String describe(DeskConfig config) {
    return (config.databaseUrl() == null ? "an embedded PostgreSQL" : "GUARDRAILS_DB_URL")
        + ", environment "
        + config.environment().name().toLowerCase(java.util.Locale.ROOT);
  }

  static void printUsage(PrintStream out) {
    out.println("Invoice Desk on Guardrails: a tour of every guardrail over real HTTP.");
    out.println("  (no option)  start, run the tour, stop; exit status 0 if every step held");
    out.println("  --serve      keep the app running after the tour (port GUARDRAILS_HTTP_PORT)");
    out.println("The tour shows:");
    for (int i = 0; i < Tour.TITLES.size(); i++) {
      out.printf("  %2d. %s%n", i + 1, Tour.TITLES.get(i));
    }
  }

  private static void printServing(PrintStream out, InvoiceDeskApp app, Tour tour) {
    URI uri = app.uri();
    String base = uri.toString();
    out.println();
    out.println("Invoice Desk keeps running at " + base + " (Ctrl-C stops it). Try:");
    if (app.devLogin()) {
      out.println(
          "  TOKEN=$(curl -s -X POST "
              + base
              + "/dev/login -H 'Content-Type: application/json' -d '{\"username\":\"anna\"}'"
              + " | sed -n 's/.*\"token\" : \"\\([^\"]*\\)\".*/\\1/p')");
    } else {
      out.println(
          "  (the dev login is off outside development and test: trust your identity provider's"
              + " issuer in the JwtVerifier to get tokens)");
    }
    out.println("  curl -s " + base + "/invoices -H \"Authorization: Bearer $TOKEN\"");
    out.println(
        "  curl -s -X POST "
            + base
            + "/invoices -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json'"
            + " -d '{\"number\": 7}'");
    out.println("Users: anna, dmitri (clerks), ben, erin (partners), carla (admin).");
    out.println(
        "The app's clock runs "
            + app.clock().offset().toSeconds()
            + " s ahead of the wall clock: the tour moved it instead of sleeping.");
    out.println(
        "The fake paid model: curl -X POST '"
            + app.llmUri()
            + "/control?mode=outage' (or mode=up)");
    String ops = tour.opsUrl();
    if (ops != null) {
      out.println("Operator page (valid 5 minutes; get a new one with POST /ops/link as carla):");
      out.println("  " + base + ops);
    }
  }
}
