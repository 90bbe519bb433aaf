package dev.guardrails.samples.db;

import dev.guardrails.data.RowLevelSecurity;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Migration 2: row-level security enabled and forced on the tenant tables, with the library's
 * fail-closed policies on {@code tenant_id}.
 */
public final class V2__Row_level_security extends BaseJavaMigration {

  /** Creates the migration; Flyway instantiates it. */
  public V2__Row_level_security() {}

  @Override
  public void migrate(Context context) {
    RowLevelSecurity.enable(context.getConnection(), "clients", "tenant_id");
    RowLevelSecurity.enable(context.getConnection(), "invoices", "tenant_id");
  }
}
