package dev.guardrails.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.guardrails.core.InMemoryEventSink;
import dev.guardrails.core.JobRunEvent;
import dev.guardrails.core.JobRunEvent.Outcome;
import dev.guardrails.cost.spi.JobLease;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

final class PostgresJobLockStoreTest {

  static TestPostgres pg;

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = TestPostgres.start();
    PostgresJobLockStore.create(pg.newInstance(1)).createSchema();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    pg.close();
  }

  @BeforeEach
  void cleanTable() throws Exception {
    pg.truncate("gr_job_lock");
  }

  @Test
  void secondInstance_cannotAcquireAHeldLease_untilReleased() {
    PostgresJobLockStore a = PostgresJobLockStore.create(pg.newInstance(1));
    PostgresJobLockStore b = PostgresJobLockStore.create(pg.newInstance(1));

    JobLease first = a.tryAcquire("nightly", "a", Duration.ofMinutes(10)).orElseThrow();
    assertThat(b.tryAcquire("nightly", "b", Duration.ofMinutes(10))).isEmpty();
    assertThat(b.tryAcquire("hourly", "b", Duration.ofMinutes(10))).isPresent();

    assertThat(a.release(first)).isTrue();
    JobLease second = b.tryAcquire("nightly", "b", Duration.ofMinutes(10)).orElseThrow();
    assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
    assertThat(second.holder()).isEqualTo("b");
    assertThat(a.release(first)).isFalse();
  }

  @Test
  void lease_expiresByDatabaseTime_andIsTakenOverWithAGreaterToken() throws Exception {
    DataSource ds = pg.newInstance(1);
    PostgresJobLockStore a = PostgresJobLockStore.create(ds);
    PostgresJobLockStore b = PostgresJobLockStore.create(pg.newInstance(1));
    JobLease dead = a.tryAcquire("nightly", "a", Duration.ofMinutes(10)).orElseThrow();

    // the holder died and its ten minutes passed: move the lease's end into the database's past
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE gr_job_lock SET expires_at = now() - interval '1 second'"
                    + " WHERE job_name = ?")) {
      ps.setString(1, "nightly");
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }

    JobLease next = b.tryAcquire("nightly", "b", Duration.ofMinutes(10)).orElseThrow();
    assertThat(next.fencingToken()).isEqualTo(dead.fencingToken() + 1);
    assertThat(a.renew(dead, Duration.ofMinutes(10))).isEmpty();
    assertThat(a.release(dead)).isFalse();
    assertThat(b.renew(next, Duration.ofMinutes(20)))
        .get()
        .satisfies(l -> assertThat(l.expiresAt()).isAfter(next.expiresAt()));
  }

  @Test
  void leases_onConnectionsWithoutAutoCommit_areCommitted() {
    // like a HikariCP pool built with autoCommit=false: uncommitted work is rolled back on return
    PostgresJobLockStore a =
        PostgresJobLockStore.create(TestPostgres.withoutAutoCommit(pg.newInstance(1)));
    PostgresJobLockStore b =
        PostgresJobLockStore.create(TestPostgres.withoutAutoCommit(pg.newInstance(1)));

    JobLease first = a.tryAcquire("nightly", "a", Duration.ofMinutes(10)).orElseThrow();
    assertThat(b.tryAcquire("nightly", "b", Duration.ofMinutes(10))).isEmpty();
    assertThat(a.renew(first, Duration.ofMinutes(10))).isPresent();
    assertThat(b.tryAcquire("nightly", "b", Duration.ofMinutes(10))).isEmpty();

    assertThat(a.release(first)).isTrue();
    assertThat(b.tryAcquire("nightly", "b", Duration.ofMinutes(10))).isPresent();
  }

  @Test
  void concurrentAcquires_fromManyThreads_grantExactlyOne() throws Exception {
    List<PostgresJobLockStore> stores = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      stores.add(PostgresJobLockStore.create(pg.newInstance(4)));
    }
    AtomicInteger acquired = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      PostgresJobLockStore store = stores.get(t % 2);
      String holder = "h" + t;
      Thread thread =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                Optional<JobLease> lease = store.tryAcquire("race", holder, Duration.ofMinutes(5));
                if (lease.isPresent()) {
                  acquired.incrementAndGet();
                }
              });
      threads.add(thread);
      thread.start();
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(acquired).hasValue(1);
  }

  @Test
  void jobGuards_onTwoInstances_neverOverlap() throws Exception {
    InMemoryEventSink events = new InMemoryEventSink();
    JobGuard a =
        JobGuard.builder(PostgresJobLockStore.create(pg.newInstance(1)))
            .events(events)
            .holder("a")
            .build();
    JobGuard b =
        JobGuard.builder(PostgresJobLockStore.create(pg.newInstance(1)))
            .events(events)
            .holder("b")
            .build();
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    List<Outcome> outcomes = new ArrayList<>();
    Thread first =
        new Thread(
            () ->
                outcomes.add(
                    a.run(
                        "nightly",
                        Duration.ofMinutes(10),
                        lease -> {
                          running.countDown();
                          try {
                            finish.await(10, TimeUnit.SECONDS);
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                        })));
    first.start();
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

    assertThat(b.run("nightly", Duration.ofMinutes(10), lease -> {}))
        .isEqualTo(Outcome.SKIPPED_OVERLAP);
    finish.countDown();
    first.join();

    assertThat(outcomes).containsExactly(Outcome.SUCCEEDED);
    assertThat(b.run("nightly", Duration.ofMinutes(10), lease -> {})).isEqualTo(Outcome.SUCCEEDED);
    assertThat(events.events(JobRunEvent.class))
        .extracting(JobRunEvent::outcome)
        .containsSubsequence(Outcome.STARTED, Outcome.SKIPPED_OVERLAP, Outcome.SUCCEEDED);
  }
}
