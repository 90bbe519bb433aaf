package dev.guardrails.data;

import dev.guardrails.core.Actor;
import dev.guardrails.core.GuardContext;
import dev.guardrails.core.GuardrailEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One open database transaction, bound to the {@link GuardContext} it was started under.
 *
 * <p>On PostgreSQL the first statement of the transaction carries the context's tenant, actor and
 * correlation id as transaction-local settings ({@code set_config(name, value, true)}) in the same
 * network round trip: the settings statement is prepended to the first statement, executed before
 * it, and vanishes at commit or rollback, so nothing leaks to the next borrower of a pooled
 * connection. Row-level security policies read them through {@code current_setting}.
 *
 * <p>Not thread-safe: use a transaction only on the thread that runs its {@link TransactionWork},
 * and only until that work returns.
 */
public final class Transaction {

  /** The transaction-local setting that holds the actor's tenant id. */
  public static final String TENANT_SETTING = "guardrails.tenant_id";

  /** The transaction-local setting that holds the actor's id. */
  public static final String ACTOR_SETTING = "guardrails.actor_id";

  /** The transaction-local setting that holds the actor's kind (PERSON, SERVICE, JOB). */
  public static final String ACTOR_KIND_SETTING = "guardrails.actor_kind";

  /** The transaction-local setting that holds the request's correlation id. */
  public static final String CORRELATION_SETTING = "guardrails.correlation_id";

  private static final Sql COMMIT = new Sql("COMMIT", List.of());

  private final Connection connection;
  private final GuardContext context;
  private final Dialect dialect;
  private final Clock clock;
  private final String transactionId;
  private final List<Sql> pendingSettings;
  private final List<GuardrailEvent> afterCommit = new ArrayList<>();
  private boolean settingsSent;
  private boolean closed;
  // set for a transaction the library opened for one operation of its own: its last statement may
  // carry the COMMIT in the same round trip (see runLast)
  private final boolean commitMayRide;
  private int joined;
  private boolean committed;

  Transaction(
      Connection connection,
      GuardContext context,
      Dialect dialect,
      Clock clock,
      String transactionId,
      @Nullable String statementTimeoutMillis,
      boolean commitMayRide) {
    this.commitMayRide = commitMayRide;
    this.connection = connection;
    this.context = context;
    this.dialect = dialect;
    this.clock = clock;
    this.transactionId = transactionId;
    Actor actor = context.actor();
    List<@Nullable Object> params =
        new ArrayList<>(
            Arrays.asList(
                TENANT_SETTING,
                actor.tenantId(),
                ACTOR_SETTING,
                actor.id(),
                ACTOR_KIND_SETTING,
                actor.kind().name(),
                CORRELATION_SETTING,
                context.correlationId()));
    if (statementTimeoutMillis != null) {
      params.add("statement_timeout");
      params.add(statementTimeoutMillis);
    }
    Optional<String> settingsSql = dialect.transactionSettingsSql(params.size() / 2);
    this.pendingSettings =
        settingsSql.isPresent() ? List.of(new Sql(settingsSql.get(), params)) : List.of();
  }

  /** {@return the context the transaction runs under} */
  public GuardContext context() {
    return context;
  }

  /** {@return the actor the transaction runs for} */
  public Actor actor() {
    return context.actor();
  }

  /** {@return an id unique to this transaction, recorded in every audit row it writes} */
  public String transactionId() {
    return transactionId;
  }

  /** {@return the current time of the database's injected clock} */
  public Instant now() {
    return clock.instant();
  }

  /** {@return the database's dialect} */
  public Dialect dialect() {
    return dialect;
  }

  /**
   * Runs one statement that writes, with the context's settings riding along if not sent yet.
   *
   * <p>A write through this method is not audited; use an {@link AuditedRepository} for records.
   *
   * @param sql the statement, with {@code ?} placeholders
   * @param params the parameters in order; {@link Instant} and enum values are converted
   * @return the update count
   * @throws SQLException if the statement fails
   * @throws NullPointerException if {@code sql} is null
   * @throws IllegalStateException if the transaction has ended
   */
  public int update(String sql, @Nullable Object... params) throws SQLException {
    Objects.requireNonNull(sql, "sql");
    return run(List.of(Sql.of(sql, params)), null).counts[0];
  }

  /**
   * Runs a query and maps every row, with the context's settings riding along if not sent yet.
   *
   * @param sql the query, with {@code ?} placeholders
   * @param mapper maps each row
   * @param params the parameters in order
   * @param <T> the row type
   * @return the rows, in the order the query returned them
   * @throws SQLException if the query fails
   * @throws NullPointerException if {@code sql} or {@code mapper} is null
   * @throws IllegalStateException if the transaction has ended
   */
  public <T> List<T> query(String sql, RowMapper<T> mapper, @Nullable Object... params)
      throws SQLException {
    Objects.requireNonNull(sql, "sql");
    Objects.requireNonNull(mapper, "mapper");
    return run(List.of(Sql.of(sql, params)), mapper).rows;
  }

  /**
   * Runs a query expected to return at most one row.
   *
   * @param sql the query
   * @param mapper maps the row
   * @param params the parameters in order
   * @param <T> the row type
   * @return the row, or empty
   * @throws SQLException if the query fails
   * @throws IllegalStateException if the query returns more than one row or the transaction has
   *     ended
   */
  public <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, @Nullable Object... params)
      throws SQLException {
    List<T> rows = query(sql, mapper, params);
    if (rows.size() > 1) {
      throw new IllegalStateException(
          "query must return at most one row, but returned " + rows.size());
    }
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  /**
   * Returns the transaction's connection for work this class does not cover, after sending the
   * context's settings. Do not commit, roll back, close it or change its auto-commit mode.
   *
   * @return the connection
   * @throws SQLException if the settings cannot be sent
   * @throws IllegalStateException if the transaction has ended
   */
  public Connection connection() throws SQLException {
    run(List.of(), null);
    return connection;
  }

  /** Result of {@link #run}: one update count per statement (-1 for a query) and mapped rows. */
  static final class Results<T> {
    final int[] counts;
    final List<T> rows;

    Results(int[] counts, List<T> rows) {
      this.counts = counts;
      this.rows = rows;
    }
  }

  /**
   * Runs statements in order; on a dialect that allows it, in one round trip together with the
   * pending settings. Rows of the last statement are mapped when a mapper is given.
   */
  <T> Results<T> run(List<Sql> statements, @Nullable RowMapper<T> mapper) throws SQLException {
    return run(statements, mapper, false);
  }

  /**
   * Like {@link #run(List, RowMapper)}, for the last statements of an operation that the library
   * runs in a transaction of its own ({@link Database#inOwnTransaction}): on PostgreSQL the {@code
   * COMMIT} then travels in the same round trip, after them, so the whole transaction (its {@code
   * BEGIN}, the settings, the statements, the {@code COMMIT}) is one network round trip. A failing
   * statement makes the server skip the {@code COMMIT}; the transaction is then rolled back as
   * usual. After a riding commit the transaction accepts no further statement.
   */
  <T> Results<T> runLast(List<Sql> statements, @Nullable RowMapper<T> mapper) throws SQLException {
    return run(statements, mapper, commitCanRide());
  }

  /**
   * Whether the next {@link #runLast} sends the COMMIT along: only in a transaction the library
   * opened for one operation, not joined by other work, on PostgreSQL.
   */
  boolean commitCanRide() {
    return commitMayRide && joined == 0 && !committed && dialect instanceof PostgresDialect;
  }

  private <T> Results<T> run(List<Sql> statements, @Nullable RowMapper<T> mapper, boolean commit)
      throws SQLException {
    if (closed || committed) {
      throw new IllegalStateException("transaction " + transactionId + " has ended");
    }
    List<Sql> all = statements;
    int skip = 0;
    if ((!settingsSent && !pendingSettings.isEmpty()) || commit) {
      all = new ArrayList<>(statements.size() + 2);
      if (!settingsSent) {
        all.addAll(pendingSettings);
        skip = pendingSettings.size();
      }
      all.addAll(statements);
      if (commit) {
        all.add(COMMIT);
      }
    }
    int mapped = skip + statements.size() - 1;
    int[] counts = new int[all.size()];
    List<T> rows = new ArrayList<>();
    if (all.isEmpty()) {
      return new Results<>(counts, rows);
    }
    if (dialect.supportsMultipleStatements() && all.size() > 1) {
      runCombined(all, mapper, mapped, counts, rows);
    } else {
      for (int i = 0; i < all.size(); i++) {
        counts[i] = runSingle(all.get(i), i == mapped ? mapper : null, rows);
      }
    }
    settingsSent = true;
    if (commit) {
      committed = true;
    }
    return new Results<>(Arrays.copyOfRange(counts, skip, skip + statements.size()), rows);
  }

  private <T> int runSingle(Sql sql, @Nullable RowMapper<T> mapper, List<T> rows)
      throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(sql.text)) {
      bindAll(ps, sql.params, 1);
      if (ps.execute()) {
        try (ResultSet rs = ps.getResultSet()) {
          if (mapper != null) {
            mapAll(rs, mapper, rows);
          }
        }
        return -1;
      }
      return ps.getUpdateCount();
    }
  }

  private <T> void runCombined(
      List<Sql> all, @Nullable RowMapper<T> mapper, int mapped, int[] counts, List<T> rows)
      throws SQLException {
    StringBuilder text = new StringBuilder();
    List<@Nullable Object> params = new ArrayList<>();
    for (Sql sql : all) {
      if (text.length() > 0) {
        text.append(";\n");
      }
      text.append(sql.text);
      params.addAll(sql.params);
    }
    try (PreparedStatement ps = connection.prepareStatement(text.toString())) {
      bindAll(ps, params, 1);
      boolean isResultSet = ps.execute();
      for (int i = 0; i < all.size(); i++) {
        if (i > 0) {
          isResultSet = ps.getMoreResults();
        }
        if (isResultSet) {
          try (ResultSet rs = ps.getResultSet()) {
            if (mapper != null && i == mapped) {
              mapAll(rs, mapper, rows);
            }
          }
          counts[i] = -1;
        } else {
          counts[i] = ps.getUpdateCount();
        }
      }
    }
  }

  private static void bindAll(PreparedStatement ps, List<@Nullable Object> params, int first)
      throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      JdbcValues.bind(ps, first + i, params.get(i));
    }
  }

  private static <T> void mapAll(ResultSet rs, RowMapper<T> mapper, List<T> rows)
      throws SQLException {
    while (rs.next()) {
      rows.add(Objects.requireNonNull(mapper.map(rs), "row mapper returned null"));
    }
  }

  /** Queues an event to publish once the transaction commits. */
  void publishAfterCommit(GuardrailEvent event) {
    afterCommit.add(event);
  }

  List<GuardrailEvent> afterCommit() {
    return afterCommit;
  }

  void close() {
    closed = true;
  }

  /** {@return whether the COMMIT already travelled with the last statement} */
  boolean committed() {
    return committed;
  }

  /** Marks that work joins this transaction (or leaves it), so no COMMIT rides meanwhile. */
  void join(int delta) {
    joined += delta;
  }

  @Override
  public String toString() {
    return "Transaction[" + transactionId + " " + context.actor() + "]";
  }
}
