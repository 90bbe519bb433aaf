package dev.guardrails.benchmarks.data;

import com.zaxxer.hikari.HikariDataSource;
import dev.guardrails.core.Actor;
import dev.guardrails.core.GuardContext;
import dev.guardrails.data.AuditedRepository;
import dev.guardrails.data.ConnectionPool;
import dev.guardrails.data.Database;
import dev.guardrails.data.Dialect;
import dev.guardrails.data.Migrations;
import dev.guardrails.data.RowScope;
import dev.guardrails.data.TableMapping;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.openjdk.jmh.annotations.Warmup;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * {@link AuditedRepository} on PostgreSQL side by side with plain JDBC, both on the same HikariCP
 * pool (built by {@link ConnectionPool}, {@value #POOL_SIZE} connections, auto-commit off),
 * connecting as a non-owner, non-superuser application role ({@code bench_app}) on embedded
 * PostgreSQL. The schema (the library's tables and {@code bench_notes}) comes from {@link
 * Migrations}, run as the owner.
 *
 * <ul>
 *   <li>{@link #auditedInsert()} vs {@link #plainInsert()}: {@code notes.insert(note)} under a
 *       {@link GuardContext} (transaction-local tenant, actor, correlation id and statement
 *       timeout, the record and its audit row with JSON after-values, one transaction) against a
 *       prepared {@code INSERT} of the record alone and a commit. Target: at least 0.7 of the plain
 *       throughput.
 *   <li>{@link #scopedFindById()} vs {@link #plainFindById()}: {@code notes.findById(id)} under a
 *       {@link GuardContext} (transaction-local settings riding with the tenant-scoped {@code
 *       SELECT}) against a prepared {@code SELECT ... WHERE id = ?} and a commit, both mapping the
 *       row to the record, over the same 1,000 pre-inserted ids. Target: at least 0.8.
 * </ul>
 *
 * <p>The guarded rows open the context's scope per operation, as a request would. {@code
 * bench_notes} has no row-level security policy (the plain side could not read it otherwise); the
 * repository scopes by {@code tenant_id} in SQL. Embedded PostgreSQL runs with fsync and
 * synchronous_commit off, so the commits here are cheaper than durable ones. When {@code
 * GUARDRAILS_PG_URL} is set, a fresh database is created on that server and the pool connects as
 * the URL's user (the owner) instead of an application role.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar
 * 'dev.guardrails.benchmarks.data.AuditedRepositoryBenchmark'}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class AuditedRepositoryBenchmark {

  static final int POOL_SIZE = 4;

  private static final int FIND_ROWS = 1_000;
  private static final String DATABASE = "guardrails_bench";
  private static final String APP_ROLE = "bench_app";
  private static final String APP_PASSWORD = "bench-app-password";
  private static final String PLAIN_INSERT =
      "INSERT INTO bench_notes (id, tenant_id, title, body, version) VALUES (?, ?, ?, ?, 1)";
  private static final String PLAIN_SELECT =
      "SELECT id, title, body, version FROM bench_notes WHERE id = ?";
  private static final String MIGRATION =
      """
      CREATE TABLE bench_notes (
        id        uuid   PRIMARY KEY,
        tenant_id text   NOT NULL,
        title     text   NOT NULL,
        body      text   NOT NULL,
        version   bigint NOT NULL
      );
      CREATE INDEX bench_notes_tenant ON bench_notes (tenant_id);
      """;

  /** The record stored by both sides. */
  public record Note(UUID id, String title, String body, long version) {}

  /** What the trial setup builds; null outside a trial. */
  private record Env(
      @Nullable EmbeddedPostgres embedded,
      @Nullable Runnable dropDatabase,
      HikariDataSource pool,
      AuditedRepository<Note> notes,
      List<UUID> ids) {}

  private final GuardContext context =
      GuardContext.of(
          Actor.person("user-42", "tenant-7", "clerk"),
          "0123456789abcdef0123456789abcdef",
          Instant.parse("2026-11-22T00:00:00Z"));

  private @Nullable Env env;

  /**
   * Starts PostgreSQL (or connects to {@code GUARDRAILS_PG_URL}), migrates, opens the pool and
   * inserts the rows the reads look up.
   */
  @Setup(Level.Trial)
  public void start() throws IOException, SQLException {
    QuietLogging.rootAtWarn();
    String external = System.getenv("GUARDRAILS_PG_URL");
    EmbeddedPostgres embedded = null;
    PGSimpleDataSource admin = new PGSimpleDataSource();
    String database = DATABASE;
    if (external != null && !external.isBlank()) {
      admin.setURL(external);
      database = DATABASE + "_" + ProcessHandle.current().pid();
    } else {
      embedded = EmbeddedPostgres.builder().start();
      admin.setServerNames(new String[] {"localhost"});
      admin.setPortNumbers(new int[] {embedded.getPort()});
      admin.setDatabaseName("postgres");
      admin.setUser("postgres");
    }
    execute(admin, "CREATE DATABASE " + database);
    String dbName = database;
    Runnable drop =
        external == null || external.isBlank() ? null : () -> dropDatabase(admin, dbName);
    PGSimpleDataSource owner = copy(admin);
    owner.setDatabaseName(database);

    Migrations.Builder migrations = Migrations.builder(owner, Dialect.postgresql());
    String user = owner.getUser();
    String password = owner.getPassword();
    if (embedded != null) {
      execute(
          admin,
          "CREATE ROLE "
              + APP_ROLE
              + " LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD '"
              + APP_PASSWORD
              + "'");
      migrations.applicationRole(APP_ROLE);
      user = APP_ROLE;
      password = APP_PASSWORD;
    }
    Path dir = Files.createTempDirectory("guardrails-bench-migrations");
    try {
      Files.writeString(dir.resolve("V1__bench_notes.sql"), MIGRATION, StandardCharsets.UTF_8);
      migrations.userLocations("filesystem:" + dir).build().migrate();
    } finally {
      deleteTree(dir);
    }
    if (embedded != null) {
      execute(owner, "GRANT SELECT, INSERT, UPDATE, DELETE ON bench_notes TO " + APP_ROLE);
    }

    ConnectionPool.Builder poolBuilder =
        ConnectionPool.builder(jdbcUrl(owner)).poolName("bench").maximumPoolSize(POOL_SIZE);
    if (user != null) {
      poolBuilder.credentials(user, password == null ? "" : password);
    }
    HikariDataSource pool = poolBuilder.build();
    Database db = Database.builder(pool, Dialect.postgresql()).build();
    AuditedRepository<Note> notes =
        AuditedRepository.of(
            db,
            TableMapping.forRecord(Note.class, "bench_notes").versionColumn("version").build(),
            RowScope.tenant());
    UUID[] ids = new UUID[FIND_ROWS];
    try (GuardContext.Scope scope = context.open()) {
      for (int i = 0; i < FIND_ROWS; i++) {
        ids[i] = notes.insert(note()).id();
      }
      if (notes.findById(ids[0]).isEmpty()) {
        throw new IllegalStateException("a stored note must be found in its tenant");
      }
    }
    env = new Env(embedded, drop, pool, notes, List.of(ids));
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

  private Env env() {
    return Objects.requireNonNull(env, "env");
  }

  /** {@return the pool both sides use, for {@link InterleavedDataRun}'s hand-written rows} */
  DataSource pool() {
    return env().pool();
  }

  /** {@return an id stored by the setup, for {@link InterleavedDataRun}'s hand-written rows} */
  UUID storedId() {
    return anyId();
  }

  private static Note note() {
    return new Note(
        UUID.randomUUID(), "Call back about the invoice", "Asked for a copy in PDF.", 0);
  }

  private UUID anyId() {
    List<UUID> ids = env().ids();
    return ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
  }

  /**
   * The guardrail: the record and its audit row in one transaction under the context.
   *
   * @return the stored record
   */
  @Benchmark
  public Note auditedInsert() {
    AuditedRepository<Note> notes = env().notes();
    try (GuardContext.Scope scope = context.open()) {
      return notes.insert(note());
    }
  }

  /**
   * Baseline: a prepared insert of the record alone, committed.
   *
   * @return the update count
   * @throws SQLException if the database fails
   */
  @Benchmark
  public int plainInsert() throws SQLException {
    Note note = note();
    try (Connection c = env().pool().getConnection();
        PreparedStatement ps = c.prepareStatement(PLAIN_INSERT)) {
      ps.setObject(1, note.id());
      ps.setString(2, "tenant-7");
      ps.setString(3, note.title());
      ps.setString(4, note.body());
      int count = ps.executeUpdate();
      c.commit();
      return count;
    }
  }

  /**
   * The guardrail: a tenant-scoped read by id with the transaction-local settings.
   *
   * @return the record, if found
   */
  @Benchmark
  public Optional<Note> scopedFindById() {
    UUID id = anyId();
    AuditedRepository<Note> notes = env().notes();
    try (GuardContext.Scope scope = context.open()) {
      return notes.findById(id);
    }
  }

  /**
   * Baseline: a prepared select by primary key in a transaction, mapped to the record.
   *
   * @return the record, if found
   * @throws SQLException if the database fails
   */
  @Benchmark
  public Optional<Note> plainFindById() throws SQLException {
    UUID id = anyId();
    try (Connection c = env().pool().getConnection();
        PreparedStatement ps = c.prepareStatement(PLAIN_SELECT)) {
      ps.setObject(1, id);
      Optional<Note> found = Optional.empty();
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          found =
              Optional.of(
                  new Note(
                      rs.getObject(1, UUID.class),
                      rs.getString(2),
                      rs.getString(3),
                      rs.getLong(4)));
        }
      }
      c.commit();
      return found;
    }
  }

  private static String jdbcUrl(PGSimpleDataSource source) {
    String[] hosts = source.getServerNames();
    int[] ports = source.getPortNumbers();
    String host = hosts.length == 0 ? "localhost" : hosts[0];
    int port = ports.length == 0 || ports[0] == 0 ? 5432 : ports[0];
    return "jdbc:postgresql://" + host + ":" + port + "/" + source.getDatabaseName();
  }

  private static PGSimpleDataSource copy(PGSimpleDataSource source) {
    PGSimpleDataSource copy = new PGSimpleDataSource();
    copy.setURL(source.getURL());
    copy.setUser(source.getUser());
    copy.setPassword(source.getPassword());
    return copy;
  }

  private static void execute(DataSource source, String sql) throws SQLException {
    try (Connection c = source.getConnection();
        Statement s = c.createStatement()) {
      if (!c.getAutoCommit()) {
        c.setAutoCommit(true);
      }
      s.execute(sql);
    }
  }

  private static void dropDatabase(DataSource admin, String database) {
    try {
      execute(admin, "DROP DATABASE IF EXISTS " + database);
    } catch (SQLException e) {
      throw new IllegalStateException("could not drop benchmark database " + database, e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
