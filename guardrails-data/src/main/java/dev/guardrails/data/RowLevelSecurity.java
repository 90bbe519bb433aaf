package dev.guardrails.data;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;

/**
 * Turns on PostgreSQL row-level security for a tenant table, driven by the transaction-local
 * setting {@value Transaction#TENANT_SETTING} that every {@link Database} transaction sets.
 *
 * <p>The statements enable and FORCE row-level security (so the table's owner is bound too) and
 * create one policy per command — SELECT and DELETE with USING, INSERT with WITH CHECK, UPDATE with
 * both — each comparing the tenant column to {@code nullif(current_setting('guardrails.tenant_id',
 * true), '')}. A missing or empty setting yields NULL, which matches no row: the policies fail
 * closed. Superusers and roles with BYPASSRLS still bypass them; connect as a plain role (check
 * with {@link ConformanceCheck}).
 *
 * <p>Stateless and thread-safe.
 */
public final class RowLevelSecurity {

  /** The predicate every policy uses, with {@code %s} for the tenant column. */
  static final String PREDICATE =
      "%s = nullif(current_setting('" + Transaction.TENANT_SETTING + "', true), '')";

  private RowLevelSecurity() {}

  /**
   * Returns the statements that enable and force row-level security on a table with a policy for
   * every command; they drop and recreate the policies, so running them twice is harmless.
   *
   * @param table the table, optionally schema-qualified, lower case
   * @param tenantColumn the text column holding the tenant id, lower case
   * @return the statements, in order
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if a name is not a lower-case SQL identifier
   */
  public static List<String> statements(String table, String tenantColumn) {
    Identifiers.table(table, "table");
    String predicate = String.format(PREDICATE, Identifiers.name(tenantColumn, "tenantColumn"));
    String select = policy("select");
    String insert = policy("insert");
    String update = policy("update");
    String delete = policy("delete");
    return List.of(
        "ALTER TABLE " + table + " ENABLE ROW LEVEL SECURITY",
        "ALTER TABLE " + table + " FORCE ROW LEVEL SECURITY",
        "DROP POLICY IF EXISTS " + select + " ON " + table,
        "DROP POLICY IF EXISTS " + insert + " ON " + table,
        "DROP POLICY IF EXISTS " + update + " ON " + table,
        "DROP POLICY IF EXISTS " + delete + " ON " + table,
        "CREATE POLICY " + select + " ON " + table + " FOR SELECT USING (" + predicate + ")",
        "CREATE POLICY " + insert + " ON " + table + " FOR INSERT WITH CHECK (" + predicate + ")",
        "CREATE POLICY "
            + update
            + " ON "
            + table
            + " FOR UPDATE USING ("
            + predicate
            + ") WITH CHECK ("
            + predicate
            + ")",
        "CREATE POLICY " + delete + " ON " + table + " FOR DELETE USING (" + predicate + ")");
  }

  /**
   * Runs {@link #statements(String, String)} on a connection, e.g. in a migration or at setup. The
   * caller commits if the connection is not in auto-commit mode.
   *
   * @param connection a connection of the table's owner
   * @param table the table
   * @param tenantColumn the tenant column
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if a name is not a lower-case SQL identifier
   * @throws DataAccessException if a statement fails
   */
  public static void enable(Connection connection, String table, String tenantColumn) {
    Objects.requireNonNull(connection, "connection");
    List<String> statements = statements(table, tenantColumn);
    try (Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    } catch (SQLException e) {
      throw new DataAccessException("enabling row-level security on " + table, e);
    }
  }

  private static String policy(String command) {
    return "guardrails_tenant_" + command;
  }
}
