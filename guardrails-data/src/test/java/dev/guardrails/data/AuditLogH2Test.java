package dev.guardrails.data;

import java.sql.SQLException;
import javax.sql.DataSource;

final class AuditLogH2Test extends AuditLogContract {

  @Override
  DataSource newDatabase() {
    DataSource h2 = TestDatabases.newH2("audit");
    Migrations.builder(h2, Dialect.h2()).build().migrate();
    return h2;
  }

  @Override
  Dialect dialect() {
    return Dialect.h2();
  }

  @Override
  void tamper(String... statements) throws SQLException {
    TestDatabases.execute(dataSource, statements);
  }
}
