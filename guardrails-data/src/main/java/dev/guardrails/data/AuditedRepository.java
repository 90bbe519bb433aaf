package dev.guardrails.data;

import dev.guardrails.core.AccessDenied;
import dev.guardrails.core.Actor;
import dev.guardrails.core.Conflict;
import dev.guardrails.core.NotFound;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A repository over plain JDBC for one {@link TableMapping}: insert, update, delete (soft when the
 * mapping says so), find by id and list with paging and sort, where every write and its audit row
 * commit in one transaction or not at all, and every statement is scoped to the context's tenant
 * (and owner, when the {@link RowScope} says so).
 *
 * <p>On PostgreSQL an insert is one network round trip: the transaction-local settings (when this
 * is the transaction's first statement) and one statement that writes the record and its audit row
 * (a data-modifying CTE, so an audit row exists exactly for a row written) travel as one
 * multi-statement prepared statement. When the insert, {@link #findById(Object)} or {@link
 * #list(PageRequest)} runs in a transaction of its own (the convenience methods, with no
 * transaction open on the thread), the {@code COMMIT} travels in that same round trip, after the
 * statement; joined to an open transaction they never commit it. Updates and deletes take two round
 * trips and a commit: the current row is read and locked ({@code FOR UPDATE}) for the audit's
 * before-values and the version check, then the write and its audit row travel together.
 *
 * <p>A record of another tenant (or, when owned-only, of another owner) reads as not found and
 * cannot be written. There are no bulk writes that bypass the audit: {@link #deleteAll} and {@link
 * #updateAll} write one audit row per record.
 *
 * <p>Thread-safe; methods taking a {@link Transaction} must be called on that transaction's thread.
 *
 * @param <T> the record type
 */
public final class AuditedRepository<T> {

  private final Database database;
  private final TableMapping<T> mapping;
  private final RowScope scope;
  private final String selectColumns;

  private AuditedRepository(Database database, TableMapping<T> mapping, RowScope scope) {
    this.database = database;
    this.mapping = mapping;
    this.scope = scope;
    this.selectColumns = String.join(", ", mapping.columns());
  }

  /**
   * Creates a repository.
   *
   * @param database the database whose transactions it runs in
   * @param mapping the table mapping
   * @param scope which rows of the tenant each actor may see, e.g. {@link RowScope#tenant()}
   * @param <T> the record type
   * @return the repository
   * @throws NullPointerException if an argument is null
   */
  public static <T> AuditedRepository<T> of(
      Database database, TableMapping<T> mapping, RowScope scope) {
    return new AuditedRepository<>(
        Objects.requireNonNull(database, "database"),
        Objects.requireNonNull(mapping, "mapping"),
        Objects.requireNonNull(scope, "scope"));
  }

  /** {@return the mapping} */
  public TableMapping<T> mapping() {
    return mapping;
  }

  // ---- convenience: each call in its own (or the thread's open) transaction ----

  /**
   * Inserts a record with its audit row, in the current or a new transaction.
   *
   * @param record the record
   * @return the record as stored (version 1 when versioned)
   * @throws AccessDenied if the scope forbids writing, or the record names another tenant or owner
   * @throws Conflict if a record with the same key exists
   * @throws IllegalStateException if no context is bound
   * @throws DataAccessException if the database fails
   */
  public T insert(T record) {
    return database.inOwnTransaction(tx -> insert(tx, record, true));
  }

  /**
   * Updates a record with its audit row, in the current or a new transaction.
   *
   * @param record the record with the version it was read at
   * @return the record as stored, with its new version
   * @throws NotFound if no such record is visible to the actor
   * @throws Conflict if the stored version differs from the record's
   * @throws AccessDenied if the scope forbids writing
   * @throws IllegalStateException if no context is bound
   * @throws DataAccessException if the database fails
   */
  public T update(T record) {
    return database.inTransaction(tx -> update(tx, record));
  }

  /**
   * Deletes a record (softly when the mapping says so) with its audit row.
   *
   * @param id the record's id
   * @throws NotFound if no such record is visible to the actor
   * @throws AccessDenied if the scope forbids writing
   * @throws IllegalStateException if no context is bound
   * @throws DataAccessException if the database fails
   */
  public void delete(Object id) {
    database.inTransaction(
        tx -> {
          delete(tx, id);
          return Boolean.TRUE;
        });
  }

  /**
   * Finds a record by id within the actor's scope.
   *
   * @param id the id
   * @return the record, or empty if it does not exist or is not visible to the actor
   * @throws IllegalStateException if no context is bound
   * @throws DataAccessException if the database fails
   */
  public Optional<T> findById(Object id) {
    return database.inOwnTransaction(tx -> findById(tx, id, true));
  }

  /**
   * Lists a page of the records visible to the actor.
   *
   * @param page which page
   * @return the page
   * @throws IllegalArgumentException if the sort column is not mapped
   * @throws IllegalStateException if no context is bound
   * @throws DataAccessException if the database fails
   */
  public Page<T> list(PageRequest page) {
    return database.inOwnTransaction(tx -> list(tx, page, true));
  }

  // ---- within a transaction ----

  /**
   * Inserts a record and its audit row in the transaction.
   *
   * @param tx the transaction
   * @param record the record; its tenant (and owner, when owned-only) come from the context
   * @return the record as stored (version 1 when versioned)
   * @throws SQLException if the database fails
   * @throws AccessDenied if the scope forbids writing, or the record names another tenant or owner
   * @throws Conflict if a record with the same key exists
   */
  public T insert(Transaction tx, T record) throws SQLException {
    return insert(tx, record, false);
  }

  private T insert(Transaction tx, T record, boolean last) throws SQLException {
    Objects.requireNonNull(tx, "tx");
    Objects.requireNonNull(record, "record");
    RowScope.Visibility visibility = writableVisibility(tx.actor());
    T stored = record;
    Optional<String> version = mapping.versionColumn();
    if (version.isPresent()) {
      stored = mapping.withVersion(record, 1);
    }
    Map<String, @Nullable Object> row = rowValues(tx.actor(), stored, visibility);
    if (mapping.softDeleteColumn().isPresent()
        && !row.containsKey(mapping.softDeleteColumn().get())) {
      row.put(mapping.softDeleteColumn().get(), null);
    }
    List<@Nullable Object> params = new ArrayList<>(row.values());
    StringBuilder sql = new StringBuilder("INSERT INTO ").append(mapping.table()).append(" (");
    sql.append(String.join(", ", row.keySet())).append(") VALUES (");
    for (int i = 0; i < row.size(); i++) {
      sql.append(i == 0 ? "?" : ", ?");
    }
    sql.append(')');
    String id = idText(stored);
    Sql write = new Sql(sql.toString(), params);
    Map<String, @Nullable Object> after = masked(row);
    // on PostgreSQL the record and its audit row are one statement, and in a transaction of its
    // own the COMMIT rides along: the whole insert is one round trip
    List<Sql> statements =
        tx.dialect() instanceof PostgresDialect
            ? List.of(
                AuditRows.withWrite(
                    tx, write, mapping.table(), id, AuditAction.INSERT, null, after))
            : List.of(
                write, AuditRows.insert(tx, mapping.table(), id, AuditAction.INSERT, null, after));
    try {
      Transaction.Results<Object> results =
          last ? tx.runLast(statements, null) : tx.run(statements, null);
      int[] counts = results.counts;
      requireOne(counts, "insert");
      AuditRows.written(tx, mapping.table(), id, AuditAction.INSERT);
    } catch (SQLException e) {
      if ("23505".equals(e.getSQLState())) {
        throw Conflict.duplicate(mapping.resourceType(), mapping.idColumn() + "=" + id);
      }
      throw e;
    }
    return stored;
  }

  /**
   * Updates a record and writes its audit row, checking its version when the mapping has one.
   * Tenant and owner columns are never changed by an update.
   *
   * @param tx the transaction
   * @param record the new values, with the version they were read at
   * @return the record as stored, with its new version
   * @throws SQLException if the database fails
   * @throws NotFound if no such record is visible to the actor
   * @throws Conflict if the stored version differs from the record's; nothing is written
   * @throws AccessDenied if the scope forbids writing or the record names another tenant or owner
   */
  public T update(Transaction tx, T record) throws SQLException {
    Objects.requireNonNull(tx, "tx");
    Objects.requireNonNull(record, "record");
    RowScope.Visibility visibility = writableVisibility(tx.actor());
    Object id = Objects.requireNonNull(mapping.value(record, mapping.idColumn()), "record id");
    T before = lockForWrite(tx, id, visibility);
    T stored = record;
    Optional<String> version = mapping.versionColumn();
    if (version.isPresent()) {
      long expected = versionOf(record);
      long actual = versionOf(before);
      if (expected != actual) {
        throw Conflict.staleVersion(mapping.resourceType(), String.valueOf(id), expected, actual);
      }
      stored = mapping.withVersion(record, actual + 1);
    }
    Map<String, @Nullable Object> row = rowValues(tx.actor(), stored, visibility);
    Map<String, @Nullable Object> beforeRow = rowValues(tx.actor(), before, visibility);
    // the owner never changes through an update; the audit shows the stored one
    mapping.ownerColumn().ifPresent(owner -> row.put(owner, beforeRow.get(owner)));
    List<String> assignments = new ArrayList<>();
    List<@Nullable Object> params = new ArrayList<>();
    for (Map.Entry<String, @Nullable Object> entry : row.entrySet()) {
      String column = entry.getKey();
      if (column.equals(mapping.idColumn())
          || column.equals(mapping.tenantColumn())
          || column.equals(mapping.ownerColumn().orElse(null))
          || column.equals(mapping.softDeleteColumn().orElse(null))) {
        continue;
      }
      assignments.add(column + " = ?");
      params.add(entry.getValue());
    }
    StringBuilder sql = new StringBuilder("UPDATE ").append(mapping.table()).append(" SET ");
    sql.append(String.join(", ", assignments));
    Scoped where = where(tx.actor(), visibility, id);
    sql.append(where.sql);
    params.addAll(where.params);
    int[] counts =
        tx.run(
                List.of(
                    new Sql(sql.toString(), params),
                    AuditRows.insert(
                        tx,
                        mapping.table(),
                        String.valueOf(id),
                        AuditAction.UPDATE,
                        masked(beforeRow),
                        masked(row))),
                null)
            .counts;
    requireOne(counts, "update");
    AuditRows.written(tx, mapping.table(), String.valueOf(id), AuditAction.UPDATE);
    return stored;
  }

  /**
   * Updates each record through the audited path, one audit row per record.
   *
   * @param tx the transaction
   * @param records the records
   * @return the records as stored
   * @throws SQLException if the database fails
   * @throws NotFound if a record is not visible; nothing is committed when the transaction rolls
   *     back
   * @throws Conflict if a record is stale
   */
  public List<T> updateAll(Transaction tx, List<T> records) throws SQLException {
    List<T> stored = new ArrayList<>(records.size());
    for (T record : records) {
      stored.add(update(tx, record));
    }
    return stored;
  }

  /**
   * Deletes a record and writes its audit row; a soft delete sets the soft-delete column (and bumps
   * the version) and leaves the row in place.
   *
   * @param tx the transaction
   * @param id the record's id
   * @throws SQLException if the database fails
   * @throws NotFound if no such record is visible to the actor
   * @throws AccessDenied if the scope forbids writing
   */
  public void delete(Transaction tx, Object id) throws SQLException {
    Objects.requireNonNull(tx, "tx");
    Objects.requireNonNull(id, "id");
    RowScope.Visibility visibility = writableVisibility(tx.actor());
    T before = lockForWrite(tx, id, visibility);
    Map<String, @Nullable Object> beforeRow = rowValues(tx.actor(), before, visibility);
    Scoped where = where(tx.actor(), visibility, id);
    Sql write;
    Map<String, @Nullable Object> after = null;
    AuditAction action;
    Optional<String> softDelete = mapping.softDeleteColumn();
    if (softDelete.isPresent()) {
      action = AuditAction.SOFT_DELETE;
      after = new LinkedHashMap<>(beforeRow);
      after.put(softDelete.get(), tx.now());
      List<@Nullable Object> params = new ArrayList<>();
      params.add(tx.now());
      String versionSet = "";
      Optional<String> version = mapping.versionColumn();
      if (version.isPresent()) {
        versionSet = ", " + version.get() + " = ?";
        long next = versionOf(before) + 1;
        params.add(next);
        after.put(version.get(), next);
      }
      params.addAll(where.params);
      write =
          new Sql(
              "UPDATE "
                  + mapping.table()
                  + " SET "
                  + softDelete.get()
                  + " = ?"
                  + versionSet
                  + where.sql,
              params);
    } else {
      action = AuditAction.DELETE;
      write = new Sql("DELETE FROM " + mapping.table() + where.sql, where.params);
    }
    int[] counts =
        tx.run(
                List.of(
                    write,
                    AuditRows.insert(
                        tx,
                        mapping.table(),
                        String.valueOf(id),
                        action,
                        masked(beforeRow),
                        masked(after))),
                null)
            .counts;
    requireOne(counts, "delete");
    AuditRows.written(tx, mapping.table(), String.valueOf(id), action);
  }

  /**
   * Deletes each record through the audited path, one audit row per record.
   *
   * @param tx the transaction
   * @param ids the ids
   * @throws SQLException if the database fails
   * @throws NotFound if a record is not visible
   */
  public void deleteAll(Transaction tx, List<?> ids) throws SQLException {
    for (Object id : ids) {
      delete(tx, id);
    }
  }

  /**
   * Finds a record by id within the actor's scope; the transaction's settings travel in the same
   * round trip on PostgreSQL.
   *
   * @param tx the transaction
   * @param id the id
   * @return the record, or empty if it does not exist, is soft-deleted or is not visible
   * @throws SQLException if the database fails
   */
  public Optional<T> findById(Transaction tx, Object id) throws SQLException {
    return findById(tx, id, false);
  }

  private Optional<T> findById(Transaction tx, Object id, boolean last) throws SQLException {
    Objects.requireNonNull(tx, "tx");
    Objects.requireNonNull(id, "id");
    RowScope.Visibility visibility = visibility(tx.actor());
    if (visibility == RowScope.Visibility.NONE) {
      return Optional.empty();
    }
    Scoped where = where(tx.actor(), visibility, id);
    List<Sql> select =
        List.of(
            new Sql(
                "SELECT " + selectColumns + " FROM " + mapping.table() + where.sql, where.params));
    List<T> rows = (last ? tx.runLast(select, mapping::map) : tx.run(select, mapping::map)).rows;
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  /**
   * Reads a record by id within the actor's scope, or fails.
   *
   * @param tx the transaction
   * @param id the id
   * @return the record
   * @throws SQLException if the database fails
   * @throws NotFound if it does not exist, is soft-deleted or is not visible
   */
  public T getById(Transaction tx, Object id) throws SQLException {
    return findById(tx, id).orElseThrow(() -> notFound(id));
  }

  /**
   * Lists a page of the records visible to the actor, skipping soft-deleted ones.
   *
   * @param tx the transaction
   * @param page which page and order
   * @return the page
   * @throws SQLException if the database fails
   * @throws IllegalArgumentException if the sort column is not mapped
   */
  public Page<T> list(Transaction tx, PageRequest page) throws SQLException {
    return list(tx, page, false);
  }

  private Page<T> list(Transaction tx, PageRequest page, boolean last) throws SQLException {
    Objects.requireNonNull(tx, "tx");
    Objects.requireNonNull(page, "page");
    String sort = page.sortColumn().isEmpty() ? mapping.idColumn() : page.sortColumn();
    if (!mapping.isMapped(sort)) {
      throw new IllegalArgumentException(
          "sort column must be one of " + mapping.columns() + ", but was '" + sort + "'");
    }
    RowScope.Visibility visibility = visibility(tx.actor());
    if (visibility == RowScope.Visibility.NONE) {
      return new Page<>(List.of(), page, false);
    }
    Scoped where = where(tx.actor(), visibility, null);
    String direction = page.descending() ? " DESC" : " ASC";
    String sql =
        "SELECT "
            + selectColumns
            + " FROM "
            + mapping.table()
            + where.sql
            + " ORDER BY "
            + sort
            + direction
            + (sort.equals(mapping.idColumn()) ? "" : ", " + mapping.idColumn() + direction)
            + " OFFSET ? ROWS FETCH NEXT ? ROWS ONLY";
    List<@Nullable Object> params = new ArrayList<>(where.params);
    params.add(page.offset());
    params.add(page.limit() + 1);
    List<Sql> select = List.of(new Sql(sql, params));
    List<T> rows = (last ? tx.runLast(select, mapping::map) : tx.run(select, mapping::map)).rows;
    boolean hasMore = rows.size() > page.limit();
    return new Page<>(hasMore ? rows.subList(0, page.limit()) : rows, page, hasMore);
  }

  // ---- helpers ----

  private RowScope.Visibility visibility(Actor actor) {
    RowScope.Visibility visibility =
        Objects.requireNonNull(scope.visibility(actor, mapping.table()), "row scope returned null");
    if (visibility == RowScope.Visibility.OWNED && mapping.ownerColumn().isEmpty()) {
      throw new IllegalStateException(
          "row scope OWNED needs an owner column, but table '" + mapping.table() + "' has none");
    }
    return visibility;
  }

  private RowScope.Visibility writableVisibility(Actor actor) {
    RowScope.Visibility visibility = visibility(actor);
    if (visibility == RowScope.Visibility.NONE) {
      throw new AccessDenied(
          mapping.table() + ".write",
          "row scope gives actor " + actor.id() + " no rows of " + mapping.table());
    }
    return visibility;
  }

  /** The WHERE clause that scopes a statement: tenant, owner, not deleted, and the id if given. */
  private Scoped where(Actor actor, RowScope.Visibility visibility, @Nullable Object id) {
    StringBuilder sql = new StringBuilder(" WHERE ");
    List<@Nullable Object> params = new ArrayList<>();
    if (id != null) {
      sql.append(mapping.idColumn()).append(" = ? AND ");
      params.add(id);
    }
    sql.append(mapping.tenantColumn()).append(" = ?");
    params.add(actor.tenantId());
    if (visibility == RowScope.Visibility.OWNED) {
      sql.append(" AND ").append(mapping.ownerColumn().orElseThrow()).append(" = ?");
      params.add(actor.id());
    }
    mapping
        .softDeleteColumn()
        .ifPresent(column -> sql.append(" AND ").append(column).append(" IS NULL"));
    return new Scoped(sql.toString(), params);
  }

  private static final class Scoped {
    final String sql;
    final List<@Nullable Object> params;

    Scoped(String sql, List<@Nullable Object> params) {
      this.sql = sql;
      this.params = params;
    }
  }

  private T lockForWrite(Transaction tx, Object id, RowScope.Visibility visibility)
      throws SQLException {
    Scoped where = where(tx.actor(), visibility, id);
    List<T> rows =
        tx.run(
                List.of(
                    new Sql(
                        "SELECT "
                            + selectColumns
                            + " FROM "
                            + mapping.table()
                            + where.sql
                            + " FOR UPDATE",
                        where.params)),
                mapping::map)
            .rows;
    if (rows.isEmpty()) {
      throw notFound(id);
    }
    return rows.get(0);
  }

  /**
   * The row's column values as written: the record's components, with the tenant (and the owner,
   * when the table has one and the record does not carry it) taken from the actor.
   */
  private Map<String, @Nullable Object> rowValues(
      Actor actor, T record, RowScope.Visibility visibility) {
    Map<String, @Nullable Object> row = new LinkedHashMap<>();
    row.putAll(mapping.values(record));
    String tenantColumn = mapping.tenantColumn();
    Object tenant = row.get(tenantColumn);
    if (tenant != null && !tenant.equals(actor.tenantId())) {
      throw new AccessDenied(
          mapping.table() + ".write",
          "record names tenant '"
              + tenant
              + "' but actor "
              + actor.id()
              + " acts in tenant '"
              + actor.tenantId()
              + "'");
    }
    row.put(tenantColumn, actor.tenantId());
    Optional<String> ownerColumn = mapping.ownerColumn();
    if (ownerColumn.isPresent()) {
      Object owner = row.get(ownerColumn.get());
      if (owner == null) {
        row.put(ownerColumn.get(), actor.id());
      } else if (visibility == RowScope.Visibility.OWNED && !owner.equals(actor.id())) {
        throw new AccessDenied(
            mapping.table() + ".write",
            "record names owner '"
                + owner
                + "' but actor "
                + actor.id()
                + " may write only its own rows");
      }
    }
    return row;
  }

  private @Nullable Map<String, @Nullable Object> masked(
      @Nullable Map<String, @Nullable Object> row) {
    if (row == null) {
      return null;
    }
    Map<String, @Nullable Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, @Nullable Object> entry : row.entrySet()) {
      Object value = entry.getValue();
      out.put(
          entry.getKey(),
          value != null && mapping.isSensitive(entry.getKey())
              ? TableMapping.MASK
              : JdbcValues.forJson(value));
    }
    return out;
  }

  private long versionOf(T record) {
    Object value = mapping.value(record, mapping.versionColumn().orElseThrow());
    return value == null ? 0 : ((Number) value).longValue();
  }

  private String idText(T record) {
    return String.valueOf(
        Objects.requireNonNull(mapping.value(record, mapping.idColumn()), "record id"));
  }

  private NotFound notFound(Object id) {
    return new NotFound(
        mapping.resourceType(), String.valueOf(id), "absent, deleted or outside the actor's scope");
  }

  private void requireOne(int[] counts, String what) {
    for (int count : counts) {
      if (count != 1) {
        throw new IllegalStateException(
            what
                + " on "
                + mapping.table()
                + " must write exactly one row and one audit row, but counts were "
                + java.util.Arrays.toString(counts));
      }
    }
  }

  @Override
  public String toString() {
    return "AuditedRepository[" + mapping.table() + "]";
  }
}
