package dev.guardrails.data;

import java.util.Optional;

/** H2 2.x: no row-level security, no transaction-local settings, one statement per round trip. */
final class H2Dialect implements Dialect {

  static final H2Dialect INSTANCE = new H2Dialect();

  private H2Dialect() {}

  @Override
  public String name() {
    return "h2";
  }

  @Override
  public boolean supportsRowLevelSecurity() {
    return false;
  }

  @Override
  public boolean supportsMultipleStatements() {
    return false;
  }

  @Override
  public Optional<String> transactionSettingsSql(int count) {
    requirePositive(count);
    return Optional.empty();
  }

  @Override
  public String jsonParameter() {
    return "?";
  }

  @Override
  public String insertIfAbsent(String insertSql) {
    return insertSql;
  }

  @Override
  public String migrationLocation() {
    return "classpath:dev/guardrails/data/db/h2";
  }

  @Override
  public String toString() {
    return "Dialect[h2]";
  }

  static void requirePositive(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("setting count must be at least 1, but was " + count);
    }
  }
}
