package dev.guardrails.data;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Databases for tests: one PostgreSQL server for the whole run (embedded, or the one named by
 * GUARDRAILS_PG_URL), a fresh database on it per call, and in-memory H2 in PostgreSQL mode.
 */
final class TestDatabases {

  static final String ROLE_PASSWORD = "app-password";

  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final long RUN = ProcessHandle.current().pid();
  private static PGSimpleDataSource admin;
  private static String template;

  private TestDatabases() {}

  private static synchronized PGSimpleDataSource admin() {
    if (admin == null) {
      String url = System.getenv("GUARDRAILS_PG_URL");
      PGSimpleDataSource ds = new PGSimpleDataSource();
      if (url != null && !url.isBlank()) {
        ds.setURL(url);
      } else {
        try {
          EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
          Runtime.getRuntime()
              .addShutdownHook(
                  new Thread(
                      () -> {
                        try {
                          pg.close();
                        } catch (IOException e) {
                          throw new UncheckedIOException(e);
                        }
                      }));
          ds.setServerNames(new String[] {"localhost"});
          ds.setPortNumbers(new int[] {pg.getPort()});
          ds.setDatabaseName("postgres");
          ds.setUser("postgres");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      admin = ds;
    }
    return admin;
  }

  /** A new, empty PostgreSQL database; the data source connects as a superuser. */
  static PGSimpleDataSource newPostgres(String label) {
    PGSimpleDataSource server = admin();
    String name = unique(label);
    execute(server, "CREATE DATABASE " + name);
    PGSimpleDataSource ds = copy(server);
    ds.setDatabaseName(name);
    return ds;
  }

  /**
   * A new PostgreSQL database with the library's migrations applied, copied from a template that is
   * migrated once per run; the data source connects as a superuser.
   */
  static synchronized PGSimpleDataSource newPostgresWithLibrary(String label) {
    if (template == null) {
      PGSimpleDataSource tpl = newPostgres("template");
      Migrations.builder(tpl, Dialect.postgresql()).build().migrate();
      template = tpl.getDatabaseName();
    }
    PGSimpleDataSource server = admin();
    String name = unique(label);
    execute(server, "CREATE DATABASE " + name + " TEMPLATE " + template);
    PGSimpleDataSource ds = copy(server);
    ds.setDatabaseName(name);
    return ds;
  }

  /** A role that is not superuser, has no BYPASSRLS and owns nothing; returns its data source. */
  static PGSimpleDataSource newRole(PGSimpleDataSource database, String label) {
    String role = unique(label);
    execute(
        database,
        "CREATE ROLE "
            + role
            + " LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD '"
            + ROLE_PASSWORD
            + "'");
    PGSimpleDataSource ds = copy(database);
    ds.setUser(role);
    ds.setPassword(ROLE_PASSWORD);
    return ds;
  }

  /** A new in-memory H2 database in PostgreSQL mode, kept until the JVM exits. */
  static DataSource newH2(String label) {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL(
        "jdbc:h2:mem:"
            + unique(label)
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
    ds.setUser("sa");
    return ds;
  }

  static void execute(DataSource ds, String... statements) {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      c.setAutoCommit(true);
      for (String sql : statements) {
        s.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("setup failed: " + String.join("; ", statements), e);
    }
  }

  private static PGSimpleDataSource copy(PGSimpleDataSource source) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(source.getURL());
    ds.setUser(source.getUser());
    ds.setPassword(source.getPassword());
    return ds;
  }

  private static String unique(String label) {
    return ("gr_" + label + "_" + RUN + "_" + COUNTER.incrementAndGet()).toLowerCase(Locale.ROOT);
  }
}
