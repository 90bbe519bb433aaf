package dev.guardrails.data;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What guardrails-data needs to know about a database engine: whether it can carry several
 * statements in one round trip, how transaction-local settings are set, how JSON is bound and where
 * the library's own migrations live.
 *
 * <p>Two implementations ship: {@link #postgresql()}, the first-class target (row-level security,
 * transaction-local settings, one round trip per audited write) and {@link #h2()}, for in-process
 * tests (everything but row-level security). Implementations must be immutable and thread-safe.
 */
public interface Dialect {

  /** {@return the engine's name, e.g. "postgresql"} */
  String name();

  /** {@return whether the engine enforces row-level security policies} */
  boolean supportsRowLevelSecurity();

  /**
   * {@return whether one prepared statement may hold several statements separated by semicolons,
   * executed in order in one network round trip, with parameters numbered across all of them}
   */
  boolean supportsMultipleStatements();

  /**
   * Returns the statement that sets {@code count} transaction-local settings, each bound as two
   * parameters (the setting's name, then its value), or empty if the engine has no such settings.
   * The statement must be executed on its own, before any statement that reads a setting.
   *
   * @param count how many settings, at least 1
   * @return the statement, or empty
   * @throws IllegalArgumentException if {@code count} is less than 1
   */
  Optional<String> transactionSettingsSql(int count);

  /**
   * {@return the SQL expression that binds one JSON text parameter to a JSON column, e.g. {@code
   * CAST(? AS jsonb)}}
   */
  String jsonParameter();

  /**
   * Returns an INSERT that does nothing when it would violate a unique key, where the engine can;
   * otherwise the INSERT unchanged, and the caller treats a unique violation (SQL state 23505) as
   * "already present".
   *
   * @param insertSql a plain {@code INSERT ... VALUES (...)}
   * @return the statement
   */
  String insertIfAbsent(String insertSql);

  /** {@return the Flyway location of the library's own migrations for this engine} */
  String migrationLocation();

  /** {@return the PostgreSQL dialect (14 or later)} */
  static Dialect postgresql() {
    return PostgresDialect.INSTANCE;
  }

  /** {@return the H2 dialect (2.x, best in PostgreSQL mode)} */
  static Dialect h2() {
    return H2Dialect.INSTANCE;
  }

  /**
   * Returns the built-in dialect for the engine behind a connection, from its metadata.
   *
   * @param connection an open connection; not closed
   * @return the dialect
   * @throws NullPointerException if {@code connection} is null
   * @throws IllegalArgumentException if the engine is neither PostgreSQL nor H2
   * @throws DataAccessException if the metadata cannot be read
   */
  static Dialect detect(Connection connection) {
    Objects.requireNonNull(connection, "connection");
    String product;
    try {
      product = connection.getMetaData().getDatabaseProductName();
    } catch (SQLException e) {
      throw new DataAccessException("reading the database product name", e);
    }
    String lower = product.toLowerCase(Locale.ROOT);
    if (lower.contains("postgresql")) {
      return postgresql();
    }
    if (lower.equals("h2")) {
      return h2();
    }
    throw new IllegalArgumentException(
        "database product must be PostgreSQL or H2, but was '" + product + "'");
  }
}
