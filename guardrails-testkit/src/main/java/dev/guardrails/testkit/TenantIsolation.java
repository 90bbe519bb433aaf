package dev.guardrails.testkit;

import dev.guardrails.core.Actor;
import dev.guardrails.core.GuardContext;
import dev.guardrails.data.DataAccessException;
import dev.guardrails.data.Database;
import dev.guardrails.data.Dialect;
import dev.guardrails.data.Transaction;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import org.jspecify.annotations.Nullable;
import org.opentest4j.AssertionFailedError;

/**
 * The row-level security rule as a property, checked on a live PostgreSQL database: for a pair of
 * tenants, neither reads nor writes of one reach the other's rows, and nothing is reachable with no
 * tenant set, with an empty tenant, or on a pooled connection that just served another tenant.
 *
 * <pre>{@code
 * static final TenantIsolation ISOLATION =
 *     TenantIsolation.builder(PG.applicationDataSource())   // the role the application uses
 *         .table("invoices", "tenant_id",
 *                "INSERT INTO invoices (tenant_id, amount) VALUES (?, 100)")
 *         .build();
 *
 * @Property
 * void tenantsNeverReachEachOther(@ForAll("pairs") TenantIsolation.TenantPair pair) {
 *   ISOLATION.assertIsolated(pair);
 * }
 *
 * @Provide
 * Arbitrary<TenantIsolation.TenantPair> pairs() {
 *   return TenantIsolation.tenantPairs();
 * }
 * }</pre>
 *
 * <p>Each {@link #check} commits one row per tenant and table through guardrails-data's {@link
 * Database} under a context of that tenant, so that the application's own path sets the tenant: the
 * other tenant's rows on a first connection of the data source, which it then closes, and the
 * tenant's rows on a second one, which it holds for the rest of the run as a pool of one would (it
 * never holds two at once). In transactions it always rolls back, it probes every table from four
 * {@linkplain Session sessions}: with no tenant set (first, before anything sets one on the second
 * connection), as the other tenant, with an empty tenant, and right after the tenant's own
 * transaction on the same connection. From each it reads, updates, deletes and inserts rows of the
 * tenant under attack, and, as the other tenant, tries to move its own row across. Updates and
 * deletes name no column outside the SET list's target (no WHERE), so that PostgreSQL holds them to
 * the UPDATE and DELETE policies alone rather than also to the SELECT policies, and the other
 * tenant's own rows are counted apart. An update sets the tenant column, the one column the check
 * knows: where the role may not update that column (column privileges) or a trigger refuses to
 * change it, the probe reads as refused and an UPDATE policy open on other columns goes unseen. A
 * probe passes when it reaches zero rows or the database refuses it (insufficient privilege, a
 * row-level security or constraint violation, an exception raised by a trigger); any other database
 * error means the probe could not run and fails the check loudly rather than passing it.
 *
 * <p>What it checks is each table as the role reaches it with plain statements: every policy of the
 * table for that role, permissive ones OR-ed and restrictive ones AND-ed, as PostgreSQL combines
 * them. A view or a {@code SECURITY DEFINER} function that reaches a table as its owner is a way
 * around the table's policies that a check of the table cannot see: add an updatable view as a
 * table of its own (its seeder inserting through it), and check functions by other means. A row
 * that a policy lets through only for some values of other columns (an {@code is_public} flag) is
 * tested with the values the seeder writes.
 *
 * <p>Connect as the application's role: a superuser or a role with {@code BYPASSRLS} bypasses every
 * policy, and the check reports it. The seeded rows stay in the tables; run it on a test database
 * only, such as one from {@link GuardrailsPostgres}. Immutable and thread-safe; each call uses
 * connections of its own, one at a time.
 */
public final class TenantIsolation {

  private static final Pattern TABLE =
      Pattern.compile("[a-z_][a-z0-9_]{0,62}(\\.[a-z_][a-z0-9_]{0,62})?");
  private static final Pattern COLUMN = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  /**
   * SQL states that mean the database refused a probe: insufficient privilege (also raised for a
   * row-level security violation), read-only transaction, not-null, foreign-key and check
   * violations, an exception raised by a trigger or function, and the two ways a policy fails
   * closed on a missing or empty setting: reading it without {@code missing_ok} (undefined object)
   * or casting the empty string to the tenant column's type (invalid text representation).
   */
  private static final Set<String> REFUSALS =
      Set.of("42501", "25006", "23502", "23503", "23514", "P0001", "42704", "22P02");

  private static final String CURRENT_TENANT =
      "SELECT nullif(current_setting('" + Transaction.TENANT_SETTING + "', true), '')";

  private final DataSource dataSource;

  /** In the order they were added: a seeder may need the rows the ones before it inserted. */
  private final List<Table> tables;

  private TenantIsolation(DataSource dataSource, Map<String, Table> tables) {
    this.dataSource = dataSource;
    this.tables = List.copyOf(tables.values());
  }

  /**
   * Starts a check on a PostgreSQL database.
   *
   * @param dataSource connects as the application's role, e.g. {@link
   *     GuardrailsPostgres#applicationDataSource()}
   * @return a builder
   * @throws NullPointerException if the data source is null
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(Objects.requireNonNull(dataSource, "dataSource"));
  }

  /**
   * Returns pairs of distinct tenant ids, two in three of them near misses: a tenant id from the
   * small pool of {@link GuardrailsArbitraries#tenantIds()} and one that differs from it only in a
   * way a careless comparison or policy misses (case, a trailing space, a suffix, a SQL wildcard, a
   * quote, a backslash, a non-ASCII look-alike, and two ids of the longest length {@link Actor}
   * allows that differ in their last character), in either order. The others are two ids from the
   * pool. Every near miss of {@code tenant-1}, in both orders, is also an edge case; pairs shrink
   * towards {@code tenant-0} and the first kind of near miss.
   *
   * @return the arbitrary
   */
  public static Arbitrary<TenantPair> tenantPairs() {
    Arbitrary<TenantPair> fromPool =
        GuardrailsArbitraries.tenantIds()
            .tuple2()
            .filter(pair -> !pair.get1().equals(pair.get2()))
            .map(pair -> new TenantPair(pair.get1(), pair.get2()));
    Arbitrary<TenantPair> nearMisses =
        Combinators.combine(
                GuardrailsArbitraries.tenantIds(),
                Arbitraries.of(NearMiss.class),
                Arbitraries.of(false, true))
            .as((id, nearMiss, swapped) -> nearMiss.pair(id, swapped));
    return Arbitraries.frequencyOf(Tuple.of(1, fromPool), Tuple.of(2, nearMisses))
        .edgeCases(
            config -> {
              for (NearMiss nearMiss : NearMiss.values()) {
                config.add(nearMiss.pair("tenant-1", false), nearMiss.pair("tenant-1", true));
              }
            });
  }

  /**
   * Checks the pair and throws when a probe reached a row it must not reach.
   *
   * @param pair the tenant under attack and the other tenant
   * @throws AssertionFailedError listing every {@link Finding}
   * @throws IllegalStateException if the check cannot run; see {@link #check(String, String)}
   */
  public void assertIsolated(TenantPair pair) {
    Objects.requireNonNull(pair, "pair");
    assertIsolated(pair.tenant(), pair.otherTenant());
  }

  /**
   * Checks the two tenants and throws when a probe reached a row it must not reach.
   *
   * @param tenant the tenant whose rows are under attack
   * @param otherTenant the tenant that attacks them
   * @throws AssertionFailedError listing every {@link Finding}
   * @throws IllegalStateException if the check cannot run; see {@link #check(String, String)}
   */
  public void assertIsolated(String tenant, String otherTenant) {
    List<Finding> findings = check(tenant, otherTenant);
    if (!findings.isEmpty()) {
      throw new AssertionFailedError(
          "tenant isolation is broken in "
              + findings.size()
              + " place(s) for tenant '"
              + tenant
              + "' against tenant '"
              + otherTenant
              + "':\n  "
              + findings.stream().map(Finding::toString).collect(Collectors.joining("\n  ")));
    }
  }

  /**
   * Seeds a row of each tenant in every table and probes them as described in the class comment.
   *
   * @param tenant the tenant whose rows are under attack
   * @param otherTenant the tenant that attacks them
   * @return every probe that reached a row it must not reach, empty when the tenants are isolated
   * @throws NullPointerException if a tenant is null
   * @throws IllegalArgumentException if the tenants are equal or not valid {@link Actor} tenant ids
   * @throws IllegalStateException if the database is not PostgreSQL, a seeder fails or inserts no
   *     row its own tenant can read (the check would pass vacuously), or a probe fails for a reason
   *     other than a refusal (with the SQL state and the database's message)
   */
  public List<Finding> check(String tenant, String otherTenant) {
    Actor victim = Actor.service("guardrails-testkit", tenant);
    Actor attacker = Actor.service("guardrails-testkit", otherTenant);
    if (tenant.equals(otherTenant)) {
      throw new IllegalArgumentException(
          "tenant isolation needs two different tenants, but both were '" + tenant + "'");
    }
    try {
      try (Connection connection = dataSource.getConnection()) {
        requirePostgres(connection);
        Database database = Database.builder(reusing(connection), Dialect.postgresql()).build();
        for (Table table : tables) {
          seed(database, table, attacker);
        }
      }
      // a connection of its own, taken after the seeding one went back: a session where no
      // transaction ever set the tenant reads the setting as NULL, one where any did reads it as ''
      try (Connection connection = dataSource.getConnection()) {
        Database database = Database.builder(reusing(connection), Dialect.postgresql()).build();
        List<Probes> probes = new ArrayList<>();
        for (Table table : tables) {
          Probes ofTable = new Probes(connection, table, tenant, otherTenant);
          ofTable.probeAs(Session.NO_TENANT);
          probes.add(ofTable);
        }
        for (Table table : tables) {
          seed(database, table, victim);
        }
        List<Finding> findings = new ArrayList<>();
        for (Probes ofTable : probes) {
          findings.addAll(ofTable.run(database, victim));
        }
        return List.copyOf(findings);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "tenant isolation check could not connect or clean up (SQL state "
              + e.getSQLState()
              + "): "
              + e.getMessage(),
          e);
    }
  }

  private static void requirePostgres(Connection connection) throws SQLException {
    String product = connection.getMetaData().getDatabaseProductName();
    if (!"PostgreSQL".equals(product)) {
      throw new IllegalStateException(
          "tenant isolation is enforced by PostgreSQL row-level security, but the data source is "
              + product
              + "; point the check at a PostgreSQL database, e.g. from GuardrailsPostgres");
    }
  }

  private static void seed(Database database, Table table, Actor actor) {
    GuardContext context = GuardContext.start(actor, Clock.systemUTC());
    try (GuardContext.Scope scope = context.open()) {
      long visible;
      try {
        visible =
            database.inTransaction(
                tx -> {
                  int inserted = table.seeder.insert(tx.connection(), actor.tenantId());
                  if (inserted < 1) {
                    return 0L;
                  }
                  return rowsOf(tx.connection(), table, actor.tenantId());
                });
      } catch (DataAccessException e) {
        throw new IllegalStateException(
            "seeding a row of tenant '"
                + actor.tenantId()
                + "' into "
                + table.name
                + " failed under that tenant's own context ("
                + databaseError(e)
                + "); the seeder must insert one row with a fresh id, and the table's policies must"
                + " let a tenant write its own rows",
            e);
      }
      if (visible < 1) {
        throw new IllegalStateException(
            "the seeder of "
                + table.name
                + " inserted no row that tenant '"
                + actor.tenantId()
                + "' can read back, so the check would pass vacuously; insert one row whose "
                + table.tenantColumn
                + " is the given tenant");
      }
    }
  }

  /**
   * {@return how many rows of the tenant the connection's current transaction can read} The id is
   * bound untyped, so PostgreSQL reads it as the tenant column's type (text, varchar, uuid, ...)
   * and compares as the table's own policies do.
   */
  private static long rowsOf(Connection connection, Table table, String tenantId)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT count(*) FROM " + table.name + " WHERE " + table.tenantColumn + " = ?")) {
      bindTenant(statement, 1, tenantId);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? rows.getLong(1) : 0;
      }
    }
  }

  /**
   * Binds a tenant id with no type of its own, so that PostgreSQL gives it the type of the column
   * it meets: a uuid tenant column takes the id as a uuid, where a varchar parameter would fail.
   */
  private static void bindTenant(PreparedStatement statement, int index, String tenantId)
      throws SQLException {
    statement.setObject(index, tenantId, Types.OTHER);
  }

  /**
   * The first {@link SQLException} in the cause chain as {@code SQL state X: message}, or the
   * error's class if there is none.
   */
  private static String databaseError(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        return "SQL state "
            + sql.getSQLState()
            + (sql.getMessage() == null ? "" : ": " + sql.getMessage());
      }
    }
    return error.getClass().getSimpleName();
  }

  /**
   * A data source that hands out the one connection it was given, again and again, as a pool of one
   * does: closing a handle rolls back what is open and restores auto-commit, but keeps the
   * connection and its session state.
   */
  private static DataSource reusing(Connection connection) {
    Connection handle =
        (Connection)
            Proxy.newProxyInstance(
                TenantIsolation.class.getClassLoader(),
                new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                  switch (method.getName()) {
                    case "close" -> {
                      if (!connection.getAutoCommit()) {
                        connection.rollback();
                        connection.setAutoCommit(true);
                      }
                      return null;
                    }
                    case "isClosed" -> {
                      return connection.isClosed();
                    }
                    default -> {
                      try {
                        return method.invoke(connection, args);
                      } catch (InvocationTargetException e) {
                        throw e.getCause();
                      }
                    }
                  }
                });
    return (DataSource)
        Proxy.newProxyInstance(
            TenantIsolation.class.getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
              if (method.getName().equals("getConnection")) {
                return handle;
              }
              if (method.getName().equals("toString")) {
                return "one reused connection";
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }

  /** The probes of one table for one pair, over the held connection. */
  private static final class Probes {
    private final Connection connection;
    private final Table table;
    private final String tenant;
    private final String otherTenant;
    private final List<Finding> findings = new ArrayList<>();

    Probes(Connection connection, Table table, String tenant, String otherTenant) {
      this.connection = connection;
      this.table = table;
      this.tenant = tenant;
      this.otherTenant = otherTenant;
    }

    /** Runs the probes of every session but {@link Session#NO_TENANT}, which runs first. */
    List<Finding> run(Database database, Actor victim) throws SQLException {
      probeAs(Session.OTHER_TENANT);
      probeAs(Session.EMPTY_TENANT);
      // the victim's own transaction on the held connection, then a borrower that sets nothing
      GuardContext context = GuardContext.start(victim, Clock.systemUTC());
      try (GuardContext.Scope scope = context.open()) {
        database.inTransaction(tx -> tx.queryOne("SELECT 1", rs -> rs.getInt(1)));
      }
      probeAs(Session.REUSED_CONNECTION);
      return findings;
    }

    private void probeAs(Session session) throws SQLException {
      // rows outside the session's own tenant: everything when the session has no tenant
      String foreign =
          session == Session.OTHER_TENANT ? table.tenantColumn + " IS DISTINCT FROM ?" : "true";
      @Nullable String own = session == Session.OTHER_TENANT ? otherTenant : null;
      if (session == Session.REUSED_CONNECTION) {
        String leaked = leftoverTenant();
        if (leaked != null) {
          add(
              session,
              Probe.SETTING,
              "the tenant setting of the previous transaction, '"
                  + leaked
                  + "', is still set for the next borrower of the connection; set it with"
                  + " set_config(..., true) inside the transaction, never for the session");
        }
      }
      long read =
          inSession(
              session,
              () -> count("SELECT count(*) FROM " + table.name + " WHERE " + foreign, own));
      report(session, Probe.READ, read, "row(s) of other tenants visible");
      // UPDATE and DELETE never read a column: a statement that does (in WHERE or SET) is also held
      // to the SELECT policies, which would hide an UPDATE or DELETE policy that lets every row
      // through. The other tenant's own rows are counted apart and taken off.
      String value = session == Session.OTHER_TENANT ? otherTenant : tenant;
      long updated =
          inSession(
              session,
              () -> {
                long mine = ownRows(own);
                return update("UPDATE " + table.name + " SET " + table.tenantColumn + " = ?", value)
                    - mine;
              });
      report(session, Probe.UPDATE, updated, "row(s) of other tenants updated");
      long deleted =
          inSession(
              session,
              () -> {
                long mine = ownRows(own);
                return update("DELETE FROM " + table.name) - mine;
              });
      report(session, Probe.DELETE, deleted, "row(s) of other tenants deleted");
      // with no tenant, any row written is a finding; the other tenant may write rows of its own
      // (a trigger may stamp its tenant on whatever the statement asked for), so for it only rows
      // that land in the tenant under attack count
      long inserted =
          session == Session.OTHER_TENANT
              ? inSession(
                  session, () -> landedInTenant(() -> table.seeder.insert(connection, tenant)))
              : inSession(session, () -> table.seeder.insert(connection, tenant));
      report(session, Probe.INSERT, inserted, "row(s) inserted into tenant '" + tenant + "'");
      if (session == Session.OTHER_TENANT) {
        long moved =
            inSession(
                session,
                () ->
                    // no WHERE: a condition that reads columns would also hold the new row to the
                    // SELECT policy, and the probe must find the weakest defence
                    landedInTenant(
                        () ->
                            update(
                                "UPDATE " + table.name + " SET " + table.tenantColumn + " = ?",
                                tenant)));
        report(session, Probe.MOVE, moved, "own row(s) moved into tenant '" + tenant + "'");
      }
    }

    private void report(Session session, Probe probe, long rows, String what) {
      if (rows > 0) {
        add(session, probe, rows + " " + what);
      }
    }

    private void add(Session session, Probe probe, String detail) {
      findings.add(new Finding(table.name, session, probe, detail));
    }

    /** Runs one probe in a transaction of its own, always rolled back; a refusal reads as 0. */
    private long inSession(Session session, RowCount probe) throws SQLException {
      connection.setAutoCommit(false);
      try {
        switch (session) {
          case OTHER_TENANT -> setTenant(otherTenant);
          case EMPTY_TENANT -> setTenant("");
          case NO_TENANT, REUSED_CONNECTION -> {
            // nothing set: whatever the connection carries is what a borrower gets
          }
        }
        return probe.rows();
      } catch (SQLException e) {
        if (e.getSQLState() != null && REFUSALS.contains(e.getSQLState())) {
          return 0;
        }
        throw probeFailed(session.toString(), e);
      } finally {
        connection.rollback();
        connection.setAutoCommit(true);
      }
    }

    /** {@return the tenant setting a fresh transaction on the connection starts with, if any} */
    private @Nullable String leftoverTenant() throws SQLException {
      connection.setAutoCommit(false);
      try (PreparedStatement statement = connection.prepareStatement(CURRENT_TENANT);
          ResultSet rows = statement.executeQuery()) {
        return rows.next() ? rows.getString(1) : null;
      } catch (SQLException e) {
        throw probeFailed(Session.REUSED_CONNECTION.toString(), e);
      } finally {
        connection.rollback();
        connection.setAutoCommit(true);
      }
    }

    private IllegalStateException probeFailed(String session, SQLException e) {
      return new IllegalStateException(
          "a probe of "
              + table.name
              + " ("
              + session
              + ") failed for a reason other than a refusal, SQL state "
              + e.getSQLState()
              + ": "
              + e.getMessage(),
          e);
    }

    private void setTenant(String value) throws SQLException {
      try (PreparedStatement statement =
          connection.prepareStatement("SELECT set_config(?, ?, true)")) {
        statement.setString(1, Transaction.TENANT_SETTING);
        statement.setString(2, value);
        statement.execute();
      }
    }

    /**
     * Runs a write of the other tenant, in the transaction of its probe, and returns how many rows
     * it added to the tenant under attack, counted as that tenant before and after.
     */
    private long landedInTenant(RowCount write) throws SQLException {
      setTenant(tenant);
      long before = rowsOf(connection, table, tenant);
      setTenant(otherTenant);
      write.rows();
      setTenant(tenant);
      return rowsOf(connection, table, tenant) - before;
    }

    /**
     * {@return how many rows of its own the session's tenant can read; 0 with no tenant} Counted
     * before a statement that reaches every row the session may change.
     */
    private long ownRows(@Nullable String own) throws SQLException {
      if (own == null) {
        return 0;
      }
      return rowsOf(connection, table, own);
    }

    private long count(String sql, @Nullable String param) throws SQLException {
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        if (param != null) {
          bindTenant(statement, 1, param);
        }
        try (ResultSet rows = statement.executeQuery()) {
          return rows.next() ? rows.getLong(1) : 0;
        }
      }
    }

    private long update(String sql, String... tenantIds) throws SQLException {
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        for (int i = 0; i < tenantIds.length; i++) {
          bindTenant(statement, i + 1, tenantIds[i]);
        }
        return statement.executeUpdate();
      }
    }
  }

  @FunctionalInterface
  private interface RowCount {
    long rows() throws SQLException;
  }

  private record Table(String name, String tenantColumn, RowSeeder seeder) {}

  /**
   * Inserts one row of a tenant into a table, with a fresh id each call; the check calls it under
   * the tenant's own context to seed, and under other contexts to probe.
   */
  @FunctionalInterface
  public interface RowSeeder {
    /**
     * Inserts the row.
     *
     * @param connection the connection, in a transaction the check commits or rolls back; do not
     *     commit, roll back or close it
     * @param tenantId the tenant the row belongs to
     * @return the number of rows inserted, as {@link PreparedStatement#executeUpdate()} returns it
     * @throws SQLException if the database refuses the row
     */
    int insert(Connection connection, String tenantId) throws SQLException;
  }

  /**
   * Two different tenants.
   *
   * @param tenant the tenant whose rows are under attack
   * @param otherTenant the tenant that attacks them
   */
  public record TenantPair(String tenant, String otherTenant) {
    /**
     * Validates the pair.
     *
     * @throws NullPointerException if a tenant is null
     * @throws IllegalArgumentException if the tenants are equal
     */
    public TenantPair {
      Objects.requireNonNull(tenant, "tenant");
      Objects.requireNonNull(otherTenant, "otherTenant");
      if (tenant.equals(otherTenant)) {
        throw new IllegalArgumentException(
            "a tenant pair needs two different tenants, but both were '" + tenant + "'");
      }
    }
  }

  /**
   * The ways {@link #tenantPairs()} makes a second tenant id from a first one, each aimed at a
   * policy or comparison that would take the two for one tenant.
   */
  private enum NearMiss {
    /** Upper case: {@code TENANT-1}, against a case-insensitive comparison. */
    CASE,
    /** A trailing space: {@code tenant-1 }, against trimming or {@code char(n)} padding. */
    TRAILING_SPACE,
    /** A suffix: {@code tenant-10}, against a prefix match. */
    SUFFIX,
    /** A {@code %} for the last character: {@code tenant-%}, against {@code LIKE}. */
    PERCENT,
    /** An {@code _} for the last character: {@code tenant-_}, against {@code LIKE}. */
    UNDERSCORE,
    /** A quote injection: {@code tenant-1' OR '1'='1}, against SQL built by concatenation. */
    QUOTE,
    /** A backslash for the dash: {@code tenant\1}, against escaping mistakes. */
    BACKSLASH,
    /** A non-ASCII look-alike: {@code ténant-1}, against accent-insensitive collations. */
    ACCENT,
    /**
     * Two ids of {@value Actor#MAX_LENGTH} characters, the id padded with {@code t}, that differ in
     * the last character only, against truncation.
     */
    LONGEST;

    /**
     * {@return the pair of the id and its near miss, or of the near miss and the id when swapped}
     *
     * @param id a short tenant id such as {@code tenant-1}
     * @param swapped whether the near miss is the tenant under attack
     */
    TenantPair pair(String id, boolean swapped) {
      String first = this == LONGEST ? id + "t".repeat(Actor.MAX_LENGTH - id.length()) : id;
      String second =
          switch (this) {
            case CASE -> id.toUpperCase(Locale.ROOT);
            case TRAILING_SPACE -> id + " ";
            case SUFFIX -> id + "0";
            case PERCENT -> id.substring(0, id.length() - 1) + "%";
            case UNDERSCORE -> id.substring(0, id.length() - 1) + "_";
            case QUOTE -> id + "' OR '1'='1";
            case BACKSLASH -> id.replace('-', '\\');
            case ACCENT -> id.replace('e', '\u00e9');
            case LONGEST -> first.substring(0, Actor.MAX_LENGTH - 1) + "u";
          };
      return swapped ? new TenantPair(second, first) : new TenantPair(first, second);
    }
  }

  /** Where a probe runs from. */
  public enum Session {
    /** A transaction of the other tenant, its tenant set as the application sets it. */
    OTHER_TENANT,
    /**
     * A transaction that sets no tenant, on a connection no transaction of the check has set one on
     * yet: probed first, before any other session, on a connection taken after the seeding one was
     * closed. A data source that opens fresh connections gives a session where the setting was
     * never defined ({@code current_setting(..., true)} is NULL); a pool may hand back one where it
     * was, which reads as empty.
     */
    NO_TENANT,
    /** A transaction whose tenant setting is the empty string. */
    EMPTY_TENANT,
    /** A transaction that sets nothing, on the connection that just served the tenant. */
    REUSED_CONNECTION
  }

  /** What a probe tries. */
  public enum Probe {
    /** Count the rows of other tenants. */
    READ,
    /** Update the rows of other tenants in place. */
    UPDATE,
    /** Delete the rows of other tenants. */
    DELETE,
    /**
     * Insert a row of the tenant under attack: from a session with no tenant any row inserted
     * counts; from the other tenant only rows that the tenant under attack then reads as its own.
     */
    INSERT,
    /**
     * Move the other tenant's own rows into the tenant under attack; counts the rows the tenant
     * under attack then reads as its own.
     */
    MOVE,
    /** Read the tenant setting a previous transaction left on the connection. */
    SETTING
  }

  /**
   * A probe that reached what it must not reach.
   *
   * @param table the table
   * @param session where the probe ran from
   * @param probe what it tried
   * @param detail what it reached, e.g. {@code 2 row(s) of other tenants visible}
   */
  public record Finding(String table, Session session, Probe probe, String detail) {
    /**
     * Validates the parts.
     *
     * @throws NullPointerException if a part is null
     */
    public Finding {
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(session, "session");
      Objects.requireNonNull(probe, "probe");
      Objects.requireNonNull(detail, "detail");
    }

    /**
     * {@return one line, e.g. {@code invoices NO_TENANT READ: 3 row(s) of other tenants visible}}
     */
    @Override
    public String toString() {
      return table + " " + session + " " + probe + ": " + detail;
    }
  }

  /** Builds a {@link TenantIsolation}; not thread-safe, {@link #build()} copies. */
  public static final class Builder {
    private final DataSource dataSource;
    private final Map<String, Table> tables = new LinkedHashMap<>();

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /**
     * Adds a tenant table whose rows the given statement inserts.
     *
     * @param table the table, optionally schema-qualified, lower case
     * @param tenantColumn the column holding the tenant id, lower case
     * @param insertSql an {@code INSERT} with exactly one {@code ?}, the tenant id, that makes a
     *     fresh id itself (a sequence, identity or {@code gen_random_uuid()} default); the id is
     *     bound untyped, so it takes the type of the column it goes into (text, varchar, uuid)
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a name is not a lower-case identifier, the table was
     *     added before, or the statement does not have exactly one {@code ?}
     */
    public Builder table(String table, String tenantColumn, String insertSql) {
      Objects.requireNonNull(insertSql, "insertSql");
      long placeholders = insertSql.chars().filter(c -> c == '?').count();
      if (placeholders != 1) {
        throw new IllegalArgumentException(
            "insertSql of "
                + table
                + " must have exactly one ?, the tenant id, but had "
                + placeholders
                + ": "
                + insertSql);
      }
      return table(
          table,
          tenantColumn,
          (connection, tenantId) -> {
            try (PreparedStatement statement = connection.prepareStatement(insertSql)) {
              bindTenant(statement, 1, tenantId);
              return statement.executeUpdate();
            }
          });
    }

    /**
     * Adds a tenant table whose rows the given seeder inserts.
     *
     * @param table the table, optionally schema-qualified, lower case
     * @param tenantColumn the column holding the tenant id, lower case
     * @param seeder inserts one row of a tenant with a fresh id each call; tables are seeded in the
     *     order they were added, so a seeder may refer to the row of the same tenant that the
     *     seeder of a table added before it inserted (a foreign key to a parent table)
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a name is not a lower-case identifier or the table was
     *     added before
     */
    public Builder table(String table, String tenantColumn, RowSeeder seeder) {
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(tenantColumn, "tenantColumn");
      Objects.requireNonNull(seeder, "seeder");
      if (!TABLE.matcher(table).matches()) {
        throw new IllegalArgumentException(
            "table must be a lower-case identifier, optionally schema-qualified, but was '"
                + table
                + "'");
      }
      if (!COLUMN.matcher(tenantColumn).matches()) {
        throw new IllegalArgumentException(
            "tenantColumn of "
                + table
                + " must be a lower-case identifier, but was '"
                + tenantColumn
                + "'");
      }
      if (tables.putIfAbsent(table, new Table(table, tenantColumn, seeder)) != null) {
        throw new IllegalArgumentException("table " + table + " was already added");
      }
      return this;
    }

    /**
     * {@return the check}
     *
     * @throws IllegalStateException if no table was added
     */
    public TenantIsolation build() {
      if (tables.isEmpty()) {
        throw new IllegalStateException(
            "tenant isolation needs at least one table: add it with table(name, tenantColumn,"
                + " insertSql)");
      }
      return new TenantIsolation(dataSource, tables);
    }
  }
}
