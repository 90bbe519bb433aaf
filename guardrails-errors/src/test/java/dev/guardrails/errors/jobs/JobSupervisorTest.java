package dev.guardrails.errors.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.guardrails.core.ActorKind;
import dev.guardrails.core.GuardContext;
import dev.guardrails.core.InMemoryEventSink;
import dev.guardrails.core.JobRunEvent;
import dev.guardrails.errors.LogCapture;
import dev.guardrails.errors.MutableClock;
import dev.guardrails.errors.alerts.Alert;
import dev.guardrails.errors.alerts.AlertPipeline;
import dev.guardrails.errors.alerts.AlertSinks;
import dev.guardrails.errors.alerts.InMemoryAlertSink;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

final class JobSupervisorTest {

  private final MutableClock clock = MutableClock.atEpoch();
  private final Instant t0 = clock.instant();
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final InMemoryAlertSink alertSink = AlertSinks.inMemory();
  private final AlertPipeline alerts = AlertPipeline.builder().clock(clock).sink(alertSink).build();
  private final InMemoryEventSink events = new InMemoryEventSink();

  private JobSupervisor supervisor() {
    return JobSupervisor.builder()
        .clock(clock)
        .random(new Random(3))
        .scheduler(scheduler)
        .alerts(alerts)
        .events(events)
        .staleCheckInterval(Duration.ofSeconds(5))
        .build();
  }

  @Test
  void schedule_crashingJob_restartedWithDoublingBackoffUntilItSucceeds() {
    List<Instant> starts = new ArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    JobSupervisor jobs = supervisor();
    SupervisedJob job =
        jobs.schedule(
            JobDefinition.builder(
                    "sync",
                    ctx -> {
                      starts.add(clock.instant());
                      if (calls.incrementAndGet() <= 3) {
                        throw new IllegalStateException("crash " + calls.get());
                      }
                    })
                .every(Duration.ofMinutes(1))
                .backoff(Duration.ofSeconds(1), Duration.ofSeconds(30))
                .build());

    scheduler.runDue();
    scheduler.advance(Duration.ofSeconds(10), Duration.ofSeconds(1));

    assertThat(starts).containsExactly(t0, t0.plusSeconds(1), t0.plusSeconds(3), t0.plusSeconds(7));
    JobStatus status = job.status();
    assertThat(status.state()).isEqualTo(JobState.SCHEDULED);
    assertThat(status.runs()).isEqualTo(4);
    assertThat(status.consecutiveFailures()).isZero();
    assertThat(status.lastSuccess()).isEqualTo(t0.plusSeconds(7));
    assertThat(status.lastFailure()).isEqualTo(t0.plusSeconds(3));
    assertThat(status.nextRunAt()).isEqualTo(t0.plusSeconds(67));
    assertThat(status.stale()).isFalse();
  }

  @Test
  void schedule_failingRun_loggedOnceAlertedAsJobAndReported() {
    JobSupervisor jobs = supervisor();
    SupervisedJob job;
    try (LogCapture log = LogCapture.of(JobSupervisor.class)) {
      job =
          jobs.schedule(
              JobDefinition.builder(
                      "billing",
                      ctx -> {
                        throw new IllegalStateException("billing broke");
                      })
                  .every(Duration.ofMinutes(1))
                  .build());
      scheduler.runDue();
      assertThat(log.events()).hasSize(1);
      assertThat(log.events().get(0).getMDCPropertyMap()).containsEntry("actor_id", "billing");
    }
    assertThat(job.status().state()).isEqualTo(JobState.BACKING_OFF);
    assertThat(job.status().consecutiveFailures()).isEqualTo(1);
    Alert alert = alertSink.alerts().get(0);
    assertThat(alert.source()).isEqualTo("job:billing");
    assertThat(alert.incidentId()).isEqualTo(job.status().lastIncidentId());
    assertThat(events.events(JobRunEvent.class))
        .extracting(JobRunEvent::outcome)
        .containsExactly(JobRunEvent.Outcome.STARTED, JobRunEvent.Outcome.FAILED);
  }

  @Test
  void schedule_runHasJobContextBoundWithMdcAndHeartbeat() {
    List<String> seen = new ArrayList<>();
    JobSupervisor jobs = supervisor();
    SupervisedJob job =
        jobs.schedule(
            JobDefinition.builder(
                    "reports",
                    ctx -> {
                      GuardContext context = GuardContext.current();
                      seen.add(
                          context.actor().kind()
                              + "/"
                              + context.actor().id()
                              + "/"
                              + ctx.runNumber());
                      seen.add(String.valueOf(MDC.get("correlation_id") != null));
                      clock.advance(Duration.ofSeconds(2));
                      ctx.heartbeat();
                    })
                .every(Duration.ofMinutes(1))
                .tenant("t-9")
                .build());
    scheduler.runDue();
    assertThat(seen).containsExactly(ActorKind.JOB + "/reports/1", "true");
    assertThat(job.status().lastHeartbeat()).isEqualTo(t0.plusSeconds(2));
    assertThat(events.events(JobRunEvent.class))
        .extracting(JobRunEvent::outcome)
        .containsExactly(JobRunEvent.Outcome.STARTED, JobRunEvent.Outcome.SUCCEEDED);
  }

  @Test
  void checkStaleness_jobWithoutSuccess_alertsStaleAndEmitsEvent() {
    JobSupervisor jobs = supervisor();
    SupervisedJob job =
        jobs.schedule(
            JobDefinition.builder(
                    "import",
                    ctx -> {
                      throw new IllegalStateException("always");
                    })
                .every(Duration.ofSeconds(5))
                .expectSuccessWithin(Duration.ofSeconds(12))
                .build());
    scheduler.runDue();
    scheduler.advance(Duration.ofSeconds(20), Duration.ofSeconds(1));

    assertThat(job.status().stale()).isTrue();
    assertThat(alertSink.alerts())
        .extracting(Alert::title)
        .contains("job 'import' has not succeeded within PT12S");
    assertThat(events.events(JobRunEvent.class))
        .anySatisfy(e -> assertThat(e.outcome()).isEqualTo(JobRunEvent.Outcome.STALE));
  }

  @Test
  void checkStaleness_staleForLong_alertsOncePerEpisodeAndAgainAfterRecovery() {
    AtomicBoolean failing = new AtomicBoolean(true);
    InMemoryAlertSink sink = AlertSinks.inMemory();
    // a short window and high limits: only the supervisor may hold back a repeated stale alert
    AlertPipeline pipeline =
        AlertPipeline.builder()
            .clock(clock)
            .dedupWindow(Duration.ofSeconds(1))
            .perFingerprintLimit(1_000, Duration.ofHours(1))
            .globalLimit(1_000, Duration.ofMinutes(1))
            .sink(sink)
            .build();
    JobSupervisor jobs =
        JobSupervisor.builder()
            .clock(clock)
            .random(new Random(3))
            .scheduler(scheduler)
            .alerts(pipeline)
            .events(events)
            .staleCheckInterval(Duration.ofSeconds(5))
            .build();
    SupervisedJob job =
        jobs.schedule(
            JobDefinition.builder(
                    "import",
                    ctx -> {
                      if (failing.get()) {
                        throw new IllegalStateException("down");
                      }
                    })
                .every(Duration.ofSeconds(5))
                .expectSuccessWithin(Duration.ofSeconds(12))
                .backoff(Duration.ofSeconds(1), Duration.ofSeconds(5))
                .build());
    scheduler.runDue();
    scheduler.advance(Duration.ofMinutes(10), Duration.ofSeconds(1));

    assertThat(job.status().stale()).isTrue();
    assertThat(jobs.checkStaleness()).isEqualTo(1);
    assertThat(staleAlerts(sink)).isEqualTo(1);
    assertThat(staleEvents()).isEqualTo(1);

    failing.set(false);
    scheduler.advance(Duration.ofSeconds(10), Duration.ofSeconds(1));
    assertThat(job.status().stale()).isFalse();
    assertThat(staleAlerts(sink)).isEqualTo(1);

    failing.set(true);
    scheduler.advance(Duration.ofMinutes(10), Duration.ofSeconds(1));
    assertThat(job.status().stale()).isTrue();
    assertThat(staleAlerts(sink)).isEqualTo(2);
    assertThat(staleEvents()).isEqualTo(2);
  }

  private static long staleAlerts(InMemoryAlertSink sink) {
    return sink.alerts().stream().filter(a -> a.title().contains("has not succeeded")).count();
  }

  private long staleEvents() {
    return events.events(JobRunEvent.class).stream()
        .filter(e -> e.outcome() == JobRunEvent.Outcome.STALE)
        .count();
  }

  @Test
  void schedule_failureThatBreaksFingerprinting_jobStillRetried() {
    AtomicInteger calls = new AtomicInteger();
    JobSupervisor jobs = supervisor();
    SupervisedJob job =
        jobs.schedule(
            JobDefinition.builder(
                    "hostile",
                    ctx -> {
                      if (calls.incrementAndGet() == 1) {
                        throw new IllegalStateException("x") {
                          private static final long serialVersionUID = 1L;

                          @Override
                          public StackTraceElement[] getStackTrace() {
                            throw new UnsupportedOperationException("no stack");
                          }
                        };
                      }
                    })
                .every(Duration.ofMinutes(1))
                .backoff(Duration.ofSeconds(1), Duration.ofSeconds(1))
                .build());

    scheduler.runDue();
    assertThat(job.status().state()).isEqualTo(JobState.BACKING_OFF);
    assertThat(job.status().lastSuccess()).isNull();
    scheduler.advance(Duration.ofSeconds(1), Duration.ofSeconds(1));

    assertThat(calls).hasValue(2);
    assertThat(job.status().lastSuccess()).isNotNull();
    assertThat(job.status().consecutiveFailures()).isZero();
  }

  @Test
  void checkStaleness_healthyJob_notStale() {
    JobSupervisor jobs = supervisor();
    SupervisedJob job =
        jobs.schedule(JobDefinition.builder("ok", ctx -> {}).every(Duration.ofSeconds(5)).build());
    scheduler.runDue();
    scheduler.advance(Duration.ofMinutes(2), Duration.ofSeconds(1));
    assertThat(job.status().stale()).isFalse();
    assertThat(jobs.checkStaleness()).isZero();
    assertThat(alertSink.alerts()).isEmpty();
  }

  @Test
  void schedule_fatalError_stillRescheduledAndAlerted() {
    AtomicInteger calls = new AtomicInteger();
    JobSupervisor jobs = supervisor();
    SupervisedJob job =
        jobs.schedule(
            JobDefinition.builder(
                    "deep",
                    ctx -> {
                      if (calls.incrementAndGet() == 1) {
                        throw new OutOfMemoryError("Java heap space");
                      }
                    })
                .every(Duration.ofMinutes(1))
                .backoff(Duration.ofSeconds(1), Duration.ofSeconds(1))
                .build());
    scheduler.runDue();
    assertThat(job.status().state()).isEqualTo(JobState.BACKING_OFF);
    assertThat(alertSink.alerts())
        .extracting(Alert::title)
        .containsExactly("job 'deep' failed fatally in run 1");
    scheduler.advance(Duration.ofSeconds(1), Duration.ofSeconds(1));
    assertThat(calls).hasValue(2);
    assertThat(job.status().consecutiveFailures()).isZero();
  }

  @Test
  void cancel_stopsFurtherRuns() {
    AtomicInteger calls = new AtomicInteger();
    JobSupervisor jobs = supervisor();
    SupervisedJob job =
        jobs.schedule(
            JobDefinition.builder("c", ctx -> calls.incrementAndGet())
                .every(Duration.ofSeconds(1))
                .build());
    scheduler.runDue();
    job.cancel();
    scheduler.advance(Duration.ofSeconds(5), Duration.ofSeconds(1));
    assertThat(calls).hasValue(1);
    assertThat(job.status().state()).isEqualTo(JobState.STOPPED);
    assertThat(jobs.statuses()).isEmpty();
  }

  @Test
  void schedule_duplicateNameOrAfterClose_rejected() {
    JobSupervisor jobs = supervisor();
    JobDefinition definition =
        JobDefinition.builder("x", ctx -> {}).every(Duration.ofSeconds(1)).build();
    jobs.schedule(definition);
    assertThatThrownBy(() -> jobs.schedule(definition))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("job 'x' is already supervised");
    assertThat(jobs.shutdown(Duration.ZERO)).isTrue();
    assertThatThrownBy(
            () ->
                jobs.schedule(
                    JobDefinition.builder("y", ctx -> {}).every(Duration.ofSeconds(1)).build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThat(scheduler.pending()).isZero();
  }

  @Test
  void bareScheduledExecutor_dropsRepeatingTaskAfterOneException_supervisorDoesNot()
      throws Exception {
    ScheduledExecutorService bare = Executors.newSingleThreadScheduledExecutor();
    AtomicInteger bareRuns = new AtomicInteger();
    ScheduledFuture<?> future =
        bare.scheduleAtFixedRate(
            () -> {
              bareRuns.incrementAndGet();
              throw new IllegalStateException("once");
            },
            0,
            1,
            TimeUnit.MILLISECONDS);
    assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class);
    assertThat(bareRuns).hasValue(1);
    bare.shutdownNow();

    CountDownLatch threeFailures = new CountDownLatch(3);
    try (JobSupervisor jobs =
        JobSupervisor.builder().alerts(alerts).shutdownTimeout(Duration.ofSeconds(5)).build()) {
      jobs.schedule(
          JobDefinition.builder(
                  "flaky",
                  ctx -> {
                    threeFailures.countDown();
                    throw new IllegalStateException("again");
                  })
              .every(Duration.ofMillis(1))
              .backoff(Duration.ofMillis(1), Duration.ofMillis(1))
              .build());
      assertThat(threeFailures.await(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void shutdown_runStillGoing_returnsFalseWithinTimeout() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    JobSupervisor jobs = JobSupervisor.builder().build();
    jobs.schedule(
        JobDefinition.builder(
                "slow",
                ctx -> {
                  running.countDown();
                  release.await();
                })
            .every(Duration.ofMinutes(1))
            .build());
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    long start = System.nanoTime();
    boolean idle = jobs.shutdown(Duration.ofMillis(200));
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    release.countDown();
    assertThat(idle).isFalse();
    assertThat(tookMillis).isLessThan(5_000);
  }

  @Test
  void shutdown_idleSupervisor_returnsTrue() {
    JobSupervisor jobs = JobSupervisor.builder().build();
    jobs.schedule(
        JobDefinition.builder("idle", ctx -> {})
            .every(Duration.ofHours(1))
            .initialDelay(Duration.ofHours(1))
            .build());
    assertThat(jobs.shutdown(Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void definition_backoffDoublesUpToMax_andBuilderRejectsMisuse() {
    JobDefinition d =
        JobDefinition.builder("b", ctx -> {})
            .every(Duration.ofMinutes(1))
            .backoff(Duration.ofSeconds(1), Duration.ofSeconds(5))
            .build();
    assertThat(List.of(d.backoff(1), d.backoff(2), d.backoff(3), d.backoff(4), d.backoff(40)))
        .containsExactly(
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(5),
            Duration.ofSeconds(5));
    assertThat(d.expectSuccessWithin()).isEqualTo(Duration.ofMinutes(3));
    assertThatThrownBy(() -> JobDefinition.builder("b", ctx -> {}).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("every(Duration)");
    assertThatThrownBy(
            () ->
                JobDefinition.builder("b", ctx -> {})
                    .backoff(Duration.ofSeconds(5), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JobSupervisor.builder().scheduler(scheduler).threads(2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot be combined");
  }
}
