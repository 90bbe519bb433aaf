package dev.guardrails.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.guardrails.core.Actor;
import dev.guardrails.core.BudgetExceeded;
import dev.guardrails.core.Money;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two application instances in two JVMs sharing one PostgreSQL budget. */
final class PostgresTwoJvmTest {

  static final long LIMIT = 2_000_000;
  static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

  static TestPostgres pg;

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = TestPostgres.start();
    PostgresBudgetStore.create(pg.newInstance(1)).createSchema();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    pg.close();
  }

  @BeforeEach
  void cleanTables() throws Exception {
    pg.truncate("gr_budget_usage", "gr_budget_reservation");
  }

  static Process startWorker(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(BudgetWorkerMain.class.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectError(new File(System.getProperty("java.io.tmpdir"), "budget-worker.err"))
        .start();
  }

  @Test
  void secondJvmKilledMidCall_itsReservationExpiresAndTheBudgetRecovers() throws Exception {
    Process worker = startWorker("reserve-and-hang", pg.url(), NOW.toString());
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(out.readLine()).isEqualTo("RESERVED");
      worker.destroyForcibly();
      assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    MutableClock clock = new MutableClock(NOW);
    BudgetGuard here = BudgetWorkerMain.guard(pg.url(), NOW);
    Actor actor = Actor.person("alice", "acme");
    assertThatThrownBy(
            () ->
                here.reserve("here-1", actor, "chat", Money.ofMicros(LIMIT, BudgetWorkerMain.USD)))
        .isInstanceOf(BudgetExceeded.class);

    clock.advance(Duration.ofMinutes(3));
    BudgetGuard later = BudgetWorkerMain.guard(pg.url(), clock.instant());
    assertThat(later.expireReservations()).isEqualTo(1);
    assertThat(later.reserve("here-2", actor, "chat", Money.ofMicros(LIMIT, BudgetWorkerMain.USD)))
        .isTrue();
  }

  @Test
  void twoJvmsHammeringOneBudget_neverOverspend() throws Exception {
    Process worker = startWorker("hammer", pg.url(), NOW.toString(), "8", "80");
    DataSource ds = pg.newInstance(8);
    BudgetGuard here =
        BudgetGuard.builder(PostgresBudgetStore.create(ds))
            .clock(new MutableClock(NOW))
            .budget(
                Budget.builder("global")
                    .limit(Money.ofMicros(LIMIT, BudgetWorkerMain.USD))
                    .period(BudgetPeriod.day(ZoneOffset.UTC))
                    .build())
            .build();
    AtomicLong settledHere = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      int index = t;
      Thread thread =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                SplittableRandom random = new SplittableRandom(index);
                for (int i = 0; i < 80; i++) {
                  String id = "jvm1-" + index + "-" + i;
                  long estimate = 1 + random.nextLong(40_000);
                  try {
                    here.reserve(
                        id,
                        Actor.person("u" + index, "acme"),
                        "chat",
                        Money.ofMicros(estimate, BudgetWorkerMain.USD));
                  } catch (BudgetExceeded e) {
                    continue;
                  }
                  if (here.settle(id, Money.ofMicros(estimate, BudgetWorkerMain.USD))) {
                    settledHere.addAndGet(estimate);
                  }
                }
              });
      threads.add(thread);
      thread.start();
    }
    BufferedReader out =
        new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8));
    assertThat(out.readLine()).isEqualTo("READY");
    worker.getOutputStream().write("GO\n".getBytes(StandardCharsets.UTF_8));
    worker.getOutputStream().flush();
    assertThat(out.readLine()).isEqualTo("STARTED");
    start.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    long settledThere;
    try (out) {
      String line = out.readLine();
      assertThat(line).startsWith("SETTLED ");
      settledThere = Long.parseLong(line.substring("SETTLED ".length()));
    }
    assertThat(worker.waitFor(60, TimeUnit.SECONDS)).isTrue();

    long spent = here.status(Actor.person("u0", "acme"), "chat").get(0).spent().micros();
    assertThat(spent).isEqualTo(settledHere.get() + settledThere).isLessThanOrEqualTo(LIMIT);
    assertThat(settledThere).isPositive();
  }
}
