package dev.guardrails.benchmarks.data;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Callable;
import javax.sql.DataSource;

/**
 * An interleaved A/B run of {@link AuditedRepositoryBenchmark}'s rows on a shared machine: the rows
 * run in turn, in blocks of {@value #BLOCK} operations, so a change of load hits all of them alike
 * and their ratios stay meaningful where JMH's one-row-after-another runs drift. Besides the four
 * JMH rows it times hand-written JDBC of the statements the repository sends, as floors.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.guardrails.benchmarks.data.InterleavedDataRun [warm-up seconds] [measured seconds]}.
 */
public final class InterleavedDataRun {

  private static final int BLOCK = 20;
  private static final String SETTINGS =
      "SELECT set_config('guardrails.tenant_id', ?, true), set_config('guardrails.actor_id', ?,"
          + " true), set_config('guardrails.actor_kind', ?, true),"
          + " set_config('guardrails.correlation_id', ?, true), set_config('statement_timeout', ?,"
          + " true)";
  private static final String NOTE =
      "INSERT INTO bench_notes (id, tenant_id, title, body, version) VALUES (?, ?, ?, ?, 1)";
  private static final String AUDIT =
      "INSERT INTO guardrails_audit (tenant_id, table_name, record_id, action, actor_id,"
          + " actor_kind, correlation_id, transaction_id, occurred_at, before_values,"
          + " after_values) VALUES (?, 'bench_notes', ?, 'INSERT', ?, 'PERSON', ?, ?, ?, NULL,"
          + " CAST(? AS jsonb))";

  private InterleavedDataRun() {}

  /**
   * Runs the rows and prints microseconds per operation and the ratios of the targets.
   *
   * @param args warm-up and measured seconds (default 10 and 40)
   * @throws Exception if the setup or a row fails
   */
  public static void main(String[] args) throws Exception {
    int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int measured = args.length > 1 ? Integer.parseInt(args[1]) : 40;
    AuditedRepositoryBenchmark bench = new AuditedRepositoryBenchmark();
    bench.start();
    try {
      DataSource pool = bench.pool();
      Map<String, Callable<?>> rows = new LinkedHashMap<>();
      rows.put("plainInsert", bench::plainInsert);
      rows.put("auditedInsert", bench::auditedInsert);
      rows.put("jdbc: plain insert in autocommit (1 trip)", () -> plainAutocommit(pool));
      rows.put("jdbc: settings; note; audit; COMMIT (1 trip)", () -> handInsert(pool, false));
      rows.put("jdbc: settings; CTE note+audit; COMMIT (1 trip)", () -> handInsert(pool, true));
      rows.put("jdbc: note; audit (2 trips, no settings)", () -> handInsertNoSettings(pool));
      rows.put("plainFindById", bench::plainFindById);
      rows.put("scopedFindById", bench::scopedFindById);
      rows.put("jdbc: settings; select; COMMIT (1 trip)", () -> handFind(pool, bench.storedId()));
      run(rows, warmup, true);
      Map<String, Double> micros = run(rows, measured, false);
      for (Map.Entry<String, Double> e : micros.entrySet()) {
        System.out.printf(Locale.ROOT, "%-52s %8.1f us/op%n", e.getKey(), e.getValue());
      }
      System.out.printf(
          Locale.ROOT,
          "auditedInsert / plainInsert throughput: %.2f%nscopedFindById / plainFindById"
              + " throughput: %.2f%n",
          of(micros, "plainInsert") / of(micros, "auditedInsert"),
          of(micros, "plainFindById") / of(micros, "scopedFindById"));
    } finally {
      bench.stop();
    }
  }

  private static double of(Map<String, Double> micros, String row) {
    return Objects.requireNonNull(micros.get(row), row);
  }

  private static Map<String, Double> run(Map<String, Callable<?>> rows, int seconds, boolean warm)
      throws Exception {
    List<String> names = new ArrayList<>(rows.keySet());
    long[] nanos = new long[names.size()];
    long[] ops = new long[names.size()];
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < end) {
      for (int r = 0; r < names.size(); r++) {
        Callable<?> row = Objects.requireNonNull(rows.get(names.get(r)), "row");
        long t0 = System.nanoTime();
        for (int i = 0; i < BLOCK; i++) {
          row.call();
        }
        nanos[r] += System.nanoTime() - t0;
        ops[r] += BLOCK;
      }
    }
    Map<String, Double> out = new LinkedHashMap<>();
    for (int r = 0; r < names.size(); r++) {
      out.put(names.get(r), nanos[r] / 1_000.0 / ops[r]);
    }
    if (warm) {
      System.out.println("warm-up done");
    }
    return out;
  }

  private static int handInsert(DataSource pool, boolean cte) throws SQLException {
    String sql =
        cte
            ? SETTINGS
                + ";\nWITH w AS (INSERT INTO bench_notes (id, tenant_id, title, body, version)"
                + " VALUES (?, ?, ?, ?, 1) RETURNING id) INSERT INTO guardrails_audit (tenant_id,"
                + " table_name, record_id, action, actor_id, actor_kind, correlation_id,"
                + " transaction_id, occurred_at, before_values, after_values) SELECT ?,"
                + " 'bench_notes', ?, 'INSERT', ?, 'PERSON', ?, ?, ?, NULL, CAST(? AS jsonb) FROM"
                + " w;\nCOMMIT"
            : SETTINGS + ";\n" + NOTE + ";\n" + AUDIT + ";\nCOMMIT";
    UUID id = UUID.randomUUID();
    try (Connection c = pool.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      int i = bindSettings(ps);
      ps.setObject(i++, id);
      ps.setString(i++, "tenant-7");
      ps.setString(i++, "Call back about the invoice");
      ps.setString(i++, "Asked for a copy in PDF.");
      bindAudit(ps, i, id);
      ps.execute();
      c.commit();
      return 1;
    }
  }

  private static int plainAutocommit(DataSource pool) throws SQLException {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(true);
      try (PreparedStatement ps = c.prepareStatement(NOTE)) {
        ps.setObject(1, UUID.randomUUID());
        ps.setString(2, "tenant-7");
        ps.setString(3, "Call back about the invoice");
        ps.setString(4, "Asked for a copy in PDF.");
        return ps.executeUpdate();
      } finally {
        c.setAutoCommit(false);
      }
    }
  }

  private static int handInsertNoSettings(DataSource pool) throws SQLException {
    UUID id = UUID.randomUUID();
    try (Connection c = pool.getConnection();
        PreparedStatement ps = c.prepareStatement(NOTE + ";\n" + AUDIT)) {
      int i = 1;
      ps.setObject(i++, id);
      ps.setString(i++, "tenant-7");
      ps.setString(i++, "Call back about the invoice");
      ps.setString(i++, "Asked for a copy in PDF.");
      bindAudit(ps, i, id);
      ps.execute();
      c.commit();
      return 1;
    }
  }

  private static int bindSettings(PreparedStatement ps) throws SQLException {
    ps.setString(1, "tenant-7");
    ps.setString(2, "user-42");
    ps.setString(3, "PERSON");
    ps.setString(4, "0123456789abcdef0123456789abcdef");
    ps.setString(5, "30000");
    return 6;
  }

  private static void bindAudit(PreparedStatement ps, int first, UUID id) throws SQLException {
    int i = first;
    ps.setString(i++, "tenant-7");
    ps.setString(i++, id.toString());
    ps.setString(i++, "user-42");
    ps.setString(i++, "0123456789abcdef0123456789abcdef");
    ps.setString(i++, "00000000000000000000000000000001");
    ps.setObject(i++, OffsetDateTime.now(ZoneOffset.UTC));
    ps.setString(
        i,
        "{\"id\":\""
            + id
            + "\",\"title\":\"Call back about the invoice\",\"body\":\"Asked for a copy in"
            + " PDF.\",\"version\":1,\"tenant_id\":\"tenant-7\"}");
  }

  private static int handFind(DataSource pool, UUID id) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                SETTINGS
                    + ";\nSELECT id, title, body, version FROM bench_notes WHERE id = ? AND"
                    + " tenant_id = ?;\nCOMMIT")) {
      int i = bindSettings(ps);
      ps.setObject(i++, id);
      ps.setString(i, "tenant-7");
      boolean rs = ps.execute();
      int found = 0;
      while (true) {
        if (rs) {
          try (ResultSet r = ps.getResultSet()) {
            while (r.next()) {
              found++;
            }
          }
        } else if (ps.getUpdateCount() == -1) {
          break;
        }
        rs = ps.getMoreResults();
      }
      c.commit();
      return found;
    }
  }
}
