package dev.guardrails.data;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * A check that {@link Migrations} runs after each migration, inside its transaction: every table
 * the migration created must have a primary key, and every new table declared tenant-scoped must
 * have a NOT NULL tenant column and, on PostgreSQL, forced row-level security; a migration must not
 * take either away from a tenant-scoped table that already had it. A failing check fails the
 * migration, which is rolled back where the engine's DDL is transactional (PostgreSQL).
 *
 * <p>Immutable and thread-safe.
 */
public final class MigrationLint {

  private final String tenantColumn;
  private final Set<String> tenantScoped;

  private MigrationLint(Builder builder) {
    this.tenantColumn = builder.tenantColumn;
    this.tenantScoped = Set.copyOf(builder.tenantScoped);
  }

  /** {@return a builder, for tenant column {@code tenant_id} and no tenant-scoped table} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the tables declared tenant-scoped, lower case} */
  public Set<String> tenantScopedTables() {
    return tenantScoped;
  }

  /** The tables of the connection's current schema, lower-cased name to name as stored. */
  static Map<String, String> tables(Connection connection) throws SQLException {
    TreeMap<String, String> tables = new TreeMap<>();
    DatabaseMetaData meta = connection.getMetaData();
    try (ResultSet rs =
        meta.getTables(
            connection.getCatalog(), connection.getSchema(), "%", new String[] {"TABLE"})) {
      while (rs.next()) {
        String name = rs.getString("TABLE_NAME");
        tables.put(name.toLowerCase(Locale.ROOT), name);
      }
    }
    return tables;
  }

  /**
   * Checks tables on a connection: every new table for a primary key, and every tenant-scoped one
   * among them for its tenant column and forced row-level security.
   *
   * @param connection the connection, in the migration's transaction
   * @param newTables the tables to check, lower-cased name to name as stored
   * @return the problems, one line each; empty if the tables pass
   */
  List<String> check(Connection connection, Map<String, String> newTables) throws SQLException {
    List<String> problems = new ArrayList<>();
    DatabaseMetaData meta = connection.getMetaData();
    for (var entry : newTables.entrySet()) {
      try (ResultSet rs =
          meta.getPrimaryKeys(connection.getCatalog(), connection.getSchema(), entry.getValue())) {
        if (!rs.next()) {
          problems.add("table " + entry.getKey() + " has no primary key");
        }
      }
    }
    problems.addAll(checkTenantScoped(connection, newTables));
    return problems;
  }

  /**
   * Checks the tenant-scoped tables among the given ones: a NOT NULL tenant column and, on
   * PostgreSQL, forced row-level security. Run on the tables that existed before a migration, it
   * catches a migration that makes one less safe (e.g. {@code NO FORCE ROW LEVEL SECURITY}).
   *
   * @param connection the connection, in the migration's transaction
   * @param tables the tables, lower-cased name to name as stored
   * @return the problems, one line each
   */
  List<String> checkTenantScoped(Connection connection, Map<String, String> tables)
      throws SQLException {
    List<String> problems = new ArrayList<>();
    DatabaseMetaData meta = connection.getMetaData();
    boolean postgres = Dialect.detect(connection).supportsRowLevelSecurity();
    for (var entry : tables.entrySet()) {
      String lower = entry.getKey();
      String stored = entry.getValue();
      if (!tenantScoped.contains(lower)) {
        continue;
      }
      Boolean nullable = null;
      try (ResultSet rs =
          meta.getColumns(connection.getCatalog(), connection.getSchema(), stored, "%")) {
        while (rs.next()) {
          if (rs.getString("COLUMN_NAME").equalsIgnoreCase(tenantColumn)) {
            nullable = rs.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls;
          }
        }
      }
      if (nullable == null) {
        problems.add("tenant-scoped table " + lower + " has no column " + tenantColumn);
      } else if (nullable) {
        problems.add("tenant-scoped table " + lower + " has a nullable " + tenantColumn);
      }
      if (postgres) {
        try (PreparedStatement ps =
            connection.prepareStatement(
                "SELECT c.relrowsecurity AND c.relforcerowsecurity FROM pg_class c"
                    + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE n.nspname = current_schema() AND c.relname = ?")) {
          ps.setString(1, stored);
          try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next() || !rs.getBoolean(1)) {
              problems.add(
                  "tenant-scoped table " + lower + " does not have forced row-level security");
            }
          }
        }
      }
    }
    return problems;
  }

  @Override
  public String toString() {
    return "MigrationLint[tenantColumn=" + tenantColumn + " tenantScoped=" + tenantScoped + "]";
  }

  /** Builds a {@link MigrationLint}; not thread-safe, {@link #build()} copies. */
  public static final class Builder {
    private String tenantColumn = "tenant_id";
    private final Set<String> tenantScoped = new LinkedHashSet<>();

    private Builder() {}

    /**
     * Sets the tenant column (default {@code tenant_id}).
     *
     * @param column the column
     * @return this builder
     * @throws IllegalArgumentException if the name is not a lower-case identifier
     */
    public Builder tenantColumn(String column) {
      this.tenantColumn = Identifiers.name(column, "tenantColumn");
      return this;
    }

    /**
     * Declares tables tenant-scoped.
     *
     * @param tables unqualified table names
     * @return this builder
     * @throws IllegalArgumentException if a name is not a lower-case identifier
     */
    public Builder tenantScoped(String... tables) {
      for (String table : Objects.requireNonNull(tables, "tables")) {
        tenantScoped.add(Identifiers.name(table, "tenant-scoped table"));
      }
      return this;
    }

    /** {@return the lint} */
    public MigrationLint build() {
      return new MigrationLint(this);
    }
  }
}
