package dev.guardrails.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** Connections killed mid-transaction never leave a record without its audit row or vice versa. */
final class FaultInjectionPostgresTest {

  private PGSimpleDataSource owner;
  private PGSimpleDataSource app;
  private Database database;
  private AuditedRepository<RepositoryContract.Note> notes;

  @BeforeEach
  void setUp() {
    owner = TestDatabases.newPostgresWithLibrary("fault");
    TestDatabases.execute(owner, RepositoryContract.NOTES_DDL);
    app = TestDatabases.newRole(owner, "faultapp");
    TestDatabases.execute(
        owner, "GRANT SELECT, INSERT, UPDATE, DELETE ON notes TO " + app.getUser());
    Migrations.builder(owner, Dialect.postgresql())
        .applicationRole(app.getUser())
        .build()
        .migrate();
    database = Database.builder(app, Dialect.postgresql()).build();
    notes = AuditedRepository.of(database, RepositoryContract.NOTES, RowScope.tenant());
  }

  @Test
  void backendTerminatedBetweenWritesAndCommit_leavesNeitherRecordsNorAuditRows() throws Exception {
    CountDownLatch written = new CountDownLatch(1);
    CountDownLatch killed = new CountDownLatch(1);
    int[] pid = new int[1];
    UUID first = UUID.randomUUID();
    UUID second = UUID.randomUUID();

    CompletableFuture<Void> worker =
        CompletableFuture.runAsync(
            () ->
                assertThatThrownBy(
                        () ->
                            Contexts.run(
                                "alice",
                                "acme",
                                () ->
                                    database.inTransaction(
                                        tx -> {
                                          notes.insert(
                                              tx,
                                              new RepositoryContract.Note(
                                                  first, null, "a", null, 0));
                                          pid[0] =
                                              tx.queryOne(
                                                      "SELECT pg_backend_pid()", rs -> rs.getInt(1))
                                                  .orElseThrow();
                                          written.countDown();
                                          await(killed);
                                          notes.insert(
                                              tx,
                                              new RepositoryContract.Note(
                                                  second, null, "b", null, 0));
                                          return true;
                                        })))
                    .isInstanceOf(DataAccessException.class));

    assertThat(written.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(terminate(pid[0])).isTrue();
    killed.countDown();
    worker.get(30, TimeUnit.SECONDS);

    assertThat(count("SELECT count(*) FROM notes")).isZero();
    assertThat(count("SELECT count(*) FROM guardrails_audit")).isZero();
  }

  @Test
  void backendsKilledAtRandom_underConcurrentWriters_recordsAndAuditRowsStayPaired()
      throws Exception {
    int writers = 4;
    int perWriter = 40;
    ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger failures = new AtomicInteger();
    AtomicInteger kills = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perWriter; i++) {
                    try {
                      Contexts.run(
                          "writer",
                          "acme",
                          () ->
                              database.inTransaction(
                                  tx -> {
                                    notes.insert(tx, RepositoryContract.note("x"));
                                    notes.insert(tx, RepositoryContract.note("y"));
                                    return true;
                                  }));
                    } catch (DataAccessException e) {
                      failures.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      Future<?> killer =
          pool.submit(
              () -> {
                start.await();
                while (writing.get()) {
                  kills.addAndGet(terminateAll(app.getUser()));
                }
                return null;
              });
      start.countDown();
      for (Future<?> future : futures) {
        future.get(120, TimeUnit.SECONDS);
      }
      writing.set(false);
      killer.get(30, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }

    assertThat(kills.get()).as("backends terminated").isPositive();
    assertThat(failures.get()).as("transactions that failed").isPositive();
    assertThat(
            count(
                "SELECT count(*) FROM notes n WHERE NOT EXISTS (SELECT 1 FROM guardrails_audit a"
                    + " WHERE a.record_id = n.id::text AND a.action = 'INSERT')"))
        .as("records without their audit row")
        .isZero();
    assertThat(
            count(
                "SELECT count(*) FROM guardrails_audit a WHERE NOT EXISTS (SELECT 1 FROM notes n"
                    + " WHERE a.record_id = n.id::text)"))
        .as("audit rows without their record")
        .isZero();
    assertThat(count("SELECT count(*) FROM notes") % 2)
        .as("both inserts of a transaction or none")
        .isZero();
  }

  private boolean terminate(int pid) throws SQLException {
    try (Connection c = owner.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(?, 10000)")) {
      ps.setInt(1, pid);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private int terminateAll(String role) throws SQLException {
    try (Connection c = owner.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
                    + " WHERE usename = ? AND pid <> pg_backend_pid()")) {
      ps.setString(1, role);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private long count(String sql) throws SQLException {
    return RowLevelSecurityPostgresTest.countRows(owner, sql);
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("latch not released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
