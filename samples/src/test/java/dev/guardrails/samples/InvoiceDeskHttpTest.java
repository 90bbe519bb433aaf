package dev.guardrails.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardrails.core.Environment;
import dev.guardrails.core.Money;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The unhappy paths of the handlers, over real HTTP against a real server and PostgreSQL. */
final class InvoiceDeskHttpTest {

  private static RunningDesk desk;

  @BeforeAll
  static void start() {
    // budgets wide enough that the per-user rate limit, not the budget, is what stops a burst
    desk =
        new RunningDesk(
            new DeskConfig(
                Environment.TEST,
                null,
                null,
                null,
                "127.0.0.1",
                0,
                Money.of("5.00", DeskConfig.USD),
                Money.of("50.00", DeskConfig.USD)));
  }

  @AfterAll
  static void stop() {
    if (desk != null) {
      desk.close();
    }
  }

  private static void assertProblem(TourClient.Answer answer, int status, String code) {
    assertThat(answer.status()).as(answer.text()).isEqualTo(status);
    assertThat(answer.contentType()).isEqualTo("application/problem+json");
    JsonNode body = answer.json();
    assertThat(body.path("status").asInt()).isEqualTo(status);
    assertThat(body.path("code").asText()).isEqualTo(code);
    assertThat(body.path("incidentId").asText()).isNotBlank();
    assertThat(answer.header("X-Correlation-Id")).isPresent();
  }

  @Test
  void request_withoutAuthorizationHeader_is401WithBearerChallenge() {
    TourClient.Answer answer = desk.http.get("/invoices", null);

    assertProblem(answer, 401, "unauthenticated");
    assertThat(answer.header("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
  }

  @Test
  void request_withBasicAuthOrGarbageToken_is401() {
    assertProblem(
        desk.http.send("GET", "/invoices", null, null, "Authorization", "Basic YW5uYTpwdw=="),
        401,
        "unauthenticated");
    assertProblem(desk.http.get("/invoices", "not.a.jwt"), 401, "unauthenticated");
  }

  @Test
  void devLogin_unknownUser_is401() {
    assertProblem(
        desk.http.send("POST", "/dev/login", null, "{\"username\": \"mallory\"}"),
        401,
        "unauthenticated");
  }

  @Test
  void clerk_onPartnerAndAdminEndpoints_is403() {
    String anna = desk.login("anna");

    assertProblem(desk.http.get("/spend", anna), 403, "access_denied");
    assertProblem(desk.http.get("/jobs", anna), 403, "access_denied");
    assertProblem(desk.http.send("POST", "/ops/link", anna, null), 403, "access_denied");
    assertProblem(
        desk.http.get("/invoices/" + desk.invoiceId("anna", "N-1001") + "/audit", anna),
        403,
        "access_denied");
  }

  @Test
  void unknownRoute_is404Problem() {
    assertProblem(desk.http.get("/nowhere", desk.login("anna")), 404, "not_found");
  }

  @Test
  void wrongMethod_is405ProblemWithAllowHeader() {
    TourClient.Answer answer = desk.http.send("DELETE", "/invoices", desk.login("anna"), null);

    assertProblem(answer, 405, "method_not_allowed");
    assertThat(answer.header("Allow")).hasValue("GET, POST");
  }

  @Test
  void oversizedBody_is413() {
    String huge = "{\"name\": \"" + "x".repeat(Request.MAX_BODY_BYTES) + "\"}";

    assertProblem(
        desk.http.send("POST", "/clients", desk.login("anna"), huge), 413, "payload_too_large");
  }

  @Test
  void bodyThatIsNotJson_is415() {
    TourClient.Answer answer =
        desk.http.send("POST", "/clients", desk.login("anna"), null, "Content-Type", "text/plain");

    assertProblem(answer, 415, "unsupported_media_type");
  }

  @Test
  void malformedOrDuplicateKeyJson_is400() {
    String anna = desk.login("anna");

    assertProblem(desk.http.send("POST", "/clients", anna, "{\"name\": "), 400, "invalid_input");
    assertProblem(
        desk.http.send(
            "POST",
            "/clients",
            anna,
            "{\"name\": \"A\", \"name\": \"B\", \"email\": \"a@b.example\", \"taxId\": \"1\"}"),
        400,
        "invalid_input");
  }

  @Test
  void createClient_withInvalidFields_listsThemAll() {
    TourClient.Answer answer =
        desk.http.send(
            "POST", "/clients", desk.login("anna"), "{\"name\": \"\", \"email\": \"nope\"}");

    assertProblem(answer, 400, "invalid_input");
    assertThat(answer.json().path("errors").findValuesAsText("field"))
        .containsExactlyInAnyOrder("name", "email", "taxId");
  }

  @Test
  void createClient_twiceWithOneKey_makesOneClientAndMasksTheTaxIdInTheAudit() {
    String anna = desk.login("anna");
    String key = UUID.randomUUID().toString();
    String body = "{\"name\": \"Zeta AG\", \"email\": \"ap@zeta.example\", \"taxId\": \"CHE-1\"}";

    TourClient.Answer first =
        desk.http.send("POST", "/clients", anna, body, "Idempotency-Key", key);
    TourClient.Answer second =
        desk.http.send("POST", "/clients", anna, body, "Idempotency-Key", key);

    assertThat(first.status()).isEqualTo(201);
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.json().path("id").asText()).isEqualTo(first.json().path("id").asText());
    assertThat(desk.http.get("/clients", anna).json().path("clients").findValuesAsText("name"))
        .containsOnlyOnce("Zeta AG");
    assertThat(first.text()).doesNotContain("CHE-1");
  }

  @Test
  void otherFirmsClientAndMalformedIds_are404() {
    String dmitri = desk.login("dmitri");
    String harbor =
        desk.http.get("/clients", dmitri).json().path("clients").path(0).path("id").asText();
    String anna = desk.login("anna");

    assertProblem(desk.http.get("/clients/" + harbor, anna), 404, "not_found");
    assertProblem(desk.http.get("/invoices/not-a-uuid", anna), 404, "not_found");
    assertThat(desk.http.get("/clients/" + harbor, dmitri).status()).isEqualTo(200);
  }

  @Test
  void createInvoice_forAnotherFirmsClient_isRefusedAsAnUnknownClient() {
    String dmitri = desk.login("dmitri");
    String harbor =
        desk.http.get("/clients", dmitri).json().path("clients").path(0).path("id").asText();
    String body =
        "{\"clientId\": \""
            + harbor
            + "\", \"number\": \"N-9\", \"description\": \"x\", \"amountCents\": 100,"
            + " \"currency\": \"EUR\", \"dueDate\": \"2030-01-01\"}";

    TourClient.Answer answer = desk.http.send("POST", "/invoices", desk.login("anna"), body);

    assertProblem(answer, 400, "invalid_input");
    assertThat(answer.json().path("errors").findValuesAsText("field")).containsExactly("clientId");
  }

  @Test
  void summaries_aboveTwentyAMinuteForOneUser_areRateLimited() {
    String erin = desk.login("erin");
    String client =
        desk.http.get("/clients", erin).json().path("clients").path(0).path("id").asText();
    int ok = 0;
    TourClient.Answer last = null;
    for (int i = 0; i < 21; i++) {
      String body =
          "{\"clientId\": \""
              + client
              + "\", \"number\": \"S-R"
              + i
              + "\", \"description\": \"Burst "
              + i
              + "\", \"amountCents\": 100, \"currency\": \"EUR\", \"dueDate\": \"2030-01-01\"}";
      String id = desk.http.send("POST", "/invoices", erin, body).json().path("id").asText();
      last = desk.http.send("POST", "/invoices/" + id + "/summary", erin, null);
      if (last.status() == 200) {
        ok++;
      }
    }

    assertThat(ok).isEqualTo(20);
    assertProblem(last, 429, "rate_limited");
    assertThat(last.header("Retry-After")).isPresent();
  }

  @Test
  void createInvoice_withANumberTheFirmAlreadyUses_is409() {
    String anna = desk.login("anna");
    String acme =
        desk.http.get("/clients", anna).json().path("clients").path(0).path("id").asText();
    String body =
        "{\"clientId\": \""
            + acme
            + "\", \"number\": \"N-1001\", \"description\": \"again\", \"amountCents\": 100,"
            + " \"currency\": \"EUR\", \"dueDate\": \"2030-01-01\"}";

    TourClient.Answer answer = desk.http.send("POST", "/invoices", anna, body);

    assertThat(answer.status()).as(answer.text()).isEqualTo(409);
    assertThat(answer.json().path("code").asText()).isEqualTo("conflict.duplicate");
    assertThat(answer.json().path("detail").asText()).isEqualTo("The invoice already exists.");
  }

  @Test
  void oneCorrelationId_inTheResponseTheProblemAndTheAuditTrail_otherFirmSeesNoTrail() {
    String anna = desk.login("anna");
    String acme =
        desk.http.get("/clients", anna).json().path("clients").path(0).path("id").asText();
    String body =
        "{\"clientId\": \""
            + acme
            + "\", \"number\": \"N-CORR-1\", \"description\": \"traced\", \"amountCents\": 100,"
            + " \"currency\": \"EUR\", \"dueDate\": \"2030-01-01\"}";

    TourClient.Answer created =
        desk.http.send("POST", "/invoices", anna, body, "X-Correlation-Id", "desk-corr-0001");
    TourClient.Answer again =
        desk.http.send("POST", "/invoices", anna, body, "X-Correlation-Id", "desk-corr-0002");

    assertThat(created.status()).as(created.text()).isEqualTo(201);
    assertThat(created.header("X-Correlation-Id")).contains("desk-corr-0001");
    assertProblem(again, 409, "conflict.duplicate");
    assertThat(again.json().path("correlationId").asText()).isEqualTo("desk-corr-0002");
    String id = created.json().path("id").asText();
    JsonNode entries =
        desk.http.get("/invoices/" + id + "/audit", desk.login("ben")).json().path("entries");
    assertThat(entries).hasSize(1);
    assertThat(entries.path(0).path("correlationId").asText()).isEqualTo("desk-corr-0001");
    assertThat(entries.path(0).path("actor").asText()).isEqualTo("anna");
    // another firm's partner: the invoice reads as missing, and so does its trail
    assertProblem(
        desk.http.get("/invoices/" + id + "/audit", desk.login("erin")), 404, "not_found");
  }

  @Test
  void applicationRole_isBoundByRowLevelSecurity() throws Exception {
    try (Connection connection = desk.app.database().applicationDataSource().getConnection();
        Statement statement = connection.createStatement()) {
      try (ResultSet role =
          statement.executeQuery(
              "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")) {
        assertThat(role.next()).isTrue();
        assertThat(role.getBoolean(1)).as("superuser").isFalse();
        assertThat(role.getBoolean(2)).as("bypassrls").isFalse();
      }
      try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM invoices")) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getLong(1)).as("no tenant set: no row").isZero();
      }
      statement.execute("SELECT set_config('guardrails.tenant_id', 'south', false)");
      try (ResultSet rows = statement.executeQuery("SELECT DISTINCT tenant_id FROM invoices")) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getString(1)).isEqualTo("south");
        assertThat(rows.next()).isFalse();
      }
      connection.rollback();
    }
  }
}
