package dev.guardrails.testkit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.opentest4j.AssertionFailedError;

/**
 * Checks on a test PostgreSQL database that every committed change of the watched tables has
 * exactly one row in guardrails-data's {@code guardrails_audit}, written in the same transaction,
 * with the changed row's tenant and the transaction's actor and correlation id; changes without one
 * (raw writes that bypass {@code AuditedRepository}) are reported as findings.
 *
 * <pre>{@code
 * AuditCompleteness audit = AuditCompleteness.builder(pg.ownerDataSource())
 *     .watch("invoices", "id", "tenant_id")
 *     .build();
 * audit.install();                 // capture triggers; test databases only
 * long mark = audit.mark();
 * ... run the code under test ...
 * audit.assertComplete(mark);      // lists raw writes and wrong audit rows
 * }</pre>
 *
 * <p>{@link #install()} adds a table {@code guardrails_testkit_change} and {@code AFTER} row
 * triggers on the watched tables and on {@code guardrails_audit} that note each change with its
 * transaction id and the transaction-local settings {@code guardrails.tenant_id}, {@code
 * guardrails.actor_id} and {@code guardrails.correlation_id} that guardrails-data sets. Changes
 * rolled back leave no note, so only committed changes are checked. It needs a role that may create
 * tables, functions and triggers (the owner); never install it in production.
 *
 * <p>A {@code TRUNCATE} fires no row trigger, so a {@code BEFORE TRUNCATE} statement trigger notes
 * each row it removes (also when another table's {@code TRUNCATE ... CASCADE} reaches a watched
 * one); each is a {@link AuditFinding.Kind#RAW_WRITE} of operation {@code TRUNCATE} unless the
 * transaction audited the row's {@code DELETE}. A {@code TRUNCATE} of an empty watched table is
 * still one finding, with record id {@code *}: the repository never truncates, so the statement is
 * raw whatever it found. A raw {@code DELETE} or {@code UPDATE} that matches no row changes nothing
 * and is not a finding; seed the table so that the code under test has rows to change. Rows hidden
 * from the owner by a forced row-level security policy are not seen.
 *
 * <p>Immutable and thread-safe; checking reads only.
 */
public final class AuditCompleteness {

  private static final Pattern IDENTIFIER =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");
  private static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
  private static final String CHANGES = "guardrails_testkit_change";

  /** The record id of a TRUNCATE that found the table empty. */
  private static final String WHOLE_TABLE = "*";

  private final DataSource dataSource;
  private final Map<String, Watched> watched;

  private record Watched(String table, String idColumn, String tenantColumn) {}

  private record Change(
      long txid,
      boolean audit,
      String table,
      String recordId,
      String op,
      @Nullable String rowTenant,
      @Nullable String txTenant,
      @Nullable String txActor,
      @Nullable String txCorrelation,
      @Nullable String auditTenant,
      @Nullable String auditActor,
      @Nullable String auditCorrelation) {}

  private AuditCompleteness(DataSource dataSource, Map<String, Watched> watched) {
    this.dataSource = dataSource;
    this.watched = Map.copyOf(watched);
  }

  /**
   * Starts a checker on a database that has guardrails-data's migrations.
   *
   * @param dataSource connects as a role that may create triggers, e.g. {@link
   *     GuardrailsPostgres#ownerDataSource()}
   * @return a builder
   * @throws NullPointerException if the data source is null
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(Objects.requireNonNull(dataSource, "dataSource"));
  }

  /**
   * Creates the change table and the capture triggers; running it again replaces them.
   *
   * @throws IllegalStateException if a statement fails, e.g. a watched table or column is missing
   */
  public void install() {
    List<String> ddl = new ArrayList<>();
    ddl.add(
        "CREATE TABLE IF NOT EXISTS "
            + CHANGES
            + " (seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
            + " txid bigint NOT NULL DEFAULT txid_current(), is_audit boolean NOT NULL,"
            + " table_name text NOT NULL, record_id text, op text NOT NULL, row_tenant text,"
            + " tx_tenant text, tx_actor text, tx_correlation text, audit_seq bigint)");
    ddl.add(
        "CREATE OR REPLACE FUNCTION guardrails_testkit_capture() RETURNS trigger"
            + " LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$\n"
            + "DECLARE r jsonb;\n"
            + "BEGIN\n"
            + "  IF TG_OP = 'DELETE' THEN r := to_jsonb(OLD); ELSE r := to_jsonb(NEW); END IF;\n"
            + "  INSERT INTO "
            + CHANGES
            + " (is_audit, table_name, record_id, op, row_tenant, tx_tenant, tx_actor,"
            + " tx_correlation)\n"
            + "  VALUES (false, TG_ARGV[2], r->>TG_ARGV[0], TG_OP, r->>TG_ARGV[1],"
            + " nullif(current_setting('guardrails.tenant_id', true), ''),"
            + " nullif(current_setting('guardrails.actor_id', true), ''),"
            + " nullif(current_setting('guardrails.correlation_id', true), ''));\n"
            + "  RETURN NULL;\n"
            + "END $$");
    // TRUNCATE fires no row trigger: a statement trigger notes, before the rows go, each row it
    // removes, or the table itself when it holds none (the statement is raw all the same).
    ddl.add(
        "CREATE OR REPLACE FUNCTION guardrails_testkit_capture_truncate() RETURNS trigger"
            + " LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$\n"
            + "DECLARE n bigint;\n"
            + "BEGIN\n"
            + "  EXECUTE format('INSERT INTO "
            + CHANGES
            + " (is_audit, table_name, record_id, op, row_tenant, tx_tenant, tx_actor,"
            + " tx_correlation) SELECT false, $1, r->>$2, ''TRUNCATE'', r->>$3, $4, $5, $6"
            + " FROM (SELECT to_jsonb(t) AS r FROM %s t) s', TG_RELID::regclass)\n"
            + "  USING TG_ARGV[2], TG_ARGV[0], TG_ARGV[1],"
            + " nullif(current_setting('guardrails.tenant_id', true), ''),"
            + " nullif(current_setting('guardrails.actor_id', true), ''),"
            + " nullif(current_setting('guardrails.correlation_id', true), '');\n"
            + "  GET DIAGNOSTICS n = ROW_COUNT;\n"
            + "  IF n = 0 THEN\n"
            + "    INSERT INTO "
            + CHANGES
            + " (is_audit, table_name, record_id, op, tx_tenant, tx_actor, tx_correlation)\n"
            + "    VALUES (false, TG_ARGV[2], '"
            + WHOLE_TABLE
            + "', 'TRUNCATE',"
            + " nullif(current_setting('guardrails.tenant_id', true), ''),"
            + " nullif(current_setting('guardrails.actor_id', true), ''),"
            + " nullif(current_setting('guardrails.correlation_id', true), ''));\n"
            + "  END IF;\n"
            + "  RETURN NULL;\n"
            + "END $$");
    ddl.add(
        "CREATE OR REPLACE FUNCTION guardrails_testkit_capture_audit() RETURNS trigger"
            + " LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$\n"
            + "BEGIN\n"
            + "  INSERT INTO "
            + CHANGES
            + " (is_audit, table_name, record_id, op, audit_seq)\n"
            + "  VALUES (true, NEW.table_name, NEW.record_id, NEW.action, NEW.seq);\n"
            + "  RETURN NULL;\n"
            + "END $$");
    ddl.add("DROP TRIGGER IF EXISTS guardrails_testkit_capture ON guardrails_audit");
    ddl.add(
        "CREATE TRIGGER guardrails_testkit_capture AFTER INSERT ON guardrails_audit"
            + " FOR EACH ROW EXECUTE FUNCTION guardrails_testkit_capture_audit()");
    for (Watched w : watched.values()) {
      String arguments = "('" + w.idColumn + "', '" + w.tenantColumn + "', '" + w.table + "')";
      ddl.add("DROP TRIGGER IF EXISTS guardrails_testkit_capture ON " + w.table);
      ddl.add(
          "CREATE TRIGGER guardrails_testkit_capture AFTER INSERT OR UPDATE OR DELETE ON "
              + w.table
              + " FOR EACH ROW EXECUTE FUNCTION guardrails_testkit_capture"
              + arguments);
      ddl.add("DROP TRIGGER IF EXISTS guardrails_testkit_capture_truncate ON " + w.table);
      ddl.add(
          "CREATE TRIGGER guardrails_testkit_capture_truncate BEFORE TRUNCATE ON "
              + w.table
              + " FOR EACH STATEMENT EXECUTE FUNCTION guardrails_testkit_capture_truncate"
              + arguments);
    }
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      for (String sql : ddl) {
        try {
          s.execute(sql);
        } catch (SQLException e) {
          throw new IllegalStateException("audit capture install failed at: " + sql, e);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("audit capture install could not connect", e);
    }
  }

  /**
   * Returns a mark of the changes noted so far; check only what happens after it.
   *
   * @return the mark
   * @throws IllegalStateException if {@link #install()} did not run or the database fails
   */
  public long mark() {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT coalesce(max(seq), 0) FROM " + CHANGES)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException("could not read the audit capture; did install() run?", e);
    }
  }

  /**
   * Returns what is wrong with the audit trail of the changes committed after the mark.
   *
   * @param mark from {@link #mark()}, or 0 for every change since {@link #install()}
   * @return the findings, in the order of the changes; empty when the trail is complete
   * @throws IllegalArgumentException if the mark is negative
   * @throws IllegalStateException if {@link #install()} did not run or the database fails
   */
  public List<AuditFinding> findings(long mark) {
    if (mark < 0) {
      throw new IllegalArgumentException("mark must not be negative, but was " + mark);
    }
    Map<String, List<Change>> rows = new LinkedHashMap<>();
    Map<String, List<Change>> audits = new LinkedHashMap<>();
    for (Change c : read(mark)) {
      if (!watched.containsKey(c.table)) {
        continue;
      }
      String key = c.txid + "|" + c.table + "|" + c.recordId;
      (c.audit ? audits : rows).computeIfAbsent(key, k -> new ArrayList<>()).add(c);
      if (!c.audit) {
        audits.computeIfAbsent(key, k -> new ArrayList<>());
      }
    }
    List<AuditFinding> findings = new ArrayList<>();
    for (Map.Entry<String, List<Change>> e : audits.entrySet()) {
      List<Change> changes = rows.getOrDefault(e.getKey(), List.of());
      List<Change> trail = e.getValue();
      for (int i = 0; i < Math.max(changes.size(), trail.size()); i++) {
        if (i >= trail.size()) {
          findings.add(rawWrite(changes.get(i)));
        } else if (i >= changes.size()) {
          Change a = trail.get(i);
          findings.add(
              new AuditFinding(
                  AuditFinding.Kind.EXTRA_AUDIT_ROW,
                  a.table,
                  a.recordId,
                  a.op,
                  "audit row without a matching change in its transaction"));
        } else {
          compare(changes.get(i), trail.get(i), findings);
        }
      }
    }
    return List.copyOf(findings);
  }

  /**
   * Asserts that the audit trail of the changes committed after the mark is complete.
   *
   * @param mark from {@link #mark()}, or 0 for every change since {@link #install()}
   * @throws AssertionFailedError if there is a finding; the message lists them all
   * @throws IllegalArgumentException if the mark is negative
   * @throws IllegalStateException if {@link #install()} did not run or the database fails
   */
  public void assertComplete(long mark) {
    List<AuditFinding> findings = findings(mark);
    if (!findings.isEmpty()) {
      StringBuilder message =
          new StringBuilder(findings.size() + " audit finding(s) in the watched tables:");
      for (AuditFinding f : findings) {
        message.append("\n  ").append(f);
      }
      throw new AssertionFailedError(message.toString());
    }
  }

  private static AuditFinding rawWrite(Change c) {
    String detail;
    if (c.op.equals("TRUNCATE") && c.recordId.equals(WHOLE_TABLE)) {
      detail =
          "TRUNCATE committed without an audit row; the table was empty here, but the statement"
              + " deletes every row unaudited wherever it has some";
    } else if (c.op.equals("TRUNCATE")) {
      detail = "TRUNCATE deleted the row without an audit row in its transaction";
    } else {
      detail = "committed without an audit row in its transaction";
    }
    return new AuditFinding(
        AuditFinding.Kind.RAW_WRITE,
        c.table,
        c.recordId,
        c.op,
        detail + (c.txActor == null ? " (outside any guardrails transaction)" : ""));
  }

  private static void compare(Change row, Change audit, List<AuditFinding> findings) {
    List<String> wrong = new ArrayList<>();
    boolean opMatches =
        row.op.equals(audit.op)
            || (row.op.equals("UPDATE") && audit.op.equals("SOFT_DELETE"))
            || (row.op.equals("TRUNCATE") && audit.op.equals("DELETE"));
    if (!opMatches) {
      wrong.add("action " + audit.op + " for a " + row.op);
    }
    differ("tenant", audit.auditTenant, row.rowTenant, "the row's", wrong);
    differ("actor", audit.auditActor, row.txActor, "the transaction's", wrong);
    differ("correlation id", audit.auditCorrelation, row.txCorrelation, "the transaction's", wrong);
    if (!wrong.isEmpty()) {
      findings.add(
          new AuditFinding(
              AuditFinding.Kind.MISMATCH,
              row.table,
              row.recordId,
              row.op,
              "audit row has " + String.join(", ", wrong)));
    }
  }

  private static void differ(
      String what,
      @Nullable String audited,
      @Nullable String expected,
      String source,
      List<String> wrong) {
    if (expected == null) {
      wrong.add(what + " " + audited + " but " + source + " " + what + " is unknown");
    } else if (!expected.equals(audited)) {
      wrong.add(what + " " + audited + " instead of " + source + " " + expected);
    }
  }

  private List<Change> read(long mark) {
    String sql =
        "SELECT c.txid, c.is_audit, c.table_name, c.record_id, c.op, c.row_tenant, c.tx_tenant,"
            + " c.tx_actor, c.tx_correlation, a.tenant_id, a.actor_id, a.correlation_id FROM "
            + CHANGES
            + " c LEFT JOIN guardrails_audit a ON a.seq = c.audit_seq WHERE c.seq > ?"
            + " ORDER BY c.seq";
    List<Change> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, mark);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String recordId = rs.getString(4);
          out.add(
              new Change(
                  rs.getLong(1),
                  rs.getBoolean(2),
                  Objects.requireNonNull(rs.getString(3), "table_name"),
                  recordId == null ? "(no id)" : recordId,
                  Objects.requireNonNull(rs.getString(5), "op"),
                  rs.getString(6),
                  rs.getString(7),
                  rs.getString(8),
                  rs.getString(9),
                  rs.getString(10),
                  rs.getString(11),
                  rs.getString(12)));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not read the audit capture; did install() run?", e);
    }
    return out;
  }

  @Override
  public String toString() {
    return "AuditCompleteness" + watched.keySet();
  }

  /** Builds an {@link AuditCompleteness}; not thread-safe, {@link #build()} copies. */
  public static final class Builder {
    private final DataSource dataSource;
    private final Map<String, Watched> watched = new LinkedHashMap<>();

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /**
     * Watches a table whose writes must be audited.
     *
     * @param table the table, as the repository's mapping names it (it is also the audit's {@code
     *     table_name}), optionally schema-qualified
     * @param idColumn the column whose value is the audit's {@code record_id}
     * @param tenantColumn the column holding the row's tenant
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a name is not a plain SQL identifier or the table is
     *     already watched
     */
    public Builder watch(String table, String idColumn, String tenantColumn) {
      requireIdentifier(table, "table", IDENTIFIER);
      requireIdentifier(idColumn, "idColumn", COLUMN);
      requireIdentifier(tenantColumn, "tenantColumn", COLUMN);
      if (watched.containsKey(table)) {
        throw new IllegalArgumentException(
            "table must be watched once, but '" + table + "' repeats");
      }
      watched.put(table, new Watched(table, idColumn, tenantColumn));
      return this;
    }

    /**
     * Builds the checker.
     *
     * @return the checker
     * @throws IllegalStateException if no table is watched
     */
    public AuditCompleteness build() {
      if (watched.isEmpty()) {
        throw new IllegalStateException("audit completeness needs a table; call watch(...)");
      }
      return new AuditCompleteness(dataSource, watched);
    }

    private static void requireIdentifier(String name, String what, Pattern pattern) {
      Objects.requireNonNull(name, what);
      if (!pattern.matcher(name).matches()) {
        throw new IllegalArgumentException(
            what + " must be a plain SQL identifier, but was '" + name + "'");
      }
    }
  }
}
