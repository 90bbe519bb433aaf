package dev.guardrails.samples;

import dev.guardrails.auth.Guard;
import dev.guardrails.core.Actor;
import dev.guardrails.core.JobRunEvent;
import dev.guardrails.errors.jobs.JobStatus;
import dev.guardrails.errors.jobs.JobSupervisor;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The jobs endpoints, for admins: {@code GET /jobs} checks staleness now and lists every supervised
 * job; {@code POST /jobs/overdue-reminder/run} runs the reminder at once under the same no-overlap
 * lock as the schedule.
 */
final class JobsApi {

  /**
   * A job as the API shows it.
   *
   * @param name its name
   * @param state where it is
   * @param runs runs started
   * @param consecutiveFailures failed runs since the last success
   * @param lastSuccess the end of the last successful run, or null
   * @param nextRunAt when the next run is due, or null
   * @param stale whether it has not succeeded within its expected interval
   */
  record JobView(
      String name,
      String state,
      long runs,
      int consecutiveFailures,
      @Nullable String lastSuccess,
      @Nullable String nextRunAt,
      boolean stale) {
    static JobView of(JobStatus s) {
      return new JobView(
          s.name(),
          s.state().name(),
          s.runs(),
          s.consecutiveFailures(),
          s.lastSuccess() == null ? null : String.valueOf(s.lastSuccess()),
          s.nextRunAt() == null ? null : String.valueOf(s.nextRunAt()),
          s.stale());
    }
  }

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
    List<JobView> jobs = supervisor.statuses().stream().map(JobView::of).toList();
    request.json(200, Map.of("stale", stale, "jobs", jobs));
  }

  private void run(Request request, Actor actor) {
    guard.check(actor, Policy.JOBS_RUN);
    JobRunEvent.Outcome outcome = reminders.runNow();
    request.json(
        outcome == JobRunEvent.Outcome.FAILED ? 500 : 200,
        Map.of("job", OverdueReminders.JOB, "outcome", outcome.name()));
  }
}
