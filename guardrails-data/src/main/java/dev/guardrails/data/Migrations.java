package dev.guardrails.data;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.output.MigrateResult;
import org.jspecify.annotations.Nullable;

/**
 * Runs the library's own migrations (audit log, hash-chain seals, idempotency keys, restore drill
 * results; history table {@value #LIBRARY_HISTORY_TABLE}) and then the application's (Flyway's
 * default history table), with Flyway's {@code clean} disabled unless {@link Builder#allowClean()}
 * is called by name.
 *
 * <p>On PostgreSQL, naming the application role grants it INSERT and SELECT only on the audit
 * tables (which also refuse UPDATE, DELETE and TRUNCATE through triggers, even to their owner) and
 * the reads and writes it needs on the idempotency table. An optional {@link MigrationLint} fails a
 * migration whose new tables lack a primary key, a tenant column or forced row-level security, or
 * that takes the tenant column's NOT NULL or forced row-level security from a tenant-scoped table.
 *
 * <p>Immutable and thread-safe; run {@link #migrate()} from one process at a time (Flyway locks).
 */
public final class Migrations {

  /** The Flyway history table of the library's own migrations. */
  public static final String LIBRARY_HISTORY_TABLE = "guardrails_schema_history";

  private final DataSource dataSource;
  private final Dialect dialect;
  private final List<String> userLocations;
  private final @Nullable String applicationRole;
  private final @Nullable MigrationLint lint;
  private final boolean cleanAllowed;

  /**
   * How many migrations a run applied.
   *
   * @param libraryMigrations the library's own migrations applied
   * @param userMigrations the application's migrations applied
   */
  public record Result(int libraryMigrations, int userMigrations) {}

  private Migrations(Builder builder) {
    this.dataSource = builder.dataSource;
    this.dialect = builder.dialect;
    this.userLocations = List.copyOf(builder.userLocations);
    this.applicationRole = builder.applicationRole;
    this.lint = builder.lint;
    this.cleanAllowed = builder.cleanAllowed;
  }

  /**
   * Returns a builder.
   *
   * @param dataSource the database, reached as the schema owner (not the application role)
   * @param dialect its engine
   * @return the builder
   * @throws NullPointerException if an argument is null
   */
  public static Builder builder(DataSource dataSource, Dialect dialect) {
    return new Builder(
        Objects.requireNonNull(dataSource, "dataSource"),
        Objects.requireNonNull(dialect, "dialect"));
  }

  /**
   * Applies the pending library migrations, the grants, then the pending application migrations.
   *
   * @return how many were applied
   * @throws IllegalStateException if the lint refuses a migration (it is rolled back)
   * @throws FlywayException if a migration fails
   * @throws DataAccessException if the grants fail
   */
  public Result migrate() {
    MigrateResult library =
        configure(dialect.migrationLocation(), LIBRARY_HISTORY_TABLE, null).load().migrate();
    grant();
    int user = 0;
    if (!userLocations.isEmpty()) {
      try {
        user =
            configure(userLocations.toArray(new String[0]), "flyway_schema_history", lint)
                .load()
                .migrate()
                .migrationsExecuted;
      } catch (FlywayException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
          if (cause instanceof LintFailure failure) {
            throw new IllegalStateException(failure.getMessage(), e);
          }
        }
        throw e;
      }
    }
    return new Result(library.migrationsExecuted, user);
  }

  /**
   * Drops every object in the schema through Flyway's clean.
   *
   * @throws IllegalStateException unless {@link Builder#allowClean()} was called
   * @throws FlywayException if clean fails
   */
  public void clean() {
    if (!cleanAllowed) {
      throw new IllegalStateException(
          "clean is disabled: it drops every object in the schema; call allowClean() on the builder"
              + " to enable it, never in production");
    }
    configure(dialect.migrationLocation(), LIBRARY_HISTORY_TABLE, null).load().clean();
  }

  private org.flywaydb.core.api.configuration.FluentConfiguration configure(
      String location, String table, @Nullable MigrationLint lint) {
    return configure(new String[] {location}, table, lint);
  }

  private org.flywaydb.core.api.configuration.FluentConfiguration configure(
      String[] locations, String table, @Nullable MigrationLint lint) {
    org.flywaydb.core.api.configuration.FluentConfiguration config =
        Flyway.configure(Migrations.class.getClassLoader())
            .dataSource(dataSource)
            .locations(locations)
            .table(table)
            .cleanDisabled(!cleanAllowed)
            .baselineOnMigrate(true)
            .baselineVersion("0")
            .validateMigrationNaming(true);
    if (lint != null) {
      config.callbacks(new LintCallback(lint));
    }
    return config;
  }

  private void grant() {
    if (applicationRole == null || !dialect.supportsRowLevelSecurity()) {
      return;
    }
    String role = applicationRole;
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      statement.execute("REVOKE ALL ON guardrails_audit, guardrails_audit_seal FROM " + role);
      statement.execute(
          "GRANT SELECT, INSERT ON guardrails_audit, guardrails_audit_seal TO " + role);
      statement.execute(
          "GRANT SELECT, INSERT, UPDATE, DELETE ON guardrails_idempotency TO " + role);
      statement.execute("GRANT SELECT, INSERT ON guardrails_restore_drill TO " + role);
      connection.commit();
      connection.setAutoCommit(autoCommit);
    } catch (SQLException e) {
      throw new DataAccessException("granting the library's tables to role " + role, e);
    }
  }

  @Override
  public String toString() {
    return "Migrations[" + dialect.name() + " user=" + userLocations + "]";
  }

  /** The lint's refusal, carried through Flyway's exception wrapping. */
  private static final class LintFailure extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    LintFailure(String message) {
      super(message);
    }
  }

  /** Snapshots the tables before each migration and lints the new ones after it. */
  private static final class LintCallback implements Callback {
    private final MigrationLint lint;
    private Map<String, String> before = Map.of();
    private List<String> tenantProblemsBefore = List.of();

    LintCallback(MigrationLint lint) {
      this.lint = lint;
    }

    @Override
    public boolean supports(Event event, Context context) {
      return event == Event.BEFORE_EACH_MIGRATE || event == Event.AFTER_EACH_MIGRATE;
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
      return true;
    }

    @Override
    public void handle(Event event, Context context) {
      try {
        Map<String, String> tables = new TreeMap<>(MigrationLint.tables(context.getConnection()));
        if (event == Event.BEFORE_EACH_MIGRATE) {
          before = tables;
          tenantProblemsBefore = lint.checkTenantScoped(context.getConnection(), tables);
          return;
        }
        Map<String, String> existing = new TreeMap<>(tables);
        existing.keySet().retainAll(before.keySet());
        tables.keySet().removeAll(before.keySet());
        List<String> problems = new ArrayList<>(lint.check(context.getConnection(), tables));
        // what the migration took away from tenant-scoped tables it did not create
        List<String> weakened =
            new ArrayList<>(lint.checkTenantScoped(context.getConnection(), existing));
        weakened.removeAll(tenantProblemsBefore);
        problems.addAll(weakened);
        if (!problems.isEmpty()) {
          String migration =
              context.getMigrationInfo() == null
                  ? "a migration"
                  : "migration " + context.getMigrationInfo().getScript();
          throw new LintFailure(migration + " fails the lint: " + String.join("; ", problems));
        }
      } catch (SQLException e) {
        throw new DataAccessException("linting a migration", e);
      }
    }

    @Override
    public String getCallbackName() {
      return "guardrails-migration-lint";
    }
  }

  /** Builds {@link Migrations}; not thread-safe, {@link #build()} copies. */
  public static final class Builder {
    private final DataSource dataSource;
    private final Dialect dialect;
    private final List<String> userLocations = new ArrayList<>();
    private @Nullable String applicationRole;
    private @Nullable MigrationLint lint;
    private boolean cleanAllowed;

    private Builder(DataSource dataSource, Dialect dialect) {
      this.dataSource = dataSource;
      this.dialect = dialect;
    }

    /**
     * Adds Flyway locations of the application's migrations, e.g. {@code classpath:db/migration}.
     *
     * @param locations the locations
     * @return this builder
     * @throws NullPointerException if a location is null
     */
    public Builder userLocations(String... locations) {
      for (String location : locations) {
        userLocations.add(Objects.requireNonNull(location, "location"));
      }
      return this;
    }

    /**
     * Names the role the application connects as, to be granted the library's tables (insert and
     * read only on the audit log). PostgreSQL only; ignored on H2.
     *
     * @param role the role
     * @return this builder
     * @throws IllegalArgumentException if the name is not a lower-case identifier
     */
    public Builder applicationRole(String role) {
      this.applicationRole = Identifiers.name(role, "applicationRole");
      return this;
    }

    /**
     * Lints every application migration.
     *
     * @param lint the lint
     * @return this builder
     * @throws NullPointerException if {@code lint} is null
     */
    public Builder lint(MigrationLint lint) {
      this.lint = Objects.requireNonNull(lint, "lint");
      return this;
    }

    /**
     * Enables {@link Migrations#clean()}, which drops every object in the schema. For tests only.
     *
     * @return this builder
     */
    public Builder allowClean() {
      this.cleanAllowed = true;
      return this;
    }

    /** {@return the migrations} */
    public Migrations build() {
      return new Migrations(this);
    }
  }
}
