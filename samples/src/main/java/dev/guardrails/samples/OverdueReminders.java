package dev.guardrails.samples;

import dev.guardrails.core.Actor;
import dev.guardrails.core.GuardContext;
import dev.guardrails.core.JobRunEvent;
import dev.guardrails.cost.JobGuard;
import dev.guardrails.data.AuditedRepository;
import dev.guardrails.data.PageRequest;
import dev.guardrails.errors.jobs.JobDefinition;
import dev.guardrails.errors.jobs.JobTask;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nightly overdue-invoice reminder: for every firm, each open invoice past its due date gets a
 * reminder (here: a log line) and its reminder count goes up through the audited repository, so the
 * audit trail shows the job as the actor.
 *
 * <p>Two guardrails hold it: a {@link JobGuard} lease in PostgreSQL, so two runs (two instances, or
 * the schedule and a manual run) never overlap; and the {@link
 * dev.guardrails.errors.jobs.JobSupervisor}, which runs it in an error boundary, retries a failed
 * run with backoff and raises a staleness alert when it has not succeeded for 26 hours.
 *
 * <p>Thread-safe.
 */
final class OverdueReminders {

  /** The job's name, in the lock table, events and alerts. */
  static final String JOB = "overdue-reminder";

  private static final Logger LOG = LoggerFactory.getLogger(OverdueReminders.class);

  private final AuditedRepository<Invoice> invoices;
  private final JobGuard jobs;
  private final Clock clock;

  OverdueReminders(AuditedRepository<Invoice> invoices, JobGuard jobs, Clock clock) {
    this.invoices = invoices;
    this.jobs = jobs;
    this.clock = clock;
  }

  /** {@return the supervised job: nightly at 02:00 UTC, stale after 26 hours without success} */
  JobDefinition definition() {
    ZonedDateTime now = ZonedDateTime.now(clock.withZone(ZoneOffset.UTC));
    ZonedDateTime next = now.toLocalDate().atTime(2, 0).atZone(ZoneOffset.UTC);
    if (!next.isAfter(now)) {
      next = next.plusDays(1);
    }
    JobTask task =
        context -> {
          JobRunEvent.Outcome outcome = runNow();
          if (outcome == JobRunEvent.Outcome.FAILED) {
            throw new IllegalStateException("the overdue reminder run failed; see the job events");
          }
        };
    return JobDefinition.builder(JOB, task)
        .initialDelay(Duration.between(now, next))
        .every(Duration.ofHours(24))
        .expectSuccessWithin(Duration.ofHours(26))
        .build();
  }

  /**
   * Runs the reminder now, unless another run holds the lease.
   *
   * @return {@code SUCCEEDED}, {@code SKIPPED_OVERLAP} or {@code FAILED}
   */
  JobRunEvent.Outcome runNow() {
    return jobs.run(JOB, Duration.ofMinutes(10), lease -> remindAll());
  }

  private void remindAll() {
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    for (DemoUsers.Firm firm : DemoUsers.FIRMS) {
      Actor job = Actor.job(JOB, firm.id());
      try (GuardContext.Scope scope = GuardContext.start(job, clock).open()) {
        List<Invoice> overdue =
            invoices.list(PageRequest.first(PageRequest.MAX_LIMIT)).items().stream()
                .filter(i -> i.overdueOn(today))
                .toList();
        for (Invoice i : overdue) {
          invoices.update(
              new Invoice(
                  i.id(),
                  i.tenantId(),
                  i.ownerId(),
                  i.clientId(),
                  i.number(),
                  i.description(),
                  i.amountCents(),
                  i.currency(),
                  i.dueDate(),
                  i.status(),
                  i.reminders() + 1,
                  i.version()));
          LOG.info(
              "reminder {} sent for overdue invoice {} of firm {} (due {})",
              i.reminders() + 1,
              i.number(),
              firm.id(),
              i.dueDate());
        }
      }
    }
  }
}
