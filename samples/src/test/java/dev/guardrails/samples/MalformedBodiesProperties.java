package dev.guardrails.samples;

import dev.guardrails.testkit.JsonEndpoint;
import dev.guardrails.testkit.MalformedJson;
import dev.guardrails.testkit.ProblemAssertions;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The testkit used as the firm's own suite would: every malformed body the testkit knows, the
 * oversized one (2 MB, far above the desk's limit) included, sent over HTTP to the desk's create
 * endpoints, each answered with a 4xx problem that leaks nothing.
 */
final class MalformedBodiesProperties {

  private static final String CLIENT =
      "{\"name\": \"Acme GmbH\", \"email\": \"billing@acme.example\", \"taxId\": \"DE123\"}";
  private static final String INVOICE =
      "{\"clientId\": \"6f1c2b1e-1d2a-4c55-9a51-3f0f2a6f8c11\", \"number\": \"N-9001\","
          + " \"description\": \"Payroll\", \"amountCents\": 12000, \"currency\": \"EUR\","
          + " \"dueDate\": \"2030-01-31\"}";

  private static RunningDesk desk;
  private static String token;

  @BeforeContainer
  static void start() {
    desk = new RunningDesk();
    token = desk.login("anna");
  }

  @AfterContainer
  static void stop() {
    if (desk != null) {
      desk.close();
    }
  }

  @Provide
  Arbitrary<MalformedJson.Case> malformedClients() {
    return MalformedJson.from(CLIENT);
  }

  @Provide
  Arbitrary<MalformedJson.Case> malformedInvoices() {
    return MalformedJson.from(INVOICE);
  }

  @Property
  void createClient_malformedBody_isASafeClientProblem(
      @ForAll("malformedClients") MalformedJson.Case malformed) {
    ProblemAssertions.assertSafeClientProblem(endpoint("/clients").send(malformed.body()));
  }

  @Property
  void createInvoice_malformedBody_isASafeClientProblem(
      @ForAll("malformedInvoices") MalformedJson.Case malformed) {
    ProblemAssertions.assertSafeClientProblem(endpoint("/invoices").send(malformed.body()));
  }

  private static JsonEndpoint endpoint(String path) {
    return JsonEndpoint.post(desk.app.uri().resolve(path))
        .withHeader("Authorization", "Bearer " + token);
  }
}
