package dev.guardrails.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

final class InvoiceDeskTest {

  @Test
  void printUsage_always_listsEveryGuardrailOfTheTour() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    InvoiceDesk.printUsage(new PrintStream(bytes, true, StandardCharsets.UTF_8));

    String usage = bytes.toString(StandardCharsets.UTF_8);
    assertThat(usage)
        .contains(
            "gets 404", "gets 401", "gets 403", "one invoice", "gets 409", "400 problem", "cache")
        .contains("budget", "breaker", "audit trail", "per user and per day", "operator page")
        .contains("--serve");
    assertThat(usage.lines().filter(line -> line.matches("\\s+\\d+\\. .*"))).hasSize(12);
  }
}
