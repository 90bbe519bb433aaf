package dev.guardrails.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.guardrails.cost.PostgresJobLockStore;
import dev.guardrails.cost.spi.JobLease;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The nightly reminder: audited as the job, never overlapping, and alerted when stale. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
final class JobsTest {

  private static RunningDesk desk;

  @BeforeAll
  static void start() {
    desk = new RunningDesk();
  }

  @AfterAll
  static void stop() {
    if (desk != null) {
      desk.close();
    }
  }

  @Test
  @Order(1)
  void run_overdueInvoice_getsAReminderAuditedAsTheJob() {
    TourClient.Answer run =
        desk.http.send("POST", "/jobs/overdue-reminder/run", desk.login("carla"), null);

    assertThat(run.status()).as(run.text()).isEqualTo(200);
    assertThat(run.json().path("outcome").asText()).isEqualTo("SUCCEEDED");
    String overdue = desk.invoiceId("ben", "N-1002");
    JsonNode trail =
        desk.http.get("/invoices/" + overdue + "/audit", desk.login("ben")).json().path("entries");
    JsonNode last = trail.path(trail.size() - 1);
    assertThat(last.path("actor").asText()).isEqualTo(OverdueReminders.JOB);
    assertThat(last.path("actorKind").asText()).isEqualTo("JOB");
    assertThat(last.path("after").path("reminders").asText()).isEqualTo("1");
    String notDue = desk.invoiceId("anna", "N-1001");
    assertThat(
            desk.http
                .get("/invoices/" + notDue, desk.login("anna"))
                .json()
                .path("reminders")
                .asInt())
        .isZero();
  }

  @Test
  @Order(2)
  void run_whileAnotherInstanceHoldsTheLease_isSkipped() {
    PostgresJobLockStore store =
        PostgresJobLockStore.create(desk.app.database().applicationDataSource());
    Optional<JobLease> other =
        store.tryAcquire(OverdueReminders.JOB, "other-instance", Duration.ofMinutes(5));
    assertThat(other).isPresent();
    try {
      TourClient.Answer run =
          desk.http.send("POST", "/jobs/overdue-reminder/run", desk.login("carla"), null);

      assertThat(run.json().path("outcome").asText()).isEqualTo("SKIPPED_OVERLAP");
    } finally {
      store.release(other.get());
    }
  }

  @Test
  @Order(3)
  void jobs_withoutASuccessFor26Hours_isStaleAndAlerted() {
    desk.clock.advance(Duration.ofHours(27));

    TourClient.Answer jobs = desk.http.get("/jobs", desk.login("carla"));

    assertThat(jobs.status()).isEqualTo(200);
    assertThat(jobs.json().path("stale").asInt()).isPositive();
    assertThat(jobs.json().path("jobs"))
        .filteredOn(job -> job.path("name").asText().equals(OverdueReminders.JOB))
        .singleElement()
        .satisfies(job -> assertThat(job.path("stale").asBoolean()).isTrue());
    assertThat(desk.app.alerts().alerts())
        .anySatisfy(alert -> assertThat(alert.source()).isEqualTo("job:" + OverdueReminders.JOB));
  }
}
