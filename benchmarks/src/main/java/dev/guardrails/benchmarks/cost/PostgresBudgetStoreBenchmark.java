package dev.guardrails.benchmarks.cost;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.guardrails.core.Actor;
import dev.guardrails.core.Money;
import dev.guardrails.cost.Budget;
import dev.guardrails.cost.BudgetGuard;
import dev.guardrails.cost.BudgetPeriod;
import dev.guardrails.cost.BudgetScope;
import dev.guardrails.cost.PostgresBudgetStore;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Currency;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One hot budget on PostgreSQL with 8 threads, side by side with Bucket4j's PostgreSQL backend on
 * the same database and the same HikariCP pool (8 connections).
 *
 * <ul>
 *   <li>{@link #guardrailsReserveSettle}: {@link BudgetGuard#reserve} then {@link
 *       BudgetGuard#settle} of one call on a {@link PostgresBudgetStore}, one GLOBAL monthly budget
 *       every thread charges (two autocommit statements, one round trip each: the insert of the
 *       reservation row plus the conditional update of the total, then the settle that deletes the
 *       reservation row and moves reserved into spent; each locks the hot total last, so the row is
 *       held only for its update and the commit, never across a round trip);
 *   <li>{@link #bucket4jAdvisoryLockTryConsume}: {@code tryConsume(1)} on one bucket of Bucket4j's
 *       {@code PostgreSQLadvisoryLockBasedProxyManager} (one transaction: advisory lock, select,
 *       update);
 *   <li>{@link #bucket4jSelectForUpdateTryConsume}: the same with {@code
 *       PostgreSQLSelectForUpdateBasedProxyManager}.
 * </ul>
 *
 * <p><b>Target: {@code guardrailsReserveSettle} ops/s at least those of the Bucket4j methods</b>,
 * while doing more (a reservation that expires if never settled, idempotent settle, spend and
 * reservation totals). Neither side ever runs out: the budget is 10^9 USD against one micro-dollar
 * a call, the bucket holds 10^12 tokens and refills 10^9 a second.
 *
 * <p>PostgreSQL is embedded (zonky, fsync and synchronous_commit off, so commits are cheaper than
 * on a durable server) unless {@code GUARDRAILS_PG_URL} names a server, on which a fresh database
 * is created and dropped afterwards.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar
 * 'dev.guardrails.benchmarks.cost.PostgresBudgetStoreBenchmark'} (8 threads are set by the
 * annotation).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
@Threads(8)
@State(Scope.Benchmark)
public class PostgresBudgetStoreBenchmark {

  private static final Currency USD = Currency.getInstance("USD");
  private static final String DATABASE = "guardrails_bench_cost";
  private static final int POOL_SIZE = 8;
  private static final long BUCKET_KEY = 1L;
  private static final String OPERATION = "bench.upstream";

  /** The bucket table of Bucket4j's PostgreSQL documentation. */
  private static final String BUCKET_TABLE =
      "CREATE TABLE IF NOT EXISTS bucket(id BIGINT PRIMARY KEY, state BYTEA, expires_at BIGINT)";

  private static final Duration SECOND = Duration.ofSeconds(1);
  private static final Money COST = Money.ofMicros(1, USD);

  private final Actor actor = Actor.person("user-42", "tenant-7", "clerk");

  /** What the trial setup builds. */
  private record Env(
      @Nullable EmbeddedPostgres embedded,
      @Nullable Runnable dropDatabase,
      HikariDataSource pool,
      BudgetGuard budgets,
      BucketProxy advisory,
      BucketProxy selectForUpdate) {}

  private @Nullable Env env;

  /**
   * Starts PostgreSQL (or connects to {@code GUARDRAILS_PG_URL}), creates both schemas and the
   * pool.
   *
   * @throws IOException if embedded PostgreSQL cannot start
   * @throws SQLException if the schema cannot be created
   */
  @Setup(Level.Trial)
  public void start() throws IOException, SQLException {
    QuietLogging.rootAtWarn();
    String external = System.getenv("GUARDRAILS_PG_URL");
    EmbeddedPostgres embedded = null;
    PGSimpleDataSource admin = new PGSimpleDataSource();
    PGSimpleDataSource owner = new PGSimpleDataSource();
    Runnable drop = null;
    if (external != null && !external.isBlank()) {
      String database = DATABASE + "_" + ProcessHandle.current().pid();
      admin.setURL(external);
      execute(admin, "CREATE DATABASE " + database);
      drop = () -> dropDatabase(admin, database);
      owner.setURL(external);
      owner.setDatabaseName(database);
    } else {
      embedded = EmbeddedPostgres.builder().start();
      owner.setServerNames(new String[] {"localhost"});
      owner.setPortNumbers(new int[] {embedded.getPort()});
      owner.setDatabaseName("postgres");
      owner.setUser("postgres");
    }
    HikariConfig config = new HikariConfig();
    config.setDataSource(owner);
    config.setPoolName("bench-cost");
    config.setMaximumPoolSize(POOL_SIZE);
    config.setMinimumIdle(POOL_SIZE);
    HikariDataSource pool = new HikariDataSource(config);

    PostgresBudgetStore store = PostgresBudgetStore.create(pool);
    store.createSchema();
    execute(pool, BUCKET_TABLE);
    BudgetGuard budgets =
        BudgetGuard.builder(store)
            .budget(
                Budget.builder("hot-global-monthly")
                    .scope(BudgetScope.GLOBAL)
                    .limit(Money.of("1000000000", USD))
                    .period(BudgetPeriod.month(ZoneOffset.UTC))
                    .build())
            .build();
    BucketConfiguration bucket =
        BucketConfiguration.builder()
            .addLimit(
                limit -> limit.capacity(1_000_000_000_000L).refillGreedy(1_000_000_000L, SECOND))
            .build();
    BucketProxy advisory =
        Bucket4jPostgreSQL.advisoryLockBasedBuilder(pool)
            .build()
            .builder()
            .build(BUCKET_KEY, () -> bucket);
    BucketProxy selectForUpdate =
        Bucket4jPostgreSQL.selectForUpdateBasedBuilder(pool)
            .build()
            .builder()
            .build(BUCKET_KEY, () -> bucket);
    env = new Env(embedded, drop, pool, budgets, advisory, selectForUpdate);
    if (!advisory.tryConsume(1) || !selectForUpdate.tryConsume(1)) {
      throw new IllegalStateException("a fresh bucket must grant a token");
    }
    guardrailsReserveSettle();
  }

  /** Closes the pool and stops PostgreSQL (or drops the database on an external server). */
  @TearDown(Level.Trial)
  public void stop() throws IOException {
    Env e = env;
    env = null;
    if (e == null) {
      return;
    }
    e.pool().close();
    Runnable drop = e.dropDatabase();
    if (drop != null) {
      drop.run();
    }
    EmbeddedPostgres embedded = e.embedded();
    if (embedded != null) {
      embedded.close();
    }
  }

  /**
   * Ours: reserve the estimate in the hot budget, then settle the actual cost.
   *
   * @return whether the settle changed the totals (always true)
   */
  @Benchmark
  public boolean guardrailsReserveSettle() {
    BudgetGuard budgets = Objects.requireNonNull(env).budgets();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String callId = Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
    if (!budgets.reserve(callId, actor, OPERATION, COST)) {
      throw new IllegalStateException("the hot budget must apply");
    }
    return budgets.settle(callId, COST);
  }

  /**
   * Bucket4j, advisory-lock backend: take one token from the hot bucket.
   *
   * @return whether a token was taken (always true)
   */
  @Benchmark
  public boolean bucket4jAdvisoryLockTryConsume() {
    return Objects.requireNonNull(env).advisory().tryConsume(1);
  }

  /**
   * Bucket4j, select-for-update backend: take one token from the hot bucket.
   *
   * @return whether a token was taken (always true)
   */
  @Benchmark
  public boolean bucket4jSelectForUpdateTryConsume() {
    return Objects.requireNonNull(env).selectForUpdate().tryConsume(1);
  }

  private static void execute(DataSource dataSource, String sql) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static void dropDatabase(DataSource admin, String database) {
    try {
      execute(admin, "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop the benchmark database " + database, e);
    }
  }
}
