package dev.guardrails.samples;

import dev.guardrails.auth.Guard;
import dev.guardrails.core.Actor;
import dev.guardrails.core.JobRunEvent;
import dev.guardrails.errors.jobs.JobSupervisor;
import java.util.Map;

/**
 * The jobs endpoints, for admins: {@code GET /jobs} checks staleness now and lists every supervised
 * job; {@code POST /jobs/overdue-reminder/run} runs the reminder at once under the same no-overlap
 * lock as the schedule.
 */
final class JobsApi {

  private final Sessions sessions;
  private final Guard guard;
  private final JobSupervisor supervisor;
  private final OverdueReminders reminders;

  JobsApi(Sessions sessions, Guard guard, JobSupervisor supervisor, OverdueReminders reminders) {
    this.sessions = sessions;
    this.guard = guard;
    this.supervisor = supervisor;
    this.reminders = reminders;
  }

  void register(Routes routes) {
    routes
        .add("GET", "/jobs", sessions.authenticated(this::list))
        .add("POST", "/jobs/" + OverdueReminders.JOB + "/run", sessions.authenticated(this::run));
  }

  private void list(Request request, Actor actor) {
    guard.check(actor, Policy.JOBS_RUN);
    int stale = supervisor.checkStaleness();
    request.json(200, Map.of("stale", stale, "jobs", supervisor.statuses()));
  }

  private void run(Request request, Actor actor) {
    guard.check(actor, Policy.JOBS_RUN);
    JobRunEvent.Outcome outcome = reminders.runNow();
    request.json(
        outcome == JobRunEvent.Outcome.FAILED ? 500 : 200,
        Map.of("job", OverdueReminders.JOB, "outcome", outcome.name()));
  }
}
