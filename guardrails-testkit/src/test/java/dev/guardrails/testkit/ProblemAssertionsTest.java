package dev.guardrails.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opentest4j.AssertionFailedError;

final class ProblemAssertionsTest {

  private static final String PROBLEM_JSON = "application/problem+json";

  @Test
  void assertSafeClientProblem_cleanProblem_returnsIt() {
    HttpExchange exchange =
        new HttpExchange(
            400,
            PROBLEM_JSON + "; charset=utf-8",
            "{\"type\":\"https://guardrails.dev/problems/invalid-input\",\"title\":\"Invalid input\","
                + "\"status\":400,\"detail\":\"amount: expected a number; please select a date from"
                + " the list\",\"incidentId\":\"a1b2\"}");

    JsonNode problem = ProblemAssertions.assertSafeClientProblem(exchange);

    assertThat(problem.get("incidentId").asText()).isEqualTo("a1b2");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "java.lang.NullPointerException: boom",
        "at dev.guardrails.Foo.bar(Foo.java:42)",
        "see InvoiceService.java:42",
        "com.fasterxml.jackson.databind.exc.MismatchedInputException",
        "SELECT * FROM invoices WHERE id = 5",
        "insert failed: where tenant_id = '7'",
        "ERROR: duplicate key, SQLSTATE 23505",
        "could not open /home/app/config.yml",
        "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig",
        "key sk_live_51HxxxxxxxxxxxxxxAbc",
        "key AKIAIOSFODNN7EXAMPLE",
        "Jackson could not read the body"
      })
  void assertSafeClientProblem_internalsInDetail_fails(String detail) {
    HttpExchange exchange =
        new HttpExchange(
            400,
            PROBLEM_JSON,
            "{\"type\":\"about:blank\",\"title\":\"Bad request\",\"status\":400,\"detail\":"
                + quote(detail)
                + "}");

    assertThatThrownBy(() -> ProblemAssertions.assertSafeClientProblem(exchange))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("response leaks");
  }

  @Test
  void assertSafeClientProblem_serverError_failsNamingTheStatus() {
    HttpExchange exchange =
        new HttpExchange(
            500, PROBLEM_JSON, "{\"type\":\"about:blank\",\"title\":\"Oops\",\"status\":500}");

    assertThatThrownBy(() -> ProblemAssertions.assertSafeClientProblem(exchange))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("expected a 4xx status")
        .hasMessageContaining("500");
  }

  @Test
  void assertSafeProblem_plainJson_failsNamingTheContentType() {
    HttpExchange exchange =
        new HttpExchange(
            400, "application/json", "{\"type\":\"about:blank\",\"title\":\"x\",\"status\":400}");

    assertThatThrownBy(() -> ProblemAssertions.assertSafeProblem(exchange))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("application/problem+json")
        .hasMessageContaining("application/json");
  }

  @Test
  void assertSafeProblem_missingTitleOrMismatchedStatusOrNotJson_fails() {
    assertThatThrownBy(
            () ->
                ProblemAssertions.assertSafeProblem(
                    new HttpExchange(
                        400, PROBLEM_JSON, "{\"type\":\"about:blank\",\"status\":400}")))
        .hasMessageContaining("'title'");
    assertThatThrownBy(
            () ->
                ProblemAssertions.assertSafeProblem(
                    new HttpExchange(
                        404,
                        PROBLEM_JSON,
                        "{\"type\":\"about:blank\",\"title\":\"x\",\"status\":400}")))
        .hasMessageContaining("differs from the HTTP status 404");
    assertThatThrownBy(
            () -> ProblemAssertions.assertSafeProblem(new HttpExchange(400, PROBLEM_JSON, "oops")))
        .hasMessageContaining("does not parse");
  }

  private static String quote(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
