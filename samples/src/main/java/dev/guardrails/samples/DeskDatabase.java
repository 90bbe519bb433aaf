package dev.guardrails.samples;

import com.zaxxer.hikari.HikariDataSource;
import dev.guardrails.data.ConnectionPool;
import dev.guardrails.data.Database;
import dev.guardrails.data.Dialect;
import dev.guardrails.data.Migrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Invoice Desk's PostgreSQL: an embedded server started by the app (the default), or the database
 * named by {@code GUARDRAILS_DB_URL}. Either way the schema owner runs the migrations (the
 * library's audit and idempotency tables, then the app's own with row-level security forced on the
 * tenant tables), and the application's pool connects as {@value #APP_ROLE}: a login role that is
 * not a superuser, has no {@code BYPASSRLS} and owns nothing, so the row-level security policies
 * bind it.
 *
 * <p>With an external database, its user must own the schema the tables go in (or be allowed to
 * create tables there) and have {@code CREATEROLE}: the app creates {@value #APP_ROLE} if missing
 * and gives it a fresh random password at every start.
 *
 * <p>Thread-safe; close it to stop the pool and the embedded server.
 */
public final class DeskDatabase implements AutoCloseable {

  /** The role the application's pool connects as. */
  public static final String APP_ROLE = "invoice_desk_app";

  /** The database the embedded server gets. */
  static final String DATABASE = "invoice_desk";

  /** The Flyway location of the app's migrations. */
  static final String MIGRATIONS = "classpath:dev/guardrails/samples/db";

  private static final Logger LOG = LoggerFactory.getLogger(DeskDatabase.class);

  private final @Nullable EmbeddedPostgres embedded;
  private final DataSource owner;
  private final HikariDataSource pool;
  private final Database database;

  private DeskDatabase(
      @Nullable EmbeddedPostgres embedded,
      DataSource owner,
      HikariDataSource pool,
      Database database) {
    this.embedded = embedded;
    this.owner = owner;
    this.pool = pool;
    this.database = database;
  }

  /**
   * Starts (or connects to) the database, migrates it and opens the application's pool.
   *
   * @param config where the database is
   * @param clock the app's clock, for transaction times and audit rows
   * @return the database
   * @throws IllegalStateException if the server cannot be started or set up
   */
  public static DeskDatabase start(DeskConfig config, Clock clock) {
    EmbeddedPostgres embedded = null;
    PGSimpleDataSource owner = new PGSimpleDataSource();
    String url = config.databaseUrl();
    if (url == null) {
      embedded = startEmbedded();
      PGSimpleDataSource admin = embeddedAdmin(embedded, "postgres");
      execute(admin, "CREATE DATABASE " + DATABASE);
      owner = embeddedAdmin(embedded, DATABASE);
    } else {
      owner.setURL(url);
      if (config.databaseUser() != null) {
        owner.setUser(config.databaseUser());
      }
      if (config.databasePassword() != null) {
        owner.setPassword(config.databasePassword());
      }
    }
    try {
      String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
      execute(
          owner,
          "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '"
              + APP_ROLE
              + "') THEN CREATE ROLE "
              + APP_ROLE
              + " LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE; END IF; END $$",
          "ALTER ROLE " + APP_ROLE + " PASSWORD '" + password + "'");
      Migrations.Result result =
          Migrations.builder(owner, Dialect.postgresql())
              .applicationRole(APP_ROLE)
              .userLocations(MIGRATIONS)
              .build()
              .migrate();
      execute(
          owner,
          "GRANT SELECT ON firms TO " + APP_ROLE,
          "GRANT SELECT, INSERT, UPDATE, DELETE ON clients, invoices TO " + APP_ROLE);
      LOG.info(
          "database migrated: {} library and {} application migrations applied",
          result.libraryMigrations(),
          result.userMigrations());
      HikariDataSource pool =
          ConnectionPool.builder(owner.getURL())
              .credentials(APP_ROLE, password)
              .poolName("invoice-desk")
              .maximumPoolSize(8)
              .connectionTimeout(Duration.ofSeconds(5))
              .build();
      Database database = Database.builder(pool, Dialect.postgresql()).clock(clock).build();
      return new DeskDatabase(embedded, owner, pool, database);
    } catch (RuntimeException e) {
      if (embedded != null) {
        closeEmbedded(embedded);
      }
      throw e;
    }
  }

  /** {@return the transactions of the application role} */
  public Database database() {
    return database;
  }

  /** {@return the application role's pool} */
  public DataSource applicationDataSource() {
    return pool;
  }

  /** {@return the schema owner's data source; for setup and the job lock table only} */
  DataSource ownerDataSource() {
    return owner;
  }

  /** {@return whether this is the embedded server} */
  public boolean embedded() {
    return embedded != null;
  }

  @Override
  public void close() {
    pool.close();
    if (embedded != null) {
      closeEmbedded(embedded);
    }
  }

  private static EmbeddedPostgres startEmbedded() {
    try {
      return EmbeddedPostgres.builder().start();
    } catch (IOException e) {
      throw new UncheckedIOException("the embedded PostgreSQL could not be started", e);
    }
  }

  private static void closeEmbedded(EmbeddedPostgres server) {
    try {
      server.close();
    } catch (IOException e) {
      LOG.warn("the embedded PostgreSQL did not stop cleanly", e);
    }
  }

  private static PGSimpleDataSource embeddedAdmin(EmbeddedPostgres server, String database) {
    PGSimpleDataSource source = new PGSimpleDataSource();
    source.setServerNames(new String[] {"localhost"});
    source.setPortNumbers(new int[] {server.getPort()});
    source.setDatabaseName(database);
    source.setUser("postgres");
    return source;
  }

  static void execute(DataSource source, String... statements) {
    try (Connection connection = source.getConnection();
        Statement statement = connection.createStatement()) {
      connection.setAutoCommit(true);
      for (String sql : statements) {
        try {
          statement.execute(sql);
        } catch (SQLException e) {
          throw new IllegalStateException(
              "database setup failed on: " + sql.replaceAll("PASSWORD '[^']*'", "PASSWORD '***'"),
              e);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot connect to the database as its owner", e);
    }
  }

  @Override
  public String toString() {
    return "DeskDatabase[" + (embedded != null ? "embedded" : "external") + "]";
  }
}
