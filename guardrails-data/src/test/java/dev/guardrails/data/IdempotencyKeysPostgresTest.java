package dev.guardrails.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.guardrails.core.Conflict;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

final class IdempotencyKeysPostgresTest extends IdempotencyKeysContract {

  private static final int THREADS = 16;

  @Override
  DataSource newDatabase() {
    return TestDatabases.newPostgresWithLibrary("idem");
  }

  @Override
  Dialect dialect() {
    return Dialect.postgresql();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      assertThat(latch.await(30, TimeUnit.SECONDS)).as("other requests answered").isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void sixteenThreads_sameRequestAtOnce_oneWriteOthersGetStoredResultOrConflict() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    CountDownLatch start = new CountDownLatch(1);
    CountDownLatch othersDone = new CountDownLatch(THREADS - 1);
    AtomicInteger inFlight = new AtomicInteger();
    List<Receipt> receipts = java.util.Collections.synchronizedList(new ArrayList<>());
    Payment payment = new Payment("c1", 500);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  Contexts.run(
                      "alice",
                      "acme",
                      () -> {
                        boolean[] ranHere = {false};
                        try {
                          Receipt receipt =
                              keys.execute(
                                  "same-key",
                                  payment,
                                  Receipt.class,
                                  tx -> {
                                    ranHere[0] = true;
                                    runs.incrementAndGet();
                                    RepositoryContract.Note note =
                                        notes.insert(tx, RepositoryContract.note("paid"));
                                    // hold the claim until every other request has been answered
                                    awaitQuietly(othersDone);
                                    return new Receipt(note.id().toString(), 500);
                                  });
                          receipts.add(receipt);
                        } catch (Conflict conflict) {
                          assertThat(conflict.reason())
                              .isEqualTo(Conflict.Reason.IDEMPOTENCY_IN_FLIGHT);
                          inFlight.incrementAndGet();
                        } finally {
                          if (!ranHere[0]) {
                            othersDone.countDown();
                          }
                        }
                      });
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> future : futures) {
        future.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(runs).hasValue(1);
    assertThat(notesCount()).isEqualTo(1);
    assertThat(inFlight.get() + receipts.size()).isEqualTo(THREADS);
    assertThat(receipts).isNotEmpty().allSatisfy(r -> assertThat(r).isEqualTo(receipts.get(0)));
    Receipt repeat = Contexts.as("alice", "acme", () -> pay("same-key", payment));
    assertThat(repeat).isEqualTo(receipts.get(0));
    assertThat(runs).hasValue(1);
  }
}
