package dev.guardrails.data;

import java.util.Optional;

/**
 * PostgreSQL: transaction-local settings through {@code set_config}, multi-statement round trips.
 */
final class PostgresDialect implements Dialect {

  static final PostgresDialect INSTANCE = new PostgresDialect();

  private PostgresDialect() {}

  @Override
  public String name() {
    return "postgresql";
  }

  @Override
  public boolean supportsRowLevelSecurity() {
    return true;
  }

  @Override
  public boolean supportsMultipleStatements() {
    return true;
  }

  @Override
  public Optional<String> transactionSettingsSql(int count) {
    H2Dialect.requirePositive(count);
    StringBuilder sql = new StringBuilder("SELECT ");
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        sql.append(", ");
      }
      sql.append("set_config(?, ?, true)");
    }
    return Optional.of(sql.toString());
  }

  @Override
  public String jsonParameter() {
    return "CAST(? AS jsonb)";
  }

  @Override
  public String insertIfAbsent(String insertSql) {
    return insertSql + " ON CONFLICT DO NOTHING";
  }

  @Override
  public String migrationLocation() {
    return "classpath:dev/guardrails/data/db/postgresql";
  }

  @Override
  public String toString() {
    return "Dialect[postgresql]";
  }
}
