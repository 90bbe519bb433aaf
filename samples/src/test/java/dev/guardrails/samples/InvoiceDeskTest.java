package dev.guardrails.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

final class InvoiceDeskTest {

  @Test
  void printTour_always_listsEveryGuardrailOfTheTour() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    InvoiceDesk.printTour(new PrintStream(bytes, true, StandardCharsets.UTF_8));

    String tour = bytes.toString(StandardCharsets.UTF_8);
    assertThat(tour)
        .contains(
            "gets 404", "gets 401", "one invoice", "gets 409", "400 problem", "cache", "budget")
        .contains("breaker", "audit trail", "per user and per day");
    assertThat(tour.lines().filter(line -> line.matches("\\s+\\d+\\. .*"))).hasSize(10);
  }
}
