package dev.guardrails.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ERROR: duplicate key value violates unique constraint \"clients_email_key\"",
        "duplicate key value violates unique constraint \"clients_email_key\"",
        "Detail: Key (email)=(anna@acme.example) already exists.",
        "relation \"invoices\" does not exist",
        "column \"emial\" does not exist",
        "null value in column \"tenant_id\" of relation \"notes\" violates not-null constraint",
        "update on table \"lines\" violates foreign key constraint \"lines_invoice_fk\"",
        "new row violates row-level security policy for table \"notes\"",
        "syntax error at or near \"FROM\"",
        "permission denied for table invoices",
        "current transaction is aborted, commands ignored until end of transaction block",
        "could not serialize access due to concurrent update",
        "invalid input syntax for type uuid: \"abc\"",
        "value too long for type character varying(256)",
        "FATAL: password authentication failed for user \"app\"",
        "failed, SQL state: 23505",
        "org.postgresql.util.PSQLException: boom"
      })
  void assertSafeClientProblem_postgresqlErrorInDetail_fails(String detail) {
    HttpExchange exchange =
        new HttpExchange(
            409,
            PROBLEM_JSON,
            "{\"type\":\"about:blank\",\"title\":\"Conflict\",\"status\":409,\"detail\":"
                + quote(detail)
                + "}");

    assertThatThrownBy(() -> ProblemAssertions.assertSafeClientProblem(exchange))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("response leaks");
  }

  /** Each detail is written as it appears in the JSON body, escapes and all. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "boom\\n\\tat app.Main.run(Unknown Source)",
        "not found where id = \\u00275\\u0027",
        "could not open \\/home\\/app\\/secrets.yml",
        "key sk\\u005flive_51HxxxxxxxxxxxxxxAbc",
        "{\\\"trace\\\":\\\"boom\\\\n\\\\tat app.Main.run(Unknown Source)\\\"}"
      })
  void assertSafeClientProblem_jsonEscapedLeakInBody_fails(String escapedDetail) {
    HttpExchange exchange =
        new HttpExchange(
            400,
            PROBLEM_JSON,
            "{\"type\":\"about:blank\",\"title\":\"Bad request\",\"status\":400,\"detail\":\""
                + escapedDetail
                + "\"}");

    assertThatThrownBy(() -> ProblemAssertions.assertSafeClientProblem(exchange))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("response leaks")
        .hasMessageContaining("(JSON-escaped)");
  }

  @Test
  void assertNoLeak_escapedStackFrame_failsAndQuotesItDecoded() {
    assertThatThrownBy(() -> ProblemAssertions.assertNoLeak("x\\n\\tat app.Main.run(Main.kt)"))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("a stack frame (JSON-escaped) in the text: 'at app.Main.run('");
  }

  @Test
  void assertSafeClientProblem_leakInAResponseHeader_failsNamingTheHeader() {
    HttpExchange exchange =
        new HttpExchange(
            400,
            PROBLEM_JSON,
            Map.of(
                "Content-Type", List.of(PROBLEM_JSON),
                "X-Error", List.of("ok", "org.postgresql.util.PSQLException: ERROR: boom")),
            "{\"type\":\"about:blank\",\"title\":\"Bad request\",\"status\":400}");

    assertThatThrownBy(() -> ProblemAssertions.assertSafeClientProblem(exchange))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("response leaks")
        .hasMessageContaining("in the header 'X-Error'");
  }

  @Test
  void assertSafeClientProblem_ordinaryHeaders_pass() {
    HttpExchange exchange =
        new HttpExchange(
            429,
            PROBLEM_JSON,
            Map.of(
                "Content-Type", List.of(PROBLEM_JSON + "; charset=utf-8"),
                "Date", List.of("Sat, 06 Dec 2026 02:13:57 GMT"),
                "Cache-Control", List.of("no-store"),
                "Retry-After", List.of("30"),
                "X-Correlation-Id", List.of("3f2a9c1e-5b7d-4e0a-9f1c-2d3e4f5a6b7c"),
                "Content-Security-Policy", List.of("default-src 'none'; frame-ancestors 'none'")),
            "{\"type\":\"about:blank\",\"title\":\"Too many requests\",\"status\":429,"
                + "\"detail\":\"Slow down; retry in 30 s. Where to? \\u201cSettings\\u201d\"}");

    assertThat(ProblemAssertions.assertSafeClientProblem(exchange).get("status").asInt())
        .isEqualTo(429);
  }

  @Test
  void httpExchange_oldConstructor_hasNoHeaders_andHeadersAreCopied() {
    assertThat(new HttpExchange(400, PROBLEM_JSON, "{}").headers()).isEmpty();
    Map<String, List<String>> headers = new HashMap<>();
    headers.put("X-A", new ArrayList<>(List.of("1")));
    HttpExchange exchange = new HttpExchange(400, PROBLEM_JSON, headers, "{}");
    headers.get("X-A").add("2");
    headers.put("X-B", List.of("3"));

    assertThat(exchange.headers()).containsExactly(Map.entry("X-A", List.of("1")));
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
