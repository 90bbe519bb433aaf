package dev.guardrails.cost;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A PostgreSQL server for a test class: embedded (started once per class), or the server named by
 * {@code GUARDRAILS_PG_URL} when that is set. Each {@link #newInstance} is its own small connection
 * pool, standing for one application instance.
 */
final class TestPostgres implements AutoCloseable {

  private final EmbeddedPostgres embedded;
  private final String url;

  private TestPostgres(EmbeddedPostgres embedded, String url) {
    this.embedded = embedded;
    this.url = url;
  }

  static TestPostgres start() throws IOException {
    String external = System.getenv("GUARDRAILS_PG_URL");
    if (external != null && !external.isBlank()) {
      return new TestPostgres(null, external);
    }
    EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
    return new TestPostgres(pg, pg.getJdbcUrl("postgres", "postgres"));
  }

  String url() {
    return url;
  }

  /** A new pool of at most {@code size} connections: one "application instance". */
  DataSource newInstance(int size) {
    return pool(url, size);
  }

  /** A small pool of at most {@code size} connections to the URL. */
  static DataSource pool(String url, int size) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(url);
    return new Pool(ds, size);
  }

  void truncate(String... tables) throws SQLException {
    DataSource ds = newInstance(1);
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      for (String table : tables) {
        s.execute("TRUNCATE " + table);
      }
    }
  }

  @Override
  public void close() throws IOException {
    if (embedded != null) {
      embedded.close();
    }
  }

  /** A minimal blocking pool; connections come back on close. */
  private static final class Pool implements DataSource {
    private final PGSimpleDataSource target;
    private final BlockingQueue<Connection> idle;
    private final java.util.concurrent.Semaphore permits;

    Pool(PGSimpleDataSource target, int size) {
      this.target = target;
      this.idle = new ArrayBlockingQueue<>(size);
      this.permits = new java.util.concurrent.Semaphore(size);
    }

    @Override
    public Connection getConnection() throws SQLException {
      try {
        permits.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SQLException("interrupted", e);
      }
      Connection physical = idle.poll();
      if (physical == null || physical.isClosed()) {
        try {
          physical = target.getConnection();
        } catch (SQLException e) {
          permits.release();
          throw e;
        }
      }
      Connection real = physical;
      boolean[] closed = {false};
      return (Connection)
          Proxy.newProxyInstance(
              Connection.class.getClassLoader(),
              new Class<?>[] {Connection.class},
              (proxy, method, args) -> {
                if (method.getName().equals("close")) {
                  if (!closed[0]) {
                    closed[0] = true;
                    if (!real.getAutoCommit()) {
                      real.rollback();
                      real.setAutoCommit(true);
                    }
                    idle.offer(real);
                    permits.release();
                  }
                  return null;
                }
                if (method.getName().equals("isClosed")) {
                  return closed[0];
                }
                try {
                  return method.invoke(real, args);
                } catch (InvocationTargetException e) {
                  throw e.getCause();
                }
              });
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }

  /**
   * Wraps a pool so that its connections have auto-commit off and roll back what was not committed
   * when they are closed, as a HikariCP pool built with {@code autoCommit=false} does.
   */
  static DataSource withoutAutoCommit(DataSource pool) {
    return (DataSource)
        Proxy.newProxyInstance(
            TestPostgres.class.getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
              Object result = invoke(method, pool, args);
              if (result instanceof Connection c) {
                c.setAutoCommit(false);
                return rollingBackOnClose(c);
              }
              return result;
            });
  }

  private static Connection rollingBackOnClose(Connection c) {
    return (Connection)
        Proxy.newProxyInstance(
            TestPostgres.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              if (method.getName().equals("close")) {
                c.rollback();
                c.setAutoCommit(true);
                c.close();
                return null;
              }
              return invoke(method, c, args);
            });
  }

  private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
