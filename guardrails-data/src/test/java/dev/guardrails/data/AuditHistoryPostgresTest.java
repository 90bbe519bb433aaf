package dev.guardrails.data;

import javax.sql.DataSource;

final class AuditHistoryPostgresTest extends AuditHistoryContract {

  @Override
  DataSource newDatabase() {
    return TestDatabases.newPostgresWithLibrary("history");
  }

  @Override
  Dialect dialect() {
    return Dialect.postgresql();
  }
}
