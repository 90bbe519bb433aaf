package dev.guardrails.data;

import dev.guardrails.core.EventSink;
import dev.guardrails.core.EventSinks;
import dev.guardrails.core.GuardContext;
import dev.guardrails.core.GuardrailEvent;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Runs units of work in database transactions under the current {@link GuardContext}.
 *
 * <p>Every transaction belongs to the actor of the context bound to the calling thread; work
 * without a bound context fails with {@link IllegalStateException} before a connection is taken. On
 * PostgreSQL the tenant, actor and correlation id travel as transaction-local settings with the
 * transaction's first statement (see {@link Transaction}), together with a transaction-local {@code
 * statement_timeout} (30 s unless changed).
 *
 * <p>After a commit, an {@link dev.guardrails.core.AuditWrittenEvent} per audited write goes to the
 * builder's event sink.
 *
 * <p>A call inside a transaction of the same database on the same thread joins that transaction.
 * Thread-safe; build one per data source and share it.
 */
public final class Database {

  private static final HexFormat HEX = HexFormat.of();

  private final DataSource dataSource;
  private final Dialect dialect;
  private final Clock clock;
  private final long idPrefix;
  private final AtomicLong idCounter;
  private final @Nullable String statementTimeoutMillis;
  private final EventSink events;

  // one slot per database, so that transactions of two databases on one thread stay apart
  @SuppressWarnings("ThreadLocalUsage")
  private final ThreadLocal<@Nullable Transaction> current = new ThreadLocal<>();

  private Database(Builder builder) {
    this.dataSource = builder.dataSource;
    this.dialect = builder.dialect;
    this.clock = builder.clock;
    // transaction ids are ids, not secrets: one draw per database, then a counter
    this.idPrefix = builder.random.nextLong();
    this.idCounter = new AtomicLong(builder.random.nextLong());
    Duration timeout = builder.statementTimeout;
    this.statementTimeoutMillis = timeout == null ? null : Long.toString(timeout.toMillis());
    this.events = EventSinks.failSafe(builder.events);
  }

  /**
   * Returns a builder.
   *
   * @param dataSource the pool to take connections from, e.g. from {@link ConnectionPool}
   * @param dialect the engine behind it
   * @return the builder
   * @throws NullPointerException if an argument is null
   */
  public static Builder builder(DataSource dataSource, Dialect dialect) {
    return new Builder(
        Objects.requireNonNull(dataSource, "dataSource"),
        Objects.requireNonNull(dialect, "dialect"));
  }

  /** {@return the data source} */
  public DataSource dataSource() {
    return dataSource;
  }

  /** {@return the dialect} */
  public Dialect dialect() {
    return dialect;
  }

  /** {@return the clock that stamps audit rows and expiries} */
  public Clock clock() {
    return clock;
  }

  /**
   * Runs the work in a transaction under the current context: commits when it returns, rolls back
   * when it throws. Joins the transaction already open on this thread, if any.
   *
   * @param work the work
   * @param <T> its result
   * @return the work's result
   * @throws NullPointerException if {@code work} is null
   * @throws IllegalStateException if no {@link GuardContext} is bound to the calling thread, or a
   *     transaction of another context is open on it
   * @throws DataAccessException if a statement, the commit or the connection fails (the transaction
   *     is rolled back)
   * @throws RuntimeException whatever the work throws, unchanged, after rolling back
   */
  public <T extends @Nullable Object> T inTransaction(TransactionWork<T> work) {
    Objects.requireNonNull(work, "work");
    Transaction open = current.get();
    if (open != null) {
      Optional<GuardContext> bound = GuardContext.currentIfBound();
      if (bound.isEmpty() || !bound.get().equals(open.context())) {
        throw new IllegalStateException(
            "a transaction runs under the context it started with; work under another context must"
                + " not join transaction "
                + open.transactionId());
      }
      open.join(1);
      try {
        return work.execute(open);
      } catch (SQLException e) {
        throw new DataAccessException("transaction " + open.transactionId(), e);
      } finally {
        open.join(-1);
      }
    }
    return inNewTransaction(work, false);
  }

  /**
   * Like {@link #inTransaction}, for one operation of the library's own whose last statement goes
   * through {@link Transaction#runLast}: when no transaction is open on the thread, the new one may
   * commit in the same round trip as that statement (on PostgreSQL). Joining an open transaction
   * works exactly as {@link #inTransaction} does, and never commits it.
   */
  <T extends @Nullable Object> T inOwnTransaction(TransactionWork<T> work) {
    if (current.get() != null) {
      return inTransaction(work);
    }
    return inNewTransaction(work, true);
  }

  /** Whether a transaction of this database is open on the calling thread. */
  boolean inTransactionNow() {
    return current.get() != null;
  }

  /** Starts a new transaction, refusing to nest in one open on this thread. */
  <T extends @Nullable Object> T inNewTransaction(TransactionWork<T> work) {
    return inNewTransaction(work, false);
  }

  private <T extends @Nullable Object> T inNewTransaction(
      TransactionWork<T> work, boolean commitMayRide) {
    if (current.get() != null) {
      throw new IllegalStateException(
          "this operation must run in its own transaction, but a transaction is open on thread "
              + Thread.currentThread().getName());
    }
    Optional<GuardContext> bound = GuardContext.currentIfBound();
    if (bound.isEmpty()) {
      throw new IllegalStateException(
          "a transaction needs a GuardContext bound to the calling thread, but none is bound to"
              + " thread "
              + Thread.currentThread().getName());
    }
    String transactionId = newTransactionId();
    try (Connection connection = dataSource.getConnection()) {
      boolean autoCommit = connection.getAutoCommit();
      if (autoCommit) {
        connection.setAutoCommit(false);
      }
      Transaction tx =
          new Transaction(
              connection,
              bound.get(),
              dialect,
              clock,
              transactionId,
              statementTimeoutMillis,
              commitMayRide);
      current.set(tx);
      try {
        T result = work.execute(tx);
        // after a COMMIT that rode with the last statement the driver has no transaction open and
        // sends nothing (pgjdbc skips commit() when idle); the call also clears the pool's state
        connection.commit();
        for (GuardrailEvent event : tx.afterCommit()) {
          events.publish(event);
        }
        return result;
      } catch (Throwable t) {
        rollback(connection, t);
        throw t;
      } finally {
        tx.close();
        current.remove();
        if (autoCommit) {
          restoreAutoCommit(connection);
        }
      }
    } catch (SQLException e) {
      throw new DataAccessException("transaction " + transactionId, e);
    }
  }

  private static void rollback(Connection connection, Throwable failure) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }

  private static void restoreAutoCommit(Connection connection) throws SQLException {
    if (!connection.isClosed()) {
      connection.setAutoCommit(true);
    }
  }

  private String newTransactionId() {
    return HEX.toHexDigits(idPrefix) + HEX.toHexDigits(idCounter.getAndIncrement());
  }

  @Override
  public String toString() {
    return "Database[" + dialect.name() + "]";
  }

  /** Builds a {@link Database}; not thread-safe, {@link #build()} copies. */
  public static final class Builder {
    private final DataSource dataSource;
    private final Dialect dialect;
    private Clock clock = Clock.systemUTC();
    private RandomGenerator random = new SecureRandom();
    private @Nullable Duration statementTimeout = Duration.ofSeconds(30);
    private boolean timeoutSet;
    private EventSink events = EventSink.noop();

    private Builder(DataSource dataSource, Dialect dialect) {
      this.dataSource = dataSource;
      this.dialect = dialect;
    }

    /**
     * Sets the clock that stamps audit rows and expiries (default: system UTC).
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
     * Sets where an {@link dev.guardrails.core.AuditWrittenEvent} goes for every audited write,
     * published after its transaction commits (default: nowhere). A failing sink never fails the
     * transaction.
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
     * Sets the source of transaction ids (default: a {@link SecureRandom}), drawn from twice at
     * {@link #build()}: a per-database prefix and the start of a counter; ids are unique per
     * database but not secret.
     *
     * @param random the generator
     * @return this builder
     * @throws NullPointerException if {@code random} is null
     */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Sets the transaction-local statement timeout on PostgreSQL (default 30 s).
     *
     * @param timeout at least 1 ms
     * @return this builder
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is shorter than 1 ms
     * @throws IllegalStateException if the timeout was already set or removed
     */
    public Builder statementTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.toMillis() < 1) {
        throw new IllegalArgumentException(
            "statement timeout must be at least 1 ms, but was " + timeout);
      }
      markTimeoutSet();
      this.statementTimeout = timeout;
      return this;
    }

    /**
     * Removes the statement timeout, so a statement may run as long as the server allows.
     *
     * @return this builder
     * @throws IllegalStateException if the timeout was already set or removed
     */
    public Builder withoutStatementTimeout() {
      markTimeoutSet();
      this.statementTimeout = null;
      return this;
    }

    private void markTimeoutSet() {
      if (timeoutSet) {
        throw new IllegalStateException(
            "statement timeout was already set; statementTimeout and withoutStatementTimeout"
                + " cannot be combined");
      }
      timeoutSet = true;
    }

    /** {@return the database} */
    public Database build() {
      return new Database(this);
    }
  }
}
