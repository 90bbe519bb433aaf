package dev.guardrails.data;

import javax.sql.DataSource;

final class RepositoryH2Test extends RepositoryContract {

  @Override
  DataSource newDatabase() {
    DataSource h2 = TestDatabases.newH2("repo");
    Migrations.builder(h2, Dialect.h2()).build().migrate();
    return h2;
  }

  @Override
  Dialect dialect() {
    return Dialect.h2();
  }
}
