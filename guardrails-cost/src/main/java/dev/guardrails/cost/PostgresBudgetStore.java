package dev.guardrails.cost;

import dev.guardrails.cost.spi.BudgetLine;
import dev.guardrails.cost.spi.BudgetStore;
import dev.guardrails.cost.spi.BudgetUsage;
import dev.guardrails.cost.spi.ReserveOutcome;
import dev.guardrails.cost.spi.SpendChange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link BudgetStore} in PostgreSQL, shared by every instance of an application and surviving
 * restarts.
 *
 * <p>A reservation is one autocommit SQL statement and one network round trip: an {@code INSERT ...
 * ON CONFLICT DO UPDATE ... WHERE} that, per running total, adds the amount only if spend plus
 * reservations plus the amount stays within the limit, plus the insert of the reservation rows.
 * PostgreSQL evaluates each conditional update on the latest committed row version under its row
 * lock, so two instances can never both take the last micro-unit; totals are locked in one order,
 * so reservations do not deadlock each other. If some but not every total took the amount, the
 * statement itself raises (function {@code gr_budget_refuse()}, SQL state {@code GRB01}), so
 * PostgreSQL rolls the whole statement back (all or none) and no row lock is ever held across a
 * round trip to the client. Settling is one statement that deletes the reservation rows (so they do
 * not pile up) and moves their amount into the spend, returning the spend after the update for
 * threshold detection; a second settle of the same call finds no row and changes nothing.
 * Reservations that expire are marked released and kept for a day, so a late settle still records
 * its cost once.
 *
 * <p>Rolling windows are kept as a ring of 61 buckets of a sixtieth of the window each (rounded up
 * to whole milliseconds, so 60 buckets are never shorter than the window), in one row per running
 * total: spend leaves the window between one window and one window plus a bucket after it was
 * settled (never earlier, so the limit holds for every exact window too).
 *
 * <p>Tables: {@code gr_budget_usage}, {@code gr_budget_rolling} and {@code gr_budget_reservation},
 * and the function {@code gr_budget_refuse()}, created by {@link #createSchema()}. A database
 * created by an earlier version is upgraded in place by running it again (or applying {@link
 * #schemaSql()} again) before this version serves: until then reservations and settles fail closed
 * with a message saying so; instances of the earlier version keep working on the upgraded tables.
 * Times of periods and expiries come from the callers' clocks; keep instances' clocks in sync
 * (NTP).
 *
 * <p>Thread-safe; each operation takes its own connection from the data source.
 */
public final class PostgresBudgetStore implements BudgetStore {

  private static final int MAX_TRIES = 5;
  private static final long SWEEP_INTERVAL_MILLIS = 5_000L;
  private static final Instant ROLLING_PERIOD = Instant.EPOCH;

  private static final String SCHEMA =
      """
      CREATE TABLE IF NOT EXISTS gr_budget_usage (
        budget_name text NOT NULL,
        scope_key text NOT NULL,
        period_start timestamptz NOT NULL,
        period_end timestamptz NOT NULL,
        currency char(3) NOT NULL,
        limit_micros bigint NOT NULL CHECK (limit_micros > 0),
        enforced boolean NOT NULL,
        spent_micros bigint NOT NULL DEFAULT 0 CHECK (spent_micros >= 0),
        reserved_micros bigint NOT NULL DEFAULT 0 CHECK (reserved_micros >= 0),
        PRIMARY KEY (budget_name, scope_key, period_start));
      CREATE TABLE IF NOT EXISTS gr_budget_rolling (
        budget_name text NOT NULL,
        scope_key text NOT NULL,
        currency char(3) NOT NULL,
        limit_micros bigint NOT NULL CHECK (limit_micros > 0),
        enforced boolean NOT NULL,
        window_millis bigint NOT NULL CHECK (window_millis > 0),
        bucket_millis bigint NOT NULL CHECK (bucket_millis > 0),
        slots integer NOT NULL CHECK (slots > 0),
        slot_bucket bigint[] NOT NULL,
        slot_micros bigint[] NOT NULL,
        reserved_micros bigint NOT NULL DEFAULT 0 CHECK (reserved_micros >= 0),
        last_millis bigint NOT NULL,
        PRIMARY KEY (budget_name, scope_key));
      CREATE TABLE IF NOT EXISTS gr_budget_reservation (
        call_id text NOT NULL,
        budget_name text NOT NULL,
        scope_key text NOT NULL,
        period_start timestamptz NOT NULL,
        kind char(1) NOT NULL,
        amount_micros bigint NOT NULL CHECK (amount_micros >= 0),
        expires_at timestamptz NOT NULL,
        state char(1) NOT NULL,
        line_count smallint,
        PRIMARY KEY (call_id, budget_name, scope_key, period_start));
      CREATE INDEX IF NOT EXISTS gr_budget_reservation_open
        ON gr_budget_reservation (expires_at) WHERE state = 'R';
      -- Upgrades a table of an earlier version, altering it only if needed (so no table lock
      -- otherwise): line_count, the number of lines of the call (NULL in older rows), is added;
      -- the CHECKs on kind ('C', 'W') and state ('R', 'E', 'S') are dropped, as only the store's
      -- own literals are written there and PostgreSQL prepares every CHECK on every insert.
      DO $$
      BEGIN
        IF NOT EXISTS (
            SELECT 1 FROM pg_attribute
            WHERE attrelid = 'gr_budget_reservation'::regclass AND attname = 'line_count'
              AND NOT attisdropped) THEN
          ALTER TABLE gr_budget_reservation ADD COLUMN line_count smallint;
        END IF;
        IF EXISTS (
            SELECT 1 FROM pg_constraint
            WHERE conrelid = 'gr_budget_reservation'::regclass
              AND conname IN ('gr_budget_reservation_kind_check',
                              'gr_budget_reservation_state_check')) THEN
          ALTER TABLE gr_budget_reservation
            DROP CONSTRAINT IF EXISTS gr_budget_reservation_kind_check,
            DROP CONSTRAINT IF EXISTS gr_budget_reservation_state_check;
        END IF;
      END $$;
      CREATE OR REPLACE FUNCTION gr_budget_refuse() RETURNS bigint LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'budget reservation refused' USING ERRCODE = 'GRB01';
      END $$;
      """;

  /** The SQL state that {@code gr_budget_refuse()} raises to abort a refused reservation. */
  private static final String REFUSED_STATE = "GRB01";

  /** The spend inside the window of a rolling row {@code u} at {@code <now>} millis. */
  private static final String WINDOW_SUM =
      "(SELECT coalesce(sum(s.m), 0)::bigint FROM unnest(u.slot_bucket, u.slot_micros) AS s(b, m)"
          + " WHERE s.b > %s / u.bucket_millis - u.slots)";

  private static final String SETTLE =
      """
      WITH p AS (SELECT ?::text AS call_id, ?::bigint AS actual, ?::bigint AS now_millis),
      res AS (
        SELECT r.budget_name, r.scope_key, r.period_start, r.kind, r.amount_micros, r.state
        FROM gr_budget_reservation r, p
        WHERE r.call_id = p.call_id AND r.state <> 'S'
        ORDER BY r.budget_name, r.scope_key, r.period_start
        FOR UPDATE OF r),
      lk AS (
        SELECT 1 FROM gr_budget_usage u JOIN res USING (budget_name, scope_key, period_start)
        WHERE res.kind = 'C'
        ORDER BY u.budget_name, u.scope_key, u.period_start
        FOR UPDATE OF u),
      lkr AS (
        SELECT 1 FROM gr_budget_rolling u JOIN res USING (budget_name, scope_key)
        WHERE res.kind = 'W'
        ORDER BY u.budget_name, u.scope_key
        FOR UPDATE OF u),
      del AS (
        DELETE FROM gr_budget_reservation r
        USING res, p
        WHERE r.call_id = p.call_id AND r.budget_name = res.budget_name
          AND r.scope_key = res.scope_key AND r.period_start = res.period_start),
      upd AS (
        UPDATE gr_budget_usage u
        SET spent_micros = u.spent_micros + p.actual,
            reserved_micros = u.reserved_micros
              - CASE WHEN res.state = 'R' THEN res.amount_micros ELSE 0 END
        FROM res, p
        WHERE res.kind = 'C' AND u.budget_name = res.budget_name
          AND u.scope_key = res.scope_key AND u.period_start = res.period_start
          AND (SELECT count(*) FROM lk) >= 0
        RETURNING u.budget_name, u.scope_key, u.currency, u.limit_micros, u.period_start,
          u.period_end, u.spent_micros, 0::bigint AS window_millis),
      updr AS (
        UPDATE gr_budget_rolling u
        SET slot_micros[(p.now_millis / u.bucket_millis) %% u.slots + 1] =
              CASE WHEN u.slot_bucket[(p.now_millis / u.bucket_millis) %% u.slots + 1]
                        = p.now_millis / u.bucket_millis
                   THEN u.slot_micros[(p.now_millis / u.bucket_millis) %% u.slots + 1] + p.actual
                   ELSE p.actual END,
            slot_bucket[(p.now_millis / u.bucket_millis) %% u.slots + 1] =
              p.now_millis / u.bucket_millis,
            reserved_micros = u.reserved_micros
              - CASE WHEN res.state = 'R' THEN res.amount_micros ELSE 0 END
        FROM res, p
        WHERE res.kind = 'W' AND u.budget_name = res.budget_name
          AND u.scope_key = res.scope_key AND (SELECT count(*) FROM lkr) >= 0
        RETURNING u.budget_name, u.scope_key, u.currency, u.limit_micros,
          %s AS spent_micros, u.window_millis)
      SELECT budget_name, scope_key, currency, limit_micros, period_start, period_end,
        spent_micros, window_millis FROM upd
      UNION ALL
      SELECT budget_name, scope_key, currency, limit_micros, NULL, NULL, spent_micros,
        window_millis FROM updr
      """
          .formatted(WINDOW_SUM.formatted("(SELECT now_millis FROM p)"));

  /**
   * Settles a call whose reservation has only calendar lines (the common case) in one short
   * statement; it changes nothing if the call also has a rolling line, which {@link #SETTLE} then
   * settles whole. A row of a one-line call ({@code line_count = 1}) needs no look for rolling
   * rows, and a single usage row needs no ordering lock: the update deletes the reservation row
   * before it locks the total, so the hot row is held only for the update and the commit. Several
   * usage rows are locked in the same order as reservations lock them.
   */
  private static final String SETTLE_CALENDAR =
      """
      WITH res AS (
        DELETE FROM gr_budget_reservation r
        WHERE r.call_id = ? AND r.kind = 'C' AND r.state <> 'S'
          AND (r.line_count = 1 OR NOT EXISTS (
            SELECT 1 FROM gr_budget_reservation w
            WHERE w.call_id = r.call_id AND w.kind = 'W' AND w.state <> 'S'))
        RETURNING r.budget_name, r.scope_key, r.period_start, r.amount_micros, r.state),
      lk AS (
        SELECT 1 FROM gr_budget_usage u JOIN res USING (budget_name, scope_key, period_start)
        WHERE (SELECT count(*) FROM res) > 1
        ORDER BY u.budget_name, u.scope_key, u.period_start
        FOR UPDATE OF u)
      UPDATE gr_budget_usage u
      SET spent_micros = u.spent_micros + ?::bigint,
          reserved_micros = u.reserved_micros
            - CASE WHEN res.state = 'R' THEN res.amount_micros ELSE 0 END
      FROM res
      WHERE u.budget_name = res.budget_name AND u.scope_key = res.scope_key
        AND u.period_start = res.period_start AND (SELECT count(*) FROM lk) >= 0
      RETURNING u.budget_name, u.scope_key, u.currency, u.limit_micros, u.period_start,
        u.period_end, u.spent_micros, 0::bigint AS window_millis
      """;

  /**
   * Reserves one calendar line whose total exists (the common case) with a plain conditional
   * update, cheaper than an upsert. The reservation row is inserted first, if the total had room in
   * the statement's snapshot, so the hot total is locked only for its update and the commit.
   * PostgreSQL re-checks the condition on the latest row version under the row lock; if it no
   * longer holds, {@code gr_budget_refuse()} rolls the insert back. Nothing changes when the total
   * is missing or refuses; {@link #RESERVE_ONE_CALENDAR} then decides.
   */
  private static final String RESERVE_ONE_EXISTING =
      """
      WITH res AS (
        INSERT INTO gr_budget_reservation (call_id, budget_name, scope_key, period_start,
          kind, amount_micros, expires_at, state, line_count)
        SELECT ?, u.budget_name, u.scope_key, u.period_start, 'C', ?::bigint, ?::timestamptz,
          'R', 1
        FROM gr_budget_usage u
        WHERE u.budget_name = ? AND u.scope_key = ? AND u.period_start = ?::timestamptz
          AND (NOT ?::boolean OR u.spent_micros + u.reserved_micros + ?::bigint <= ?::bigint)
        RETURNING 1),
      up AS (
        UPDATE gr_budget_usage u
        SET reserved_micros = u.reserved_micros + ?::bigint,
            limit_micros = ?::bigint,
            enforced = ?::boolean
        WHERE u.budget_name = ? AND u.scope_key = ? AND u.period_start = ?::timestamptz
          AND (NOT ?::boolean OR u.spent_micros + u.reserved_micros + ?::bigint <= ?::bigint)
          AND (SELECT count(*) FROM res) = 1
        RETURNING 1)
      SELECT CASE
        WHEN (SELECT count(*) FROM res) = 0 THEN 0::bigint
        WHEN (SELECT count(*) FROM up) = 1 THEN 1::bigint
        ELSE gr_budget_refuse() END
      """;

  /**
   * Reserves one calendar line (the common case): the conditional upsert of its total, and the
   * reservation row only if the total took the amount; a refusal writes nothing.
   */
  private static final String RESERVE_ONE_CALENDAR =
      """
      WITH up AS (
        INSERT INTO gr_budget_usage AS u (budget_name, scope_key, period_start, period_end,
          currency, limit_micros, enforced, spent_micros, reserved_micros)
        SELECT ?, ?, ?::timestamptz, ?::timestamptz, ?, ?::bigint, ?::boolean, 0, ?::bigint
        WHERE ?::bigint <= ?::bigint OR NOT ?::boolean
        ON CONFLICT (budget_name, scope_key, period_start) DO UPDATE
          SET reserved_micros = u.reserved_micros + excluded.reserved_micros,
              limit_micros = excluded.limit_micros,
              enforced = excluded.enforced
          WHERE NOT excluded.enforced
            OR u.spent_micros + u.reserved_micros + excluded.reserved_micros
               <= excluded.limit_micros
        RETURNING u.budget_name, u.scope_key, u.period_start),
      res AS (
        INSERT INTO gr_budget_reservation (call_id, budget_name, scope_key, period_start,
          kind, amount_micros, expires_at, state, line_count)
        SELECT ?, budget_name, scope_key, period_start, 'C', ?::bigint, ?::timestamptz, 'R', 1
        FROM up
        RETURNING 1)
      SELECT count(*) FROM res
      """;

  private static final String EXPIRE =
      """
      WITH exp AS (
        SELECT call_id, budget_name, scope_key, period_start, kind, amount_micros
        FROM gr_budget_reservation
        WHERE state = 'R' AND expires_at <= ?
        ORDER BY budget_name, scope_key, period_start
        FOR UPDATE SKIP LOCKED),
      sums AS (
        SELECT budget_name, scope_key, period_start, kind, sum(amount_micros)::bigint AS amount
        FROM exp GROUP BY budget_name, scope_key, period_start, kind),
      lk AS (
        SELECT 1 FROM gr_budget_usage u JOIN sums USING (budget_name, scope_key, period_start)
        WHERE sums.kind = 'C'
        ORDER BY u.budget_name, u.scope_key, u.period_start
        FOR UPDATE OF u),
      lkr AS (
        SELECT 1 FROM gr_budget_rolling u JOIN sums USING (budget_name, scope_key)
        WHERE sums.kind = 'W'
        ORDER BY u.budget_name, u.scope_key
        FOR UPDATE OF u),
      mark AS (
        UPDATE gr_budget_reservation r SET state = 'E'
        FROM exp
        WHERE r.call_id = exp.call_id AND r.budget_name = exp.budget_name
          AND r.scope_key = exp.scope_key AND r.period_start = exp.period_start),
      upd AS (
        UPDATE gr_budget_usage u SET reserved_micros = u.reserved_micros - sums.amount
        FROM sums
        WHERE sums.kind = 'C' AND u.budget_name = sums.budget_name
          AND u.scope_key = sums.scope_key AND u.period_start = sums.period_start
          AND (SELECT count(*) FROM lk) >= 0),
      updr AS (
        UPDATE gr_budget_rolling u SET reserved_micros = u.reserved_micros - sums.amount
        FROM sums
        WHERE sums.kind = 'W' AND u.budget_name = sums.budget_name
          AND u.scope_key = sums.scope_key AND (SELECT count(*) FROM lkr) >= 0)
      SELECT count(DISTINCT call_id) FROM exp
      """;

  private static final String PURGE =
      "DELETE FROM gr_budget_reservation WHERE state <> 'R' AND expires_at < ?";

  private static final String USAGE =
      "SELECT spent_micros, reserved_micros FROM gr_budget_usage"
          + " WHERE budget_name = ? AND scope_key = ? AND period_start = ?";

  private static final String USAGE_ROLLING =
      "SELECT "
          + WINDOW_SUM.formatted("?::bigint")
          + ", u.reserved_micros FROM gr_budget_rolling u"
          + " WHERE u.budget_name = ? AND u.scope_key = ?";

  private final DataSource dataSource;
  private final ConcurrentHashMap<Integer, String> reserveSql = new ConcurrentHashMap<>();
  private final AtomicLong nextSweepMillis = new AtomicLong(Long.MIN_VALUE);

  private PostgresBudgetStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Creates a store on a data source; call {@link #createSchema()} once (or apply {@link
   * #schemaSql()} with your migrations) before use.
   *
   * @param dataSource connections to the PostgreSQL database every instance shares
   * @return the store
   * @throws NullPointerException if the data source is null
   */
  public static PostgresBudgetStore create(DataSource dataSource) {
    return new PostgresBudgetStore(Objects.requireNonNull(dataSource, "dataSource"));
  }

  /**
   * Returns the DDL of the store's tables and index ({@code CREATE ... IF NOT EXISTS}), for
   * applications that apply schema changes with their own migration tool instead of {@link
   * #createSchema()}.
   *
   * @return the SQL script
   */
  public static String schemaSql() {
    return SCHEMA;
  }

  /**
   * Creates the store's tables and index if they do not exist.
   *
   * @throws IllegalStateException if the database refuses
   */
  public void createSchema() {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(SCHEMA);
      commitUnlessAutoCommit(c);
    } catch (SQLException e) {
      throw failure("create the budget tables", e);
    }
  }

  @Override
  public boolean supportsRollingWindows() {
    return true;
  }

  @Override
  public ReserveOutcome reserve(
      String callId, List<BudgetLine> lines, Instant now, Instant expiresAt) {
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(lines, "lines");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("lines must not be empty");
    }
    maybeSweep(now);
    boolean oneCalendar = lines.size() == 1 && !lines.get(0).rolling();
    String sql =
        oneCalendar
            ? RESERVE_ONE_CALENDAR
            : reserveSql.computeIfAbsent(
                anyRolling(lines) ? -lines.size() : lines.size(), PostgresBudgetStore::reserveSql);
    for (int attempt = 1; ; attempt++) {
      try (Connection c = dataSource.getConnection()) {
        boolean autoCommit = autoCommit(c);
        try {
          boolean granted =
              oneCalendar
                  ? reserveOneCalendar(c, callId, lines.get(0), expiresAt)
                  : reserveOnce(c, sql, callId, lines, expiresAt, now);
          if (granted) {
            return ReserveOutcome.granted();
          }
          ReserveOutcome refused = diagnose(c, lines, now);
          if (refused != null || attempt >= MAX_TRIES) {
            return refused != null ? refused : ReserveOutcome.refused(0, 0, 0, null);
          }
        } finally {
          restoreAutoCommit(c, autoCommit);
        }
      } catch (SQLException e) {
        if ("23505".equals(e.getSQLState())) {
          throw new IllegalArgumentException("call id is already reserved: " + callId, e);
        }
        if (!retryable(e) || attempt >= MAX_TRIES) {
          throw failure("reserve", e);
        }
      }
    }
  }

  /**
   * Runs the reservation as one autocommit statement: it either reserves every line and commits, or
   * {@code gr_budget_refuse()} aborts it inside the statement, so no row lock is ever held across a
   * network round trip.
   *
   * @return true if granted, false if refused (nothing was written)
   */
  private static boolean reserveOnce(
      Connection c,
      String sql,
      String callId,
      List<BudgetLine> lines,
      Instant expiresAt,
      Instant now)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      long nowMillis = now.toEpochMilli();
      int i = 1;
      for (BudgetLine line : lines) {
        ps.setString(i++, line.budgetName());
        ps.setString(i++, line.scopeKey());
        ps.setString(i++, line.rolling() ? "W" : "C");
        ps.setObject(i++, utc(line.rolling() ? ROLLING_PERIOD : line.periodStart()));
        ps.setObject(i++, utc(line.rolling() ? ROLLING_PERIOD : line.periodEnd()));
        ps.setString(i++, line.currency().getCurrencyCode());
        ps.setLong(i++, line.limitMicros());
        ps.setBoolean(i++, line.enforced());
        ps.setLong(i++, line.amountMicros());
        ps.setLong(i++, line.rolling() ? windowMillis(line) : 0);
        ps.setLong(i++, nowMillis);
      }
      ps.setString(i++, callId);
      ps.setObject(i++, utc(expiresAt));
      ps.setInt(i++, lines.size());
      ps.setInt(i++, lines.size());
      ps.setInt(i, lines.size());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1) == 1;
      }
    } catch (SQLException e) {
      if (REFUSED_STATE.equals(e.getSQLState())) {
        return false;
      }
      throw e;
    }
  }

  private static boolean reserveOneCalendar(
      Connection c, String callId, BudgetLine line, Instant expiresAt) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(RESERVE_ONE_EXISTING)) {
      OffsetDateTime start = utc(line.periodStart());
      ps.setString(1, callId);
      ps.setLong(2, line.amountMicros());
      ps.setObject(3, utc(expiresAt));
      int i = bindTotalWithRoom(ps, 4, line, start);
      ps.setLong(i++, line.amountMicros());
      ps.setLong(i++, line.limitMicros());
      ps.setBoolean(i++, line.enforced());
      bindTotalWithRoom(ps, i, line, start);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        if (rs.getLong(1) == 1) {
          return true;
        }
      }
    } catch (SQLException e) {
      if (!REFUSED_STATE.equals(e.getSQLState())) {
        throw e;
      }
      // the snapshot had room but the latest total has not: the upsert below decides
    }
    // the total does not exist yet, or refuses: the upsert creates it or refuses again
    try (PreparedStatement ps = c.prepareStatement(RESERVE_ONE_CALENDAR)) {
      ps.setString(1, line.budgetName());
      ps.setString(2, line.scopeKey());
      ps.setObject(3, utc(line.periodStart()));
      ps.setObject(4, utc(line.periodEnd()));
      ps.setString(5, line.currency().getCurrencyCode());
      ps.setLong(6, line.limitMicros());
      ps.setBoolean(7, line.enforced());
      ps.setLong(8, line.amountMicros());
      ps.setLong(9, line.amountMicros());
      ps.setLong(10, line.limitMicros());
      ps.setBoolean(11, line.enforced());
      ps.setString(12, callId);
      ps.setLong(13, line.amountMicros());
      ps.setObject(14, utc(expiresAt));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1) == 1;
      }
    }
  }

  /**
   * Binds the key of a line's total and the amount, limit and enforcement of its room check, from
   * parameter {@code i}; returns the next parameter.
   */
  private static int bindTotalWithRoom(
      PreparedStatement ps, int i, BudgetLine line, OffsetDateTime start) throws SQLException {
    ps.setString(i, line.budgetName());
    ps.setString(i + 1, line.scopeKey());
    ps.setObject(i + 2, start);
    ps.setBoolean(i + 3, line.enforced());
    ps.setLong(i + 4, line.amountMicros());
    ps.setLong(i + 5, line.limitMicros());
    return i + 6;
  }

  private static boolean anyRolling(List<BudgetLine> lines) {
    for (BudgetLine line : lines) {
      if (line.rolling()) {
        return true;
      }
    }
    return false;
  }

  /** Puts the connection in autocommit mode; returns the mode to restore. */
  private static boolean autoCommit(Connection c) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    if (!autoCommit) {
      c.setAutoCommit(true);
    }
    return autoCommit;
  }

  private static void restoreAutoCommit(Connection c, boolean autoCommit) throws SQLException {
    if (!autoCommit) {
      c.setAutoCommit(false);
    }
  }

  private static @Nullable ReserveOutcome diagnose(
      Connection c, List<BudgetLine> lines, Instant now) throws SQLException {
    for (int i = 0; i < lines.size(); i++) {
      BudgetLine line = lines.get(i);
      BudgetUsage usage = read(c, line, now);
      if (line.enforced()
          && line.amountMicros()
              > line.limitMicros() - usage.spentMicros() - usage.reservedMicros()) {
        return ReserveOutcome.refused(i, usage.spentMicros(), usage.reservedMicros(), null);
      }
    }
    return null;
  }

  private static BudgetUsage read(Connection c, BudgetLine line, Instant now) throws SQLException {
    if (line.rolling()) {
      try (PreparedStatement ps = c.prepareStatement(USAGE_ROLLING)) {
        ps.setLong(1, now.toEpochMilli());
        ps.setString(2, line.budgetName());
        ps.setString(3, line.scopeKey());
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? new BudgetUsage(rs.getLong(1), rs.getLong(2)) : new BudgetUsage(0, 0);
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement(USAGE)) {
      ps.setString(1, line.budgetName());
      ps.setString(2, line.scopeKey());
      ps.setObject(3, utc(line.periodStart()));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new BudgetUsage(rs.getLong(1), rs.getLong(2)) : new BudgetUsage(0, 0);
      }
    }
  }

  @Override
  public List<SpendChange> settle(String callId, long actualMicros, Instant now) {
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(now, "now");
    if (actualMicros < 0) {
      throw new IllegalArgumentException(
          "actualMicros must not be negative, but was " + actualMicros);
    }
    for (int attempt = 1; ; attempt++) {
      try (Connection c = dataSource.getConnection()) {
        boolean autoCommit = autoCommit(c);
        try {
          return settleOnce(c, callId, actualMicros, now);
        } finally {
          restoreAutoCommit(c, autoCommit);
        }
      } catch (SQLException e) {
        if (!retryable(e) || attempt >= MAX_TRIES) {
          throw failure("settle", e);
        }
      }
    }
  }

  private static List<SpendChange> settleOnce(
      Connection c, String callId, long actualMicros, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(SETTLE_CALENDAR)) {
      ps.setString(1, callId);
      ps.setLong(2, actualMicros);
      List<SpendChange> changes = changes(ps, actualMicros, now);
      if (!changes.isEmpty()) {
        return changes;
      }
    }
    // a rolling line, or nothing to settle
    try (PreparedStatement ps = c.prepareStatement(SETTLE)) {
      ps.setString(1, callId);
      ps.setLong(2, actualMicros);
      ps.setLong(3, now.toEpochMilli());
      return changes(ps, actualMicros, now);
    }
  }

  private static List<SpendChange> changes(PreparedStatement ps, long actualMicros, Instant now)
      throws SQLException {
    {
      List<SpendChange> changes = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long after = rs.getLong(7);
          long window = rs.getLong(8);
          OffsetDateTime start = rs.getObject(5, OffsetDateTime.class);
          OffsetDateTime end = rs.getObject(6, OffsetDateTime.class);
          changes.add(
              new SpendChange(
                  rs.getString(1),
                  rs.getString(2),
                  Currency.getInstance(rs.getString(3)),
                  rs.getLong(4),
                  start == null ? now.minusMillis(window) : start.toInstant(),
                  end == null ? now : end.toInstant(),
                  after - actualMicros,
                  after));
        }
      }
      return changes;
    }
  }

  @Override
  public int expireReservations(Instant now) {
    Objects.requireNonNull(now, "now");
    for (int attempt = 1; ; attempt++) {
      try (Connection c = dataSource.getConnection()) {
        boolean autoCommit = autoCommit(c);
        try {
          return expireOnce(c, now);
        } finally {
          restoreAutoCommit(c, autoCommit);
        }
      } catch (SQLException e) {
        if (!retryable(e) || attempt >= MAX_TRIES) {
          throw failure("expire reservations", e);
        }
      }
    }
  }

  private static int expireOnce(Connection c, Instant now) throws SQLException {
    int released;
    try (PreparedStatement ps = c.prepareStatement(EXPIRE)) {
      ps.setObject(1, utc(now));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        released = rs.getInt(1);
      }
    }
    try (PreparedStatement ps = c.prepareStatement(PURGE)) {
      ps.setObject(1, utc(now.minus(Duration.ofDays(1))));
      ps.executeUpdate();
    }
    return released;
  }

  @Override
  public BudgetUsage usage(BudgetLine line) {
    Objects.requireNonNull(line, "line");
    try (Connection c = dataSource.getConnection()) {
      return read(c, line, line.periodEnd());
    } catch (SQLException e) {
      throw failure("read usage", e);
    }
  }

  @Override
  public String toString() {
    return "PostgresBudgetStore";
  }

  private void maybeSweep(Instant now) {
    long millis = now.toEpochMilli();
    long next = nextSweepMillis.get();
    if (millis >= next && nextSweepMillis.compareAndSet(next, millis + SWEEP_INTERVAL_MILLIS)) {
      expireReservations(now);
    }
  }

  private static long windowMillis(BudgetLine line) {
    return Math.max(1, Duration.between(line.periodStart(), line.periodEnd()).toMillis());
  }

  /**
   * The reservation of several lines, or of any rolling line.
   *
   * @param key the number of lines, negated if any line is rolling
   */
  private static String reserveSql(int key) {
    int lines = Math.abs(key);
    boolean rolling = key < 0;
    StringBuilder values = new StringBuilder();
    for (int i = 0; i < lines; i++) {
      if (i > 0) {
        values.append(", ");
      }
      values.append(
          "(?::text, ?::text, ?::text, ?::timestamptz, ?::timestamptz, ?::text, ?::bigint,"
              + " ?::boolean, ?::bigint, ?::bigint, ?::bigint)");
    }
    String sql =
        """
        WITH req (budget_name, scope_key, kind, period_start, period_end, currency, limit_micros,
                  enforced, amount, window_millis, now_millis) AS (VALUES %s),
        up AS (
          INSERT INTO gr_budget_usage AS u (budget_name, scope_key, period_start, period_end,
            currency, limit_micros, enforced, spent_micros, reserved_micros)
          SELECT budget_name, scope_key, period_start, period_end, currency, limit_micros,
            enforced, 0, amount
          FROM req
          WHERE kind = 'C' AND (amount <= limit_micros OR NOT enforced)
          ORDER BY budget_name, scope_key, period_start
          ON CONFLICT (budget_name, scope_key, period_start) DO UPDATE
            SET reserved_micros = u.reserved_micros + excluded.reserved_micros,
                limit_micros = excluded.limit_micros,
                enforced = excluded.enforced
            WHERE NOT excluded.enforced
              OR u.spent_micros + u.reserved_micros + excluded.reserved_micros
                 <= excluded.limit_micros
          RETURNING 1),
        upr AS (
          INSERT INTO gr_budget_rolling AS u (budget_name, scope_key, currency, limit_micros,
            enforced, window_millis, bucket_millis, slots, slot_bucket, slot_micros,
            reserved_micros, last_millis)
          SELECT budget_name, scope_key, currency, limit_micros, enforced, window_millis,
            (window_millis + 59) / 60, 61, array_fill(-1::bigint, ARRAY[61]),
            array_fill(0::bigint, ARRAY[61]), amount, now_millis
          FROM req
          WHERE kind = 'W' AND (amount <= limit_micros OR NOT enforced)
          ORDER BY budget_name, scope_key
          ON CONFLICT (budget_name, scope_key) DO UPDATE
            SET reserved_micros = u.reserved_micros + excluded.reserved_micros,
                limit_micros = excluded.limit_micros,
                enforced = excluded.enforced,
                last_millis = excluded.last_millis
            WHERE NOT excluded.enforced
              OR %s + u.reserved_micros + excluded.reserved_micros <= excluded.limit_micros
          RETURNING 1),
        res AS (
          INSERT INTO gr_budget_reservation (call_id, budget_name, scope_key, period_start,
            kind, amount_micros, expires_at, state, line_count)
          SELECT ?, budget_name, scope_key, period_start, kind, amount, ?::timestamptz, 'R',
            ?::smallint
          FROM req
          WHERE (SELECT count(*) FROM up) + (SELECT count(*) FROM upr) = ?
          RETURNING 1),
        n AS (
          SELECT (SELECT count(*) FROM up) + (SELECT count(*) FROM upr) AS took,
            (SELECT count(*) FROM res) AS written)
        SELECT CASE
          WHEN took = ? AND written = took THEN 1::bigint
          WHEN took = 0 AND written = 0 THEN 0::bigint
          ELSE gr_budget_refuse() END
        FROM n
        """
            .formatted(values, WINDOW_SUM.formatted("excluded.last_millis"));
    if (rolling) {
      return sql;
    }
    // calendar lines only: no rolling upsert to plan and run
    int from = sql.indexOf("upr AS (");
    int to = sql.indexOf("res AS (");
    return sql.substring(0, from) + "upr AS (SELECT 1 AS one WHERE false),\n" + sql.substring(to);
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  private static boolean retryable(SQLException e) {
    String state = e.getSQLState();
    return "40P01".equals(state) || "40001".equals(state);
  }

  /**
   * Commits when the data source hands out connections without auto-commit (a HikariCP pool built
   * with {@code autoCommit=false}, as guardrails-data's {@code ConnectionPool} builds them): else
   * the pool rolls the write back when the connection returns.
   */
  private static void commitUnlessAutoCommit(Connection c) throws SQLException {
    if (!c.getAutoCommit()) {
      c.commit();
    }
  }

  private static IllegalStateException failure(String what, SQLException e) {
    String state = e.getSQLState();
    if ("42883".equals(state) || "42703".equals(state)) {
      // gr_budget_refuse() or column line_count missing: a schema of an earlier version
      return new IllegalStateException(
          "budget store could not "
              + what
              + ": the schema is of an earlier version; run createSchema() or apply schemaSql()"
              + " again (SQL state "
              + state
              + ")",
          e);
    }
    return new IllegalStateException("budget store could not " + what + ": SQL state " + state, e);
  }
}
