package dev.guardrails.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.guardrails.core.FailureEvent;
import dev.guardrails.core.InMemoryEventSink;
import dev.guardrails.core.JobRunEvent;
import dev.guardrails.core.JobRunEvent.Outcome;
import dev.guardrails.cost.spi.JobLease;
import dev.guardrails.cost.spi.JobLockStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

final class JobGuardTest {

  final MutableClock clock = MutableClock.at("2026-11-22T02:00:00Z");
  final InMemoryEventSink events = new InMemoryEventSink();
  final InMemoryJobLockStore store = InMemoryJobLockStore.create(clock);

  JobGuard guard(String holder) {
    return JobGuard.builder(store).clock(clock).events(events).holder(holder).build();
  }

  @Test
  void run_whileAnotherRunHoldsTheLease_isSkippedAndReported() {
    JobGuard first = guard("a");
    JobGuard second = guard("b");
    List<Outcome> inner = new ArrayList<>();

    Outcome outer =
        first.run(
            "nightly",
            Duration.ofMinutes(30),
            lease -> inner.add(second.run("nightly", Duration.ofMinutes(30), l -> {})));

    assertThat(outer).isEqualTo(Outcome.SUCCEEDED);
    assertThat(inner).containsExactly(Outcome.SKIPPED_OVERLAP);
    assertThat(events.events(JobRunEvent.class))
        .extracting(JobRunEvent::outcome)
        .containsExactly(Outcome.STARTED, Outcome.SKIPPED_OVERLAP, Outcome.SUCCEEDED);
  }

  @Test
  void run_afterTheFirstEnded_runsWithAGreaterFencingToken() {
    JobGuard jobs = guard("a");
    List<Long> tokens = new ArrayList<>();
    jobs.run("nightly", Duration.ofMinutes(30), lease -> tokens.add(lease.fencingToken()));
    jobs.run("nightly", Duration.ofMinutes(30), lease -> tokens.add(lease.fencingToken()));
    assertThat(tokens).hasSize(2);
    assertThat(tokens.get(1)).isGreaterThan(tokens.get(0));
  }

  @Test
  void lease_ofDeadHolder_expiresAndTheNextRunTakesOver() {
    Optional<JobLease> dead = store.tryAcquire("nightly", "crashed", Duration.ofMinutes(10));
    assertThat(dead).isPresent();
    assertThat(guard("b").run("nightly", Duration.ofMinutes(10), l -> {}))
        .isEqualTo(Outcome.SKIPPED_OVERLAP);

    clock.advance(Duration.ofMinutes(10));
    List<JobLease> leases = new ArrayList<>();
    assertThat(guard("b").run("nightly", Duration.ofMinutes(10), leases::add))
        .isEqualTo(Outcome.SUCCEEDED);
    assertThat(leases.get(0).fencingToken()).isGreaterThan(dead.get().fencingToken());
    assertThat(store.release(dead.get())).isFalse();
    assertThat(store.renew(dead.get(), Duration.ofMinutes(1))).isEmpty();
  }

  @Test
  void renew_extendsAHeldLease() {
    JobLease lease = store.tryAcquire("nightly", "a", Duration.ofMinutes(1)).orElseThrow();
    clock.advance(Duration.ofSeconds(50));
    JobLease renewed = store.renew(lease, Duration.ofMinutes(1)).orElseThrow();
    assertThat(renewed.fencingToken()).isEqualTo(lease.fencingToken());
    clock.advance(Duration.ofSeconds(50));
    assertThat(store.tryAcquire("nightly", "b", Duration.ofMinutes(1))).isEmpty();
  }

  @Test
  void run_bodyFails_reportsFailedAndReleasesTheLease() {
    JobGuard jobs = guard("a");
    Outcome outcome =
        jobs.run(
            "nightly",
            Duration.ofMinutes(30),
            lease -> {
              throw new IllegalStateException("boom");
            });
    assertThat(outcome).isEqualTo(Outcome.FAILED);
    assertThat(events.events(FailureEvent.class))
        .extracting(FailureEvent::errorCode)
        .containsExactly("job_failed");
    assertThat(jobs.run("nightly", Duration.ofMinutes(30), l -> {})).isEqualTo(Outcome.SUCCEEDED);
  }

  @Test
  void run_outlivingItsLease_isReported() {
    JobGuard jobs = guard("a");
    jobs.run("nightly", Duration.ofMinutes(1), lease -> clock.advance(Duration.ofMinutes(2)));
    assertThat(events.events(FailureEvent.class))
        .extracting(FailureEvent::errorCode)
        .containsExactly("job_lease_lost");
  }

  @Test
  void run_lockStoreDown_failsClosedWithoutRunning() {
    JobLockStore down =
        new JobLockStore() {
          @Override
          public Optional<JobLease> tryAcquire(String jobName, String holder, Duration leaseTime) {
            throw new IllegalStateException("connection refused");
          }

          @Override
          public Optional<JobLease> renew(JobLease lease, Duration leaseTime) {
            throw new IllegalStateException("connection refused");
          }

          @Override
          public boolean release(JobLease lease) {
            throw new IllegalStateException("connection refused");
          }
        };
    List<JobLease> ran = new ArrayList<>();
    Outcome outcome =
        JobGuard.builder(down)
            .events(events)
            .build()
            .run("nightly", Duration.ofMinutes(1), ran::add);
    assertThat(outcome).isEqualTo(Outcome.FAILED);
    assertThat(ran).isEmpty();
    assertThat(events.events(FailureEvent.class))
        .extracting(FailureEvent::errorCode)
        .containsExactly("job_lock_unavailable");
  }

  @Test
  void misuse_isRejected() {
    JobGuard jobs = guard("a");
    assertThatThrownBy(() -> jobs.run("nightly", Duration.ZERO, l -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lease time must be at least one millisecond, but was PT0S");
    assertThatThrownBy(() -> jobs.run(" ", Duration.ofMinutes(1), l -> {}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JobGuard.builder(store).holder(""))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
