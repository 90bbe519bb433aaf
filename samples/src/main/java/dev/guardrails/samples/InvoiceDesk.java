package dev.guardrails.samples;

import java.io.PrintStream;
import java.util.List;

/**
 * Invoice Desk: a small multi-tenant invoicing service rebuilt on Guardrails.
 *
 * <p>Until the samples issue lands this entry point prints the tour the app will run, so the
 * README's first command already works on a fresh machine.
 */
public final class InvoiceDesk {

  private static final List<String> TOUR =
      List.of(
          "a user reading another firm's invoice gets 404 (auth: tenant scoping, deny as not found)",
          "a forged or expired token gets 401 (auth: strict JWT verification)",
          "a double-submitted create makes one invoice (data: idempotency keys)",
          "a stale update gets 409 (data: optimistic locking)",
          "a malformed body gets a 400 problem listing the bad fields (errors: strict input)",
          "repeated summaries hit the cache (cost: coalescing cache)",
          "the per-user budget stops the paid call with a clear message (cost: hard stop)",
          "an upstream outage opens the breaker without a retry storm (cost: breaker, retry budget)",
          "the audit trail shows who did what (data: audited repositories)",
          "the spend report shows cost per user and per day (cost: meter)");

  private InvoiceDesk() {}

  /**
   * Prints the guided tour.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    printTour(System.out);
  }

  static void printTour(PrintStream out) {
    out.println("Invoice Desk on Guardrails. The tour will show:");
    for (int i = 0; i < TOUR.size(); i++) {
      out.printf("  %2d. %s%n", i + 1, TOUR.get(i));
    }
    out.println(
        "The app itself arrives with the samples issue; run ./mvnw verify for the test suite.");
  }
}
