package dev.guardrails.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the README's tour against a real server on a free port and a real embedded PostgreSQL, and
 * asserts each step's outcome on its own; then checks the operator page the tour leaves behind.
 */
final class TourEndToEndTest {

  private static RunningDesk desk;
  private static Tour.Result result;
  private static String transcript;

  @BeforeAll
  static void runTour() {
    desk = new RunningDesk();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    result =
        new Tour(
                desk.app.uri(),
                desk.app.llmUri(),
                desk.clock,
                new PrintStream(bytes, true, StandardCharsets.UTF_8))
            .run();
    transcript = bytes.toString(StandardCharsets.UTF_8);
  }

  @AfterAll
  static void stop() {
    if (desk != null) {
      desk.close();
    }
  }

  private static void assertStep(int number, String... inTranscript) {
    Tour.Step step = result.step(number);
    assertThat(step.failures()).as("step %d: %s", number, step.title()).isEmpty();
    assertThat(step.passed()).isTrue();
    assertThat(transcript).contains(inTranscript);
  }

  @Test
  void tour_otherFirmsInvoice_is404LikeAMissingOne() {
    assertStep(1, "(S-2001 belongs to Southbank) -> 404 not_found");
  }

  @Test
  void tour_forgedAndExpiredTokens_are401() {
    assertStep(2, "signature altered -> 401 unauthenticated", "now expired -> 401");
  }

  @Test
  void tour_clerkEditingAColleaguesInvoice_is403() {
    assertStep(3, "-> 403 access_denied");
  }

  @Test
  void tour_doubleSubmittedCreate_makesOneInvoice() {
    assertStep(4, "lists N-1004 1 time(s)", "409 conflict.idempotency_mismatch");
  }

  @Test
  void tour_staleUpdate_is409() {
    assertStep(5, "409 conflict.stale_version", "428 precondition_required");
  }

  @Test
  void tour_malformedBody_is400ListingEveryBadField() {
    assertStep(
        6,
        "amountCents: expected a whole number, got a string",
        "discount: is not a known field",
        "number: is required",
        "amountCents: must be positive",
        "dueDate: expected a date like 2026-12-31");
  }

  @Test
  void tour_repeatedSummaries_hitTheCache() {
    assertStep(7, "(#2) -> 200, cached=true", "received 1 request(s) for 3 summaries");
  }

  @Test
  void tour_perUserBudget_stopsThePaidCallWithAClearMessage() {
    assertStep(8, "429 budget_exceeded", "Budget llm-per-user-daily", "the refused call none");
  }

  @Test
  void tour_upstreamOutage_opensTheBreakerWithoutARetryStorm() {
    assertStep(9, "(#6) -> 503 upstream_unavailable, upstream attempts: 0");
  }

  @Test
  void tour_auditTrail_showsWhoDidWhat() {
    assertStep(10, "INSERT by anna", "UPDATE by ben: amount_cents 65000 -> 68000");
  }

  @Test
  void tour_spendReport_showsCostPerUserAndDay() {
    assertStep(11, "per user: {\"anna\"", "per day:  {\"20");
  }

  @Test
  void tour_operatorPage_rendersForAnAdmin() {
    assertStep(12, "GET /ops?ticket=... -> 200 text/html");
  }

  @Test
  void tour_asAWhole_passes() {
    assertThat(result.passed()).isTrue();
    assertThat(result.steps()).hasSize(Tour.TITLES.size());
    assertThat(transcript).contains("Tour passed: 12 of 12 steps");
  }

  @Test
  void budgets_afterTheTour_areSharedInPostgres() throws Exception {
    try (Connection c = desk.app.database().applicationDataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT spent_micros, reserved_micros FROM gr_budget_usage"
                    + " WHERE budget_name = ? AND scope_key = ?")) {
      ps.setString(1, Summaries.USER_BUDGET);
      ps.setString(2, "actor:north/anna");
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).as("anna's two summaries, in micro-dollars").isEqualTo(6_410);
        assertThat(rs.getLong(2)).as("nothing left reserved").isZero();
      }
      c.rollback();
    }
  }

  @Test
  void opsPage_afterTheTour_showsChartsSpendAlertsAndAudit() {
    TourClient.Answer page = desk.http.get("/ops", desk.login("carla"));

    assertThat(page.status()).isEqualTo(200);
    assertThat(page.contentType()).startsWith("text/html");
    assertThat(page.header("Content-Security-Policy"))
        .hasValueSatisfying(v -> assertThat(v).contains("default-src 'none'"));
    assertThat(page.text())
        .contains("<svg id=\"spend-per-user\"", "<svg id=\"spend-per-day\"")
        .contains("class=\"spend-row\"><td>", "<td>anna</td>", "<td>ben</td>")
        .contains("class=\"alert-row\"", "upstream_unavailable")
        .contains("class=\"audit-row\"", "seed")
        .contains("Northwind Accounting")
        .doesNotContain("Southbank", "dmitri");
  }

  @Test
  void opsPage_withoutAdminRights_isRefused() {
    assertThat(desk.http.get("/ops", desk.login("ben")).status()).isEqualTo(403);
    assertThat(desk.http.get("/ops", null).status()).isEqualTo(401);
    String apiToken = desk.login("carla");
    assertThat(desk.http.get("/ops?ticket=" + apiToken, null).status())
        .as("an API token is not a ticket")
        .isEqualTo(401);
  }

  @Test
  void opsTicket_afterFiveMinutes_isRefusedAndIsNoApiToken() {
    TourClient.Answer link = desk.http.send("POST", "/ops/link", desk.login("carla"), null);
    String url = link.json().path("url").asText();
    String ticket = url.substring("/ops?ticket=".length());

    assertThat(desk.http.get("/invoices", ticket).status())
        .as("a ticket is not an API token")
        .isEqualTo(401);
    assertThat(desk.http.get(url, null).status()).isEqualTo(200);
    desk.clock.advance(Duration.ofMinutes(7));
    assertThat(desk.http.get(url, null).status()).isEqualTo(401);
  }
}
