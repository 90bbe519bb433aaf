package dev.guardrails.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

final class AuditLogPostgresTest extends AuditLogContract {

  @Override
  DataSource newDatabase() {
    return TestDatabases.newPostgresWithLibrary("audit");
  }

  @Override
  Dialect dialect() {
    return Dialect.postgresql();
  }

  /** A superuser in replica mode skips triggers and foreign keys: the attacker with full access. */
  @Override
  void tamper(String... statements) throws SQLException {
    String[] all = new String[statements.length + 1];
    all[0] = "SET session_replication_role = replica";
    System.arraycopy(statements, 0, all, 1, statements.length);
    TestDatabases.execute(dataSource, all);
  }

  @Test
  void concurrentWritersAndSealers_leaveOneIntactChainPerTenant() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(6);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        String tenant = w % 2 == 0 ? "acme" : "evil";
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  write(tenant, 10);
                  return null;
                }));
      }
      for (int s = 0; s < 2; s++) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < 10; i++) {
                    auditLog.sealPending();
                  }
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
    auditLog.sealPending();

    for (String tenant : List.of("acme", "evil")) {
      ChainVerification verification = auditLog.verify(tenant);
      assertThat(verification.intact()).as(verification.toString()).isTrue();
      assertThat(verification.checkedRows()).isEqualTo(20);
    }
  }
}
