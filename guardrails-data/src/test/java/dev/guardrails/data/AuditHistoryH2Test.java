package dev.guardrails.data;

import javax.sql.DataSource;

final class AuditHistoryH2Test extends AuditHistoryContract {

  @Override
  DataSource newDatabase() {
    DataSource h2 = TestDatabases.newH2("history");
    Migrations.builder(h2, Dialect.h2()).build().migrate();
    return h2;
  }

  @Override
  Dialect dialect() {
    return Dialect.h2();
  }
}
