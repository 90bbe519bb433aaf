package dev.guardrails.cost;

import dev.guardrails.core.Actor;
import dev.guardrails.core.BudgetExceeded;
import dev.guardrails.core.Money;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A second application instance in its own JVM, started by {@link PostgresTwoJvmTest}.
 *
 * <p>{@code reserve-and-hang <url> <instant>}: reserves 0.80 USD of the global budget, prints
 * RESERVED and waits to be killed. {@code hammer <url> <instant> <threads> <calls>}: prints READY,
 * waits for a line on its input, then reserves and settles from several threads, printing STARTED
 * after its first settle, then prints SETTLED and the total settled micros.
 */
final class BudgetWorkerMain {

  private BudgetWorkerMain() {}

  static final Currency USD = Currency.getInstance("USD");

  static BudgetGuard guard(String url, Instant now) {
    return BudgetGuard.builder(PostgresBudgetStore.create(TestPostgres.pool(url, 8)))
        .clock(Clock.fixed(now, ZoneOffset.UTC))
        .reservationTimeout(Duration.ofMinutes(2))
        .budget(
            Budget.builder("global")
                .limit(Money.ofMicros(PostgresTwoJvmTest.LIMIT, USD))
                .period(BudgetPeriod.day(ZoneOffset.UTC))
                .build())
        .build();
  }

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    BudgetGuard guard = guard(args[1], Instant.parse(args[2]));
    if (args[0].equals("reserve-and-hang")) {
      guard.reserve("jvm2-call", Actor.service("worker", "acme"), "chat", Money.of("0.80", USD));
      out.println("RESERVED");
      Thread.sleep(Long.MAX_VALUE); // the parent test kills this process
      return;
    }
    out.println("READY");
    new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8))
        .readLine(); // GO
    int threads = Integer.parseInt(args[3]);
    int calls = Integer.parseInt(args[4]);
    AtomicLong settled = new AtomicLong();
    java.util.concurrent.atomic.AtomicBoolean started =
        new java.util.concurrent.atomic.AtomicBoolean();
    List<Thread> running = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int index = t;
      Thread thread =
          new Thread(
              () -> {
                SplittableRandom random = new SplittableRandom(1000 + index);
                for (int i = 0; i < calls; i++) {
                  String id = "jvm2-" + index + "-" + i;
                  long estimate = 1 + random.nextLong(40_000);
                  try {
                    guard.reserve(
                        id,
                        Actor.service("w" + index, "acme"),
                        "chat",
                        Money.ofMicros(estimate, USD));
                  } catch (BudgetExceeded e) {
                    continue;
                  }
                  if (guard.settle(id, Money.ofMicros(estimate, USD))) {
                    settled.addAndGet(estimate);
                    if (started.compareAndSet(false, true)) {
                      out.println("STARTED");
                    }
                  }
                }
              });
      running.add(thread);
      thread.start();
    }
    for (Thread thread : running) {
      thread.join();
    }
    out.println("SETTLED " + settled.get());
  }
}
