package dev.guardrails.data;

import dev.guardrails.core.EventContext;
import dev.guardrails.core.EventSink;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A restore drill: backs up the source database through a JDBC-level export, restores it into a
 * scratch database, compares every table's row count and content checksum, reports how long it took
 * and records the result in the source's {@code guardrails_restore_drill} table, so that {@link
 * #checkFreshness(Duration)} can raise an alert when the last good drill is too old. A backup never
 * restored is not a backup.
 *
 * <p>The export streams each table in primary-key order from the source, all of them read in one
 * repeatable-read snapshot (one point in time, even while the source takes writes), into the
 * scratch database in one scratch transaction, parents before children (by foreign keys); identity
 * columns keep their values. The scratch database must already have the schema ({@link
 * Builder#prepareScratch}, e.g. by running the same {@link Migrations}) and every copied table must
 * be empty there: a drill never writes into a table that holds data. Checksums are SHA-256 over
 * each row's values in key order, read back from both sides.
 *
 * <p>On PostgreSQL the source's role must see every row: a table that row-level security filters
 * for it fails the drill (run it as a role with BYPASSRLS, as pg_dump needs), and both sides are
 * read with {@code row_security} off, so a policy never silently shortens the copy.
 *
 * <p>Immutable and thread-safe; run one drill at a time per scratch database.
 */
public final class RestoreDrill {

  private static final Logger LOG = LoggerFactory.getLogger(RestoreDrill.class);
  private static final String RESULTS = "guardrails_restore_drill";
  private static final Set<String> NEVER_COPIED =
      Set.of("flyway_schema_history", Migrations.LIBRARY_HISTORY_TABLE, RESULTS);
  private static final int BATCH = 500;

  private final DataSource source;
  private final DataSource scratch;
  private final List<String> tables;
  private final Consumer<DataSource> prepareScratch;
  private final Clock clock;
  private final EventSink events;

  private RestoreDrill(Builder builder, Consumer<DataSource> prepareScratch) {
    this.source = builder.source;
    this.scratch = builder.scratch;
    this.tables = List.copyOf(builder.tables);
    this.prepareScratch = prepareScratch;
    this.clock = builder.clock;
    this.events = builder.events;
  }

  /**
   * Returns a builder.
   *
   * @param source the database to back up; the drill only reads it, and inserts its result row
   * @param scratch an empty database to restore into, never the source
   * @return the builder
   * @throws NullPointerException if an argument is null
   */
  public static Builder builder(DataSource source, DataSource scratch) {
    return new Builder(
        Objects.requireNonNull(source, "source"), Objects.requireNonNull(scratch, "scratch"));
  }

  /**
   * Runs the drill, records its result in the source and publishes a {@link RestoreDrillEvent}. A
   * failure of the backup, the restore or the comparison is reported, not thrown.
   *
   * @return the report
   * @throws DataAccessException if the result cannot be recorded in the source
   */
  public DrillReport run() {
    Instant started = clock.instant();
    List<DrillReport.TableResult> results = new ArrayList<>();
    Optional<String> failure = Optional.empty();
    try {
      prepareScratch.accept(scratch);
      copyAndCompare(results);
    } catch (SQLException e) {
      // the database's message can quote row values (a key, a batch entry); the summary is stored
      // and published, so it names the SQL state only and the log keeps the whole error
      LOG.warn("restore drill failed with SQL state {}", e.getSQLState(), e);
      failure =
          Optional.of(
              "SQL state "
                  + e.getSQLState()
                  + " (the database's message, which can hold row values, is in the log of "
                  + RestoreDrill.class.getName()
                  + ")");
    } catch (RuntimeException e) {
      failure = Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    DrillReport report =
        new DrillReport(started, Duration.between(started, clock.instant()), results, failure);
    record(report);
    events.publish(
        new RestoreDrillEvent(
            EventContext.capture(clock),
            report.succeeded() ? "succeeded" : "failed",
            report.summary()));
    return report;
  }

  /**
   * Returns when the last successful drill recorded in the source started.
   *
   * @return the instant, or empty if no drill has succeeded
   * @throws DataAccessException if the source cannot be read
   */
  public Optional<Instant> lastSuccess() {
    try (Connection connection = source.getConnection();
        PreparedStatement ps =
            connection.prepareStatement(
                "SELECT max(started_at) FROM " + RESULTS + " WHERE succeeded = TRUE");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      OffsetDateTime last = rs.getObject(1, OffsetDateTime.class);
      return last == null ? Optional.empty() : Optional.of(last.toInstant());
    } catch (SQLException e) {
      throw new DataAccessException("reading the last restore drill", e);
    }
  }

  /**
   * Checks that a drill succeeded within the given age, and publishes an overdue {@link
   * RestoreDrillEvent} when none did; run it from a scheduled job to alert on.
   *
   * @param maxAge the oldest acceptable last good drill, e.g. 7 days
   * @return whether the last good drill is recent enough
   * @throws NullPointerException if {@code maxAge} is null
   * @throws IllegalArgumentException if {@code maxAge} is not positive
   * @throws DataAccessException if the source cannot be read
   */
  public boolean checkFreshness(Duration maxAge) {
    Objects.requireNonNull(maxAge, "maxAge");
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("maxAge must be positive, but was " + maxAge);
    }
    Optional<Instant> last = lastSuccess();
    Instant now = clock.instant();
    if (last.isPresent() && !last.get().plus(maxAge).isBefore(now)) {
      return true;
    }
    events.publish(
        new RestoreDrillEvent(
            EventContext.capture(clock),
            "overdue",
            last.map(l -> "last good restore drill started at " + l + ", older than " + maxAge)
                .orElse("no restore drill has ever succeeded")));
    return false;
  }

  private void copyAndCompare(List<DrillReport.TableResult> results) throws SQLException {
    try (Connection from = source.getConnection();
        Connection to = scratch.getConnection()) {
      boolean fromAutoCommit = from.getAutoCommit();
      boolean toAutoCommit = to.getAutoCommit();
      int fromIsolation = from.getTransactionIsolation();
      from.setAutoCommit(false);
      // one snapshot for every table, so the backup is of one point in time
      from.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      from.setReadOnly(true);
      to.setAutoCommit(false);
      try {
        Map<String, String> sourceTables = MigrationLint.tables(from);
        Map<String, String> scratchTables = MigrationLint.tables(to);
        List<String> order = order(from, sourceTables);
        if (Dialect.detect(from).supportsRowLevelSecurity()) {
          refuseRowLevelSecurity(from, order, sourceTables);
          // like pg_dump: a query that row-level security would filter fails instead
          disableRowSecurity(from);
          disableRowSecurity(to);
        }
        for (String table : order) {
          String stored = scratchTables.get(table);
          if (stored == null) {
            throw new IllegalStateException("scratch database has no table " + table);
          }
          if (count(to, stored) > 0) {
            throw new IllegalStateException(
                "scratch table " + table + " is not empty; a drill never writes into data");
          }
        }
        Map<String, String[]> sums = new LinkedHashMap<>();
        for (String table : order) {
          sums.put(
              table,
              copy(
                  from,
                  to,
                  Objects.requireNonNull(sourceTables.get(table)),
                  Objects.requireNonNull(scratchTables.get(table))));
        }
        to.commit();
        for (String table : order) {
          String[] sourceSide = Objects.requireNonNull(sums.get(table));
          String[] restored = checksum(to, Objects.requireNonNull(scratchTables.get(table)));
          results.add(
              new DrillReport.TableResult(
                  table,
                  Long.parseLong(sourceSide[0]),
                  Long.parseLong(restored[0]),
                  sourceSide[1],
                  restored[1]));
        }
        from.commit();
      } catch (SQLException | RuntimeException e) {
        to.rollback();
        from.rollback();
        throw e;
      } finally {
        from.setReadOnly(false);
        from.setTransactionIsolation(fromIsolation);
        from.setAutoCommit(fromAutoCommit);
        to.setAutoCommit(toAutoCommit);
      }
    }
  }

  /**
   * Fails when row-level security filters a table for the source's role: the copy would hold only
   * the rows of no tenant (or of one) and still compare equal with its restore.
   */
  private static void refuseRowLevelSecurity(
      Connection from, List<String> order, Map<String, String> sourceTables) throws SQLException {
    try (PreparedStatement ps =
        from.prepareStatement("SELECT row_security_active(quote_ident(?)::regclass)")) {
      for (String table : order) {
        ps.setString(1, sourceTables.get(table));
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next() && rs.getBoolean(1)) {
            throw new IllegalStateException(
                "row-level security filters table "
                    + table
                    + " for the drill's role, so the backup would miss rows; run the drill as a"
                    + " role with BYPASSRLS (and SELECT on every table), as pg_dump needs");
          }
        }
      }
    }
  }

  private static void disableRowSecurity(Connection connection) throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement("SELECT set_config('row_security', 'off', true)")) {
      ps.execute();
    }
  }

  /** The tables to copy, parents before children. */
  private List<String> order(Connection from, Map<String, String> sourceTables)
      throws SQLException {
    Set<String> wanted = new LinkedHashSet<>();
    if (tables.isEmpty()) {
      for (String table : sourceTables.keySet()) {
        if (!NEVER_COPIED.contains(table)) {
          wanted.add(table);
        }
      }
    } else {
      for (String table : tables) {
        if (!sourceTables.containsKey(table)) {
          throw new IllegalStateException("source database has no table " + table);
        }
        wanted.add(table);
      }
    }
    Map<String, Set<String>> parents = new LinkedHashMap<>();
    DatabaseMetaData meta = from.getMetaData();
    for (String table : wanted) {
      Set<String> tableParents = new LinkedHashSet<>();
      try (ResultSet rs =
          meta.getImportedKeys(from.getCatalog(), from.getSchema(), sourceTables.get(table))) {
        while (rs.next()) {
          String parent = rs.getString("PKTABLE_NAME").toLowerCase(Locale.ROOT);
          if (wanted.contains(parent) && !parent.equals(table)) {
            tableParents.add(parent);
          }
        }
      }
      parents.put(table, tableParents);
    }
    List<String> order = new ArrayList<>();
    while (order.size() < wanted.size()) {
      boolean progressed = false;
      for (String table : wanted) {
        if (!order.contains(table) && order.containsAll(parents.get(table))) {
          order.add(table);
          progressed = true;
        }
      }
      if (!progressed) {
        throw new IllegalStateException("foreign keys form a cycle among " + wanted);
      }
    }
    return order;
  }

  /** Copies one table and returns its source row count and checksum. */
  private static String[] copy(Connection from, Connection to, String fromTable, String toTable)
      throws SQLException {
    List<Column> columns = columns(from, fromTable);
    String columnList = String.join(", ", columns.stream().map(c -> quote(c.name)).toList());
    String insert =
        "INSERT INTO "
            + quote(toTable)
            + " ("
            + columnList
            + ") OVERRIDING SYSTEM VALUE VALUES ("
            + String.join(", ", columns.stream().map(c -> "?").toList())
            + ")";
    MessageDigest digest = sha256();
    long rows = 0;
    try (PreparedStatement read = from.prepareStatement(select(from, fromTable, columns));
        PreparedStatement write = to.prepareStatement(insert)) {
      read.setFetchSize(BATCH);
      try (ResultSet rs = read.executeQuery()) {
        while (rs.next()) {
          for (int i = 0; i < columns.size(); i++) {
            Object value = columns.get(i).read(rs, i + 1);
            digestValue(digest, value);
            if (value == null) {
              write.setNull(i + 1, columns.get(i).sqlType);
            } else {
              write.setObject(i + 1, value);
            }
          }
          write.addBatch();
          rows++;
          if (rows % BATCH == 0) {
            write.executeBatch();
          }
        }
      }
      write.executeBatch();
    }
    return new String[] {Long.toString(rows), HexFormat.of().formatHex(digest.digest())};
  }

  private static String[] checksum(Connection connection, String table) throws SQLException {
    List<Column> columns = columns(connection, table);
    MessageDigest digest = sha256();
    long rows = 0;
    try (PreparedStatement read = connection.prepareStatement(select(connection, table, columns));
        ResultSet rs = read.executeQuery()) {
      while (rs.next()) {
        for (int i = 0; i < columns.size(); i++) {
          digestValue(digest, columns.get(i).read(rs, i + 1));
        }
        rows++;
      }
    }
    return new String[] {Long.toString(rows), HexFormat.of().formatHex(digest.digest())};
  }

  private static String select(Connection connection, String table, List<Column> columns)
      throws SQLException {
    List<String> key = new ArrayList<>();
    try (ResultSet rs =
        connection
            .getMetaData()
            .getPrimaryKeys(connection.getCatalog(), connection.getSchema(), table)) {
      Map<Integer, String> bySeq = new java.util.TreeMap<>();
      while (rs.next()) {
        bySeq.put(rs.getInt("KEY_SEQ"), quote(rs.getString("COLUMN_NAME")));
      }
      key.addAll(bySeq.values());
    }
    if (key.isEmpty()) {
      for (int i = 1; i <= columns.size(); i++) {
        key.add(Integer.toString(i));
      }
    }
    return "SELECT "
        + String.join(", ", columns.stream().map(c -> quote(c.name)).toList())
        + " FROM "
        + quote(table)
        + " ORDER BY "
        + String.join(", ", key);
  }

  private static final class Column {
    final String name;
    final int sqlType;

    Column(String name, int sqlType) {
      this.name = name;
      this.sqlType = sqlType;
    }

    @Nullable Object read(ResultSet rs, int index) throws SQLException {
      return switch (sqlType) {
        case Types.CLOB, Types.NCLOB, Types.LONGVARCHAR, Types.LONGNVARCHAR -> rs.getString(index);
        case Types.BLOB, Types.LONGVARBINARY -> rs.getBytes(index);
        default -> rs.getObject(index);
      };
    }
  }

  private static List<Column> columns(Connection connection, String table) throws SQLException {
    List<Column> columns = new ArrayList<>();
    try (ResultSet rs =
        connection
            .getMetaData()
            .getColumns(connection.getCatalog(), connection.getSchema(), table, "%")) {
      Map<Integer, Column> byPosition = new java.util.TreeMap<>();
      while (rs.next()) {
        byPosition.put(
            rs.getInt("ORDINAL_POSITION"),
            new Column(rs.getString("COLUMN_NAME"), rs.getInt("DATA_TYPE")));
      }
      columns.addAll(byPosition.values());
    }
    return columns;
  }

  private static long count(Connection connection, String table) throws SQLException {
    try (PreparedStatement ps =
            connection.prepareStatement("SELECT count(*) FROM " + quote(table));
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Feeds one value into the digest in a form that is the same on both sides of the copy. */
  private static void digestValue(MessageDigest digest, @Nullable Object value) {
    String text;
    if (value == null) {
      text = "\u0000null";
    } else if (value instanceof byte[] bytes) {
      text = HexFormat.of().formatHex(bytes);
    } else if (value instanceof Timestamp timestamp) {
      text = timestamp.toInstant().toString();
    } else if (value instanceof OffsetDateTime odt) {
      text = odt.toInstant().toString();
    } else if (value instanceof BigDecimal decimal) {
      text = decimal.stripTrailingZeros().toPlainString();
    } else {
      text = value.toString();
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    digest.update((bytes.length + ":").getBytes(StandardCharsets.UTF_8));
    digest.update(bytes);
  }

  private static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  private void record(DrillReport report) {
    try (Connection connection = source.getConnection();
        PreparedStatement ps =
            connection.prepareStatement(
                "INSERT INTO "
                    + RESULTS
                    + " (started_at, duration_ms, succeeded, table_count, row_count, summary)"
                    + " VALUES (?, ?, ?, ?, ?, ?)")) {
      ps.setObject(1, report.startedAt().atOffset(ZoneOffset.UTC));
      ps.setLong(2, report.duration().toMillis());
      ps.setBoolean(3, report.succeeded());
      ps.setInt(4, report.tables().size());
      ps.setLong(5, report.restoredRows());
      ps.setString(6, report.summary());
      ps.executeUpdate();
      if (!connection.getAutoCommit()) {
        connection.commit();
      }
    } catch (SQLException e) {
      throw new DataAccessException("recording the restore drill", e);
    }
  }

  @Override
  public String toString() {
    return "RestoreDrill[tables=" + (tables.isEmpty() ? "all" : tables) + "]";
  }

  /** Builds a {@link RestoreDrill}; not thread-safe, {@link #build()} copies. */
  public static final class Builder {
    private final DataSource source;
    private final DataSource scratch;
    private final List<String> tables = new ArrayList<>();
    private @Nullable Consumer<DataSource> prepareScratch;
    private Clock clock = Clock.systemUTC();
    private EventSink events = EventSink.noop();

    private Builder(DataSource source, DataSource scratch) {
      this.source = source;
      this.scratch = scratch;
    }

    /**
     * Limits the drill to these tables (default: every table of the source's current schema but the
     * migration histories and the drill results).
     *
     * @param names unqualified table names
     * @return this builder
     * @throws IllegalArgumentException if a name is not a lower-case identifier
     */
    public Builder tables(String... names) {
      for (String name : names) {
        tables.add(Identifiers.name(name, "table"));
      }
      return this;
    }

    /**
     * Sets how the scratch database gets its schema before the restore, e.g. {@code ds ->
     * Migrations.builder(ds, dialect).userLocations(...).build().migrate()}. Required.
     *
     * @param prepare the preparation
     * @return this builder
     * @throws NullPointerException if {@code prepare} is null
     */
    public Builder prepareScratch(Consumer<DataSource> prepare) {
      this.prepareScratch = Objects.requireNonNull(prepare, "prepare");
      return this;
    }

    /**
     * Sets the clock that times the drill and judges freshness (default: system UTC).
     *
     * @param clock the clock
     * @return this builder
     * @throws NullPointerException if {@code clock} is null
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets where drill outcomes and overdue alerts go (default: nowhere).
     *
     * @param events the sink
     * @return this builder
     * @throws NullPointerException if {@code events} is null
     */
    public Builder eventSink(EventSink events) {
      this.events = Objects.requireNonNull(events, "events");
      return this;
    }

    /**
     * Builds the drill.
     *
     * @return the drill
     * @throws IllegalStateException if {@link #prepareScratch} was not called, or source and
     *     scratch are the same data source
     */
    public RestoreDrill build() {
      Consumer<DataSource> prepare = prepareScratch;
      if (prepare == null) {
        throw new IllegalStateException(
            "prepareScratch must be set: the scratch database needs the schema before the restore");
      }
      if (source == scratch) {
        throw new IllegalStateException("scratch must be another database than the source");
      }
      return new RestoreDrill(this, prepare);
    }
  }
}
