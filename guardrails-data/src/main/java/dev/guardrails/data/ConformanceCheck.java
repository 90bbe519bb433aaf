package dev.guardrails.data;

import dev.guardrails.data.ConformanceProblem.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Inspects a live PostgreSQL database and reports, table by table, what would let one tenant see
 * another's rows or make the schema unsafe to run: row-level security off or not forced, a command
 * without a policy, a policy that does not fail closed, the application role being superuser,
 * BYPASSRLS or a table's owner (itself, or through a role it may SET ROLE to), the tenant column
 * missing, nullable or unindexed, a table without primary key, a foreign key without an index.
 *
 * <p>Tenant tables are the ones declared with {@link Builder#tenantTables}, or, when none are
 * declared, every table of the schema that has the tenant column. Flyway's history tables are
 * skipped; the library's own tables are checked for keys and indexes only.
 *
 * <p>Immutable and thread-safe; {@link #run(Connection)} only reads the catalogs.
 */
public final class ConformanceCheck {

  private static final Set<String> SKIPPED =
      Set.of("flyway_schema_history", Migrations.LIBRARY_HISTORY_TABLE);

  private final String applicationRole;
  private final String schema;
  private final String tenantColumn;
  private final Set<String> tenantTables;

  private ConformanceCheck(Builder builder) {
    this.applicationRole = builder.applicationRole;
    this.schema = builder.schema;
    this.tenantColumn = builder.tenantColumn;
    this.tenantTables = Set.copyOf(builder.tenantTables);
  }

  /**
   * Returns a builder.
   *
   * @param applicationRole the role the application connects as
   * @return the builder, for schema {@code public} and tenant column {@code tenant_id}
   * @throws NullPointerException if {@code applicationRole} is null
   * @throws IllegalArgumentException if {@code applicationRole} is not a lower-case identifier
   */
  public static Builder builder(String applicationRole) {
    return new Builder(Identifiers.name(applicationRole, "applicationRole"));
  }

  /**
   * Runs the check.
   *
   * @param connection a connection to the database, as any role that can read the catalogs
   * @return the report
   * @throws NullPointerException if {@code connection} is null
   * @throws IllegalArgumentException if the database is not PostgreSQL
   * @throws DataAccessException if a catalog query fails
   */
  public ConformanceReport run(Connection connection) {
    Objects.requireNonNull(connection, "connection");
    if (!Dialect.detect(connection).supportsRowLevelSecurity()) {
      throw new IllegalArgumentException("the conformance check needs PostgreSQL");
    }
    try {
      return inspect(connection);
    } catch (SQLException e) {
      throw new DataAccessException("conformance check of schema " + schema, e);
    }
  }

  private static final class TableInfo {
    boolean rls;
    boolean forced;
    String owner = "";
    boolean hasPrimaryKey;
    boolean ownedByRole;
  }

  private ConformanceReport inspect(Connection connection) throws SQLException {
    List<ConformanceProblem> problems = new ArrayList<>();
    checkRole(connection, problems);
    Map<String, TableInfo> tables = tables(connection);
    Set<String> tenant = new LinkedHashSet<>();
    if (tenantTables.isEmpty()) {
      for (String table : tables.keySet()) {
        if (!table.startsWith("guardrails_") && tenantColumnNullable(connection, table) != null) {
          tenant.add(table);
        }
      }
    } else {
      tenant.addAll(tenantTables);
    }
    for (String declared : tenant) {
      if (!tables.containsKey(declared)) {
        problems.add(
            new ConformanceProblem(
                declared, Kind.TENANT_COLUMN_MISSING, "declared tenant table does not exist"));
      }
    }
    List<String[]> unindexedForeignKeys = unindexedForeignKeys(connection);
    for (var entry : tables.entrySet()) {
      String table = entry.getKey();
      TableInfo info = entry.getValue();
      if (info.ownedByRole) {
        problems.add(
            new ConformanceProblem(
                table,
                Kind.ROLE_OWNS_TABLE,
                "role "
                    + applicationRole
                    + " is, or can SET ROLE to, owner "
                    + info.owner
                    + ", which may turn row-level security off"));
      }
      if (!info.hasPrimaryKey) {
        problems.add(
            new ConformanceProblem(table, Kind.PRIMARY_KEY_MISSING, "table has no primary key"));
      }
      for (String[] fk : unindexedForeignKeys) {
        if (fk[0].equals(table)) {
          problems.add(
              new ConformanceProblem(
                  table,
                  Kind.FOREIGN_KEY_NOT_INDEXED,
                  "foreign key " + fk[1] + " has no index on its columns"));
        }
      }
      if (tenant.contains(table)) {
        checkTenantTable(connection, table, info, problems);
      }
    }
    problems.sort(Comparator.comparing(ConformanceProblem::table));
    return new ConformanceReport(List.copyOf(tables.keySet()), problems);
  }

  private void checkRole(Connection connection, List<ConformanceProblem> problems)
      throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = ?")) {
      ps.setString(1, applicationRole);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          problems.add(
              new ConformanceProblem(
                  ConformanceProblem.ROLE,
                  Kind.ROLE_MISSING,
                  "role " + applicationRole + " does not exist"));
          return;
        }
        String who = "role " + applicationRole + " is";
        addRoleProblems(who, rs.getBoolean(1), rs.getBoolean(2), problems);
        if (rs.getBoolean(1)) {
          // a superuser is a member of every role; listing them all would add nothing
          return;
        }
      }
    }
    // SET ROLE reaches every role the application role is a member of, inherited or not
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT r.rolname, r.rolsuper, r.rolbypassrls FROM pg_roles r"
                + " WHERE r.rolname <> ? AND pg_has_role(?, r.oid, 'MEMBER')"
                + " AND (r.rolsuper OR r.rolbypassrls) ORDER BY r.rolname")) {
      ps.setString(1, applicationRole);
      ps.setString(2, applicationRole);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String who =
              "role " + applicationRole + " can SET ROLE " + rs.getString(1) + ", which is";
          addRoleProblems(who, rs.getBoolean(2), rs.getBoolean(3), problems);
        }
      }
    }
  }

  private static void addRoleProblems(
      String who, boolean superuser, boolean bypassRls, List<ConformanceProblem> problems) {
    if (superuser) {
      problems.add(
          new ConformanceProblem(
              ConformanceProblem.ROLE,
              Kind.ROLE_SUPERUSER,
              who + " a superuser and bypasses every policy"));
    }
    if (bypassRls) {
      problems.add(
          new ConformanceProblem(
              ConformanceProblem.ROLE, Kind.ROLE_BYPASSES_RLS, who + " BYPASSRLS"));
    }
  }

  private Map<String, TableInfo> tables(Connection connection) throws SQLException {
    TreeMap<String, TableInfo> tables = new TreeMap<>();
    boolean roleExists;
    try (PreparedStatement ps =
        connection.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
      ps.setString(1, applicationRole);
      try (ResultSet rs = ps.executeQuery()) {
        roleExists = rs.next();
      }
    }
    String sql =
        "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, pg_get_userbyid(c.relowner),"
            + " EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p'),"
            + (roleExists ? " pg_has_role(?, c.relowner, 'MEMBER')" : " false")
            + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE n.nspname = ? AND c.relkind IN ('r', 'p')";
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      int i = 1;
      if (roleExists) {
        ps.setString(i++, applicationRole);
      }
      ps.setString(i, schema);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String name = rs.getString(1);
          if (SKIPPED.contains(name)) {
            continue;
          }
          TableInfo info = new TableInfo();
          info.rls = rs.getBoolean(2);
          info.forced = rs.getBoolean(3);
          info.owner = rs.getString(4);
          info.hasPrimaryKey = rs.getBoolean(5);
          info.ownedByRole = rs.getBoolean(6);
          tables.put(name, info);
        }
      }
    }
    return tables;
  }

  /** Returns "YES"/"NO" for the tenant column's nullability, or null if the table has none. */
  private @Nullable String tenantColumnNullable(Connection connection, String table)
      throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT is_nullable FROM information_schema.columns"
                + " WHERE table_schema = ? AND table_name = ? AND column_name = ?")) {
      ps.setString(1, schema);
      ps.setString(2, table);
      ps.setString(3, tenantColumn);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private void checkTenantTable(
      Connection connection, String table, TableInfo info, List<ConformanceProblem> problems)
      throws SQLException {
    if (!info.rls) {
      problems.add(
          new ConformanceProblem(table, Kind.RLS_DISABLED, "row-level security is not enabled"));
    }
    if (!info.forced) {
      problems.add(
          new ConformanceProblem(
              table,
              Kind.RLS_NOT_FORCED,
              "row-level security is not forced; the owner " + info.owner + " bypasses it"));
    }
    Set<String> missing = new LinkedHashSet<>(List.of("SELECT", "INSERT", "UPDATE", "DELETE"));
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT policyname, cmd, permissive, coalesce(qual, ''), coalesce(with_check, '')"
                + " FROM pg_policies WHERE schemaname = ? AND tablename = ?")) {
      ps.setString(1, schema);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String name = rs.getString(1);
          String command = rs.getString(2);
          if (command.equals("ALL")) {
            missing.clear();
          } else {
            missing.remove(command);
          }
          if (!"PERMISSIVE".equals(rs.getString(3))) {
            continue;
          }
          String expressions = (rs.getString(4) + " " + rs.getString(5)).toLowerCase(Locale.ROOT);
          if (!expressions.contains("nullif(current_setting(")) {
            problems.add(
                new ConformanceProblem(
                    table,
                    Kind.POLICY_NOT_FAIL_CLOSED,
                    "policy "
                        + name
                        + " does not compare against nullif(current_setting(..., true), '')"));
          }
        }
      }
    }
    for (String command : missing) {
      problems.add(new ConformanceProblem(table, Kind.POLICY_MISSING, "no policy for " + command));
    }
    String nullable = tenantColumnNullable(connection, table);
    if (nullable == null) {
      problems.add(
          new ConformanceProblem(table, Kind.TENANT_COLUMN_MISSING, "no column " + tenantColumn));
      return;
    }
    if (nullable.equals("YES")) {
      problems.add(
          new ConformanceProblem(
              table, Kind.TENANT_COLUMN_NULLABLE, "column " + tenantColumn + " accepts NULL"));
    }
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]"
                + " WHERE n.nspname = ? AND c.relname = ? AND a.attname = ?")) {
      ps.setString(1, schema);
      ps.setString(2, table);
      ps.setString(3, tenantColumn);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          problems.add(
              new ConformanceProblem(
                  table,
                  Kind.TENANT_COLUMN_NOT_INDEXED,
                  "no index starts with column " + tenantColumn));
        }
      }
    }
  }

  private List<String[]> unindexedForeignKeys(Connection connection) throws SQLException {
    List<String[]> result = new ArrayList<>();
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT c.relname, k.conname FROM pg_constraint k"
                + " JOIN pg_class c ON c.oid = k.conrelid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE k.contype = 'f' AND n.nspname = ? AND NOT EXISTS ("
                + "  SELECT 1 FROM pg_index i WHERE i.indrelid = k.conrelid"
                + "  AND (string_to_array(i.indkey::text, ' ')::int2[])[1:array_length(k.conkey, 1)]"
                + "      @> k.conkey"
                + "  AND (string_to_array(i.indkey::text, ' ')::int2[])[1:array_length(k.conkey, 1)]"
                + "      <@ k.conkey)"
                + " ORDER BY c.relname, k.conname")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          result.add(new String[] {rs.getString(1), rs.getString(2)});
        }
      }
    }
    return result;
  }

  @Override
  public String toString() {
    return "ConformanceCheck[role=" + applicationRole + " schema=" + schema + "]";
  }

  /** Builds a {@link ConformanceCheck}; not thread-safe, {@link #build()} copies. */
  public static final class Builder {
    private final String applicationRole;
    private String schema = "public";
    private String tenantColumn = "tenant_id";
    private final Set<String> tenantTables = new LinkedHashSet<>();

    private Builder(String applicationRole) {
      this.applicationRole = applicationRole;
    }

    /**
     * Sets the schema to inspect (default {@code public}).
     *
     * @param schema the schema
     * @return this builder
     * @throws IllegalArgumentException if the name is not a lower-case identifier
     */
    public Builder schema(String schema) {
      this.schema = Identifiers.name(schema, "schema");
      return this;
    }

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
     * Declares the tenant tables; a declared table without the tenant column is a problem.
     *
     * @param tables unqualified table names
     * @return this builder
     * @throws IllegalArgumentException if a name is not a lower-case identifier
     */
    public Builder tenantTables(String... tables) {
      for (String table : tables) {
        tenantTables.add(Identifiers.name(table, "tenant table"));
      }
      return this;
    }

    /** {@return the check} */
    public ConformanceCheck build() {
      return new ConformanceCheck(this);
    }
  }
}
