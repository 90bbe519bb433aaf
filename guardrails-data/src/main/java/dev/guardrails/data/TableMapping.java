package dev.guardrails.data;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * How a Java type maps to a table, and the roles some columns play: the id, the tenant column
 * (always filled from the context, never trusted from the caller), an optional owner column, an
 * optional version column for optimistic locking, an optional soft-delete timestamp and the columns
 * whose values are masked in audit JSON.
 *
 * <p>Two ways in, both with little code:
 *
 * <ul>
 *   <li>{@link #forRecord}: one column per record component (camelCase becomes snake_case), rows
 *       mapped back through the canonical constructor;
 *   <li>{@link #forClass}: any class, with a {@link RowMapper} and one getter per column.
 * </ul>
 *
 * <p>The tenant and owner columns need not be mapped; when they are, a value that differs from the
 * context's is refused. Immutable and thread-safe.
 *
 * @param <T> the mapped type
 */
public final class TableMapping<T> {

  /** The text that replaces a sensitive value in audit JSON. */
  public static final String MASK = "***";

  private final String table;
  private final String resourceType;
  private final String idColumn;
  private final String tenantColumn;
  private final @Nullable String ownerColumn;
  private final @Nullable String versionColumn;
  private final @Nullable String softDeleteColumn;
  private final Map<String, Function<? super T, ?>> getters;
  private final Set<String> sensitive;
  private final RowMapper<T> reader;
  private final @Nullable BiFunction<T, Long, T> withVersion;

  private TableMapping(
      Builder<T> builder,
      Map<String, Function<? super T, ?>> getters,
      RowMapper<T> reader,
      @Nullable BiFunction<T, Long, T> withVersion) {
    this.table = builder.table;
    this.resourceType =
        builder.resourceType == null ? Identifiers.unqualified(table) : builder.resourceType;
    this.idColumn = builder.idColumn;
    this.tenantColumn = builder.tenantColumn;
    this.ownerColumn = builder.ownerColumn;
    this.versionColumn = builder.versionColumn;
    this.softDeleteColumn = builder.softDeleteColumn;
    this.getters = Collections.unmodifiableMap(new LinkedHashMap<>(getters));
    this.sensitive = Collections.unmodifiableSet(new LinkedHashSet<>(builder.sensitive));
    this.reader = reader;
    this.withVersion = withVersion;
  }

  /**
   * Returns a builder for a record type: one column per component, in component order.
   *
   * @param type the record class; its canonical constructor maps rows back
   * @param table the table, optionally schema-qualified, in lower case
   * @param <T> the record type
   * @return the builder, with id column {@code id} and tenant column {@code tenant_id}
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code type} is not a record or {@code table} is not a
   *     lower-case identifier
   */
  public static <T extends Record> Builder<T> forRecord(Class<T> type, String table) {
    Objects.requireNonNull(type, "type");
    if (!type.isRecord()) {
      throw new IllegalArgumentException("type must be a record class, but was " + type.getName());
    }
    return new Builder<>(type, Identifiers.table(table, "table"), null);
  }

  /**
   * Returns a builder for any class: name each column with {@link Builder#column} and its getter;
   * rows come back through the reader.
   *
   * @param type the class, for messages
   * @param table the table, optionally schema-qualified, in lower case
   * @param reader maps a row (all mapped columns are selected, by name) to an instance
   * @param <T> the type
   * @return the builder, with id column {@code id} and tenant column {@code tenant_id}
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code table} is not a lower-case identifier
   */
  public static <T> Builder<T> forClass(Class<T> type, String table, RowMapper<T> reader) {
    Objects.requireNonNull(type, "type");
    return new Builder<>(
        type, Identifiers.table(table, "table"), Objects.requireNonNull(reader, "reader"));
  }

  /** {@return the table, as given} */
  public String table() {
    return table;
  }

  /** {@return the resource type named in exceptions, e.g. "note"} */
  public String resourceType() {
    return resourceType;
  }

  /** {@return the id column} */
  public String idColumn() {
    return idColumn;
  }

  /** {@return the tenant column} */
  public String tenantColumn() {
    return tenantColumn;
  }

  /** {@return the owner column, if the table has one} */
  public Optional<String> ownerColumn() {
    return Optional.ofNullable(ownerColumn);
  }

  /** {@return the version column, if the table uses optimistic locking} */
  public Optional<String> versionColumn() {
    return Optional.ofNullable(versionColumn);
  }

  /** {@return the soft-delete timestamp column, if deletes are soft} */
  public Optional<String> softDeleteColumn() {
    return Optional.ofNullable(softDeleteColumn);
  }

  /** {@return the mapped columns, in order} */
  public List<String> columns() {
    return List.copyOf(getters.keySet());
  }

  /** {@return the columns masked in audit JSON} */
  public Set<String> sensitiveColumns() {
    return sensitive;
  }

  boolean isMapped(String column) {
    return getters.containsKey(column);
  }

  boolean isSensitive(String column) {
    return sensitive.contains(column);
  }

  /** The values of every mapped column, in order. */
  Map<String, @Nullable Object> values(T object) {
    Map<String, @Nullable Object> values = new LinkedHashMap<>();
    for (Map.Entry<String, Function<? super T, ?>> entry : getters.entrySet()) {
      values.put(entry.getKey(), entry.getValue().apply(object));
    }
    return values;
  }

  @Nullable Object value(T object, String column) {
    Function<? super T, ?> getter = getters.get(column);
    return getter == null ? null : getter.apply(object);
  }

  T map(ResultSet rs) throws SQLException {
    return reader.map(rs);
  }

  /** The object with its version replaced; only for versioned mappings. */
  T withVersion(T object, long version) {
    return Objects.requireNonNull(withVersion, "version setter").apply(object, version);
  }

  @Override
  public String toString() {
    return "TableMapping[" + table + "]";
  }

  /**
   * Builds a {@link TableMapping}; not thread-safe, {@link #build()} copies.
   *
   * @param <T> the mapped type
   */
  public static final class Builder<T> {
    private final Class<T> type;
    private final String table;
    private final @Nullable RowMapper<T> reader;
    private final Map<String, Function<? super T, ?>> columns = new LinkedHashMap<>();
    private @Nullable BiFunction<T, Long, T> withVersion;
    private @Nullable String resourceType;
    private String idColumn = "id";
    private String tenantColumn = "tenant_id";
    private @Nullable String ownerColumn;
    private @Nullable String versionColumn;
    private @Nullable String softDeleteColumn;
    private final Set<String> sensitive = new LinkedHashSet<>();

    private Builder(Class<T> type, String table, @Nullable RowMapper<T> reader) {
      this.type = type;
      this.table = table;
      this.reader = reader;
    }

    /**
     * Maps a column of a class mapping to its getter.
     *
     * @param column the column, lower case
     * @param getter reads the column's value from an instance; may return null
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is not a lower-case identifier
     * @throws IllegalStateException if this is a record mapping (its columns are its components) or
     *     the column is already mapped
     */
    public Builder<T> column(String column, Function<? super T, ?> getter) {
      Identifiers.name(column, "column");
      Objects.requireNonNull(getter, "getter");
      if (reader == null) {
        throw new IllegalStateException(
            "columns of a record mapping are its components; column() is for forClass mappings");
      }
      if (columns.putIfAbsent(column, getter) != null) {
        throw new IllegalStateException("column '" + column + "' is already mapped");
      }
      return this;
    }

    /**
     * Sets the resource type named in exceptions (default: the table's name).
     *
     * @param resourceType e.g. "note"
     * @return this builder
     * @throws NullPointerException if {@code resourceType} is null
     * @throws IllegalArgumentException if {@code resourceType} is blank
     */
    public Builder<T> resourceType(String resourceType) {
      Objects.requireNonNull(resourceType, "resourceType");
      if (resourceType.isBlank()) {
        throw new IllegalArgumentException(
            "resourceType must not be blank, but was '" + resourceType + "'");
      }
      this.resourceType = resourceType;
      return this;
    }

    /**
     * Sets the id column (default {@code id}); it must be mapped.
     *
     * @param column the column
     * @return this builder
     * @throws IllegalArgumentException if the name is not a lower-case identifier
     */
    public Builder<T> idColumn(String column) {
      this.idColumn = Identifiers.name(column, "idColumn");
      return this;
    }

    /**
     * Sets the tenant column (default {@code tenant_id}), a text column.
     *
     * @param column the column
     * @return this builder
     * @throws IllegalArgumentException if the name is not a lower-case identifier
     */
    public Builder<T> tenantColumn(String column) {
      this.tenantColumn = Identifiers.name(column, "tenantColumn");
      return this;
    }

    /**
     * Sets the owner column, a text column holding the owning actor's id; needed for {@link
     * RowScope.Visibility#OWNED}.
     *
     * @param column the column
     * @return this builder
     * @throws IllegalArgumentException if the name is not a lower-case identifier
     */
    public Builder<T> ownerColumn(String column) {
      this.ownerColumn = Identifiers.name(column, "ownerColumn");
      return this;
    }

    /**
     * Turns on optimistic locking for a record mapping, with a {@code long} or {@code int}
     * component as the version.
     *
     * @param column the column
     * @return this builder
     * @throws IllegalArgumentException if the name is not a lower-case identifier
     * @throws IllegalStateException if this is a class mapping (use the two-argument form)
     */
    public Builder<T> versionColumn(String column) {
      if (reader != null) {
        throw new IllegalStateException(
            "a class mapping needs a version setter: use versionColumn(column, withVersion)");
      }
      this.versionColumn = Identifiers.name(column, "versionColumn");
      return this;
    }

    /**
     * Turns on optimistic locking for a class mapping.
     *
     * @param column the mapped version column, whose getter returns a number
     * @param withVersion returns the instance with the given version (a copy, or the same instance
     *     updated)
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is not a lower-case identifier
     */
    public Builder<T> versionColumn(String column, BiFunction<T, Long, T> withVersion) {
      this.versionColumn = Identifiers.name(column, "versionColumn");
      this.withVersion = Objects.requireNonNull(withVersion, "withVersion");
      return this;
    }

    /**
     * Makes deletes soft: they set this timestamp column instead of removing the row, and every
     * query skips rows where it is set.
     *
     * @param column the column
     * @return this builder
     * @throws IllegalArgumentException if the name is not a lower-case identifier
     */
    public Builder<T> softDeleteColumn(String column) {
      this.softDeleteColumn = Identifiers.name(column, "softDeleteColumn");
      return this;
    }

    /**
     * Marks columns whose values are replaced by {@value TableMapping#MASK} in audit JSON.
     *
     * @param columns mapped columns
     * @return this builder
     * @throws IllegalArgumentException if a name is not a lower-case identifier
     */
    public Builder<T> sensitive(String... columns) {
      for (String column : columns) {
        sensitive.add(Identifiers.name(column, "sensitive column"));
      }
      return this;
    }

    /**
     * Builds the mapping.
     *
     * @return the mapping
     * @throws IllegalArgumentException if the id, version or a sensitive column is not mapped, a
     *     record component has an unsupported type, or two roles share a column
     */
    public TableMapping<T> build() {
      Set<String> roles = new LinkedHashSet<>();
      for (String column :
          new String[] {idColumn, tenantColumn, ownerColumn, versionColumn, softDeleteColumn}) {
        if (column != null && !roles.add(column)) {
          throw new IllegalArgumentException(
              "column '"
                  + column
                  + "' cannot play two roles (id, tenant, owner, version, soft delete)");
        }
      }
      Map<String, Function<? super T, ?>> getters;
      RowMapper<T> rowReader;
      BiFunction<T, Long, T> versionSetter;
      if (reader == null) {
        RecordShape<T> shape = new RecordShape<>(type);
        getters = shape.getters();
        rowReader = shape::read;
        versionSetter = versionColumn == null ? null : shape.versionSetter(versionColumn);
      } else {
        getters = columns;
        rowReader = reader;
        versionSetter = withVersion;
      }
      require(getters.containsKey(idColumn), "id column '" + idColumn + "' must be mapped");
      if (versionColumn != null) {
        require(
            getters.containsKey(versionColumn),
            "version column '" + versionColumn + "' must be mapped");
      }
      for (String column : sensitive) {
        require(getters.containsKey(column), "sensitive column '" + column + "' must be mapped");
      }
      return new TableMapping<>(this, getters, rowReader, versionSetter);
    }

    private static void require(boolean condition, String message) {
      if (!condition) {
        throw new IllegalArgumentException(message);
      }
    }
  }

  /** A record's components, accessors and canonical constructor. */
  private static final class RecordShape<T> {
    private final Class<T> type;
    private final List<String> columns = new ArrayList<>();
    private final List<Class<?>> types = new ArrayList<>();
    private final List<Method> accessors = new ArrayList<>();
    private final Constructor<T> constructor;

    RecordShape(Class<T> type) {
      this.type = type;
      RecordComponent[] components = Objects.requireNonNull(type.getRecordComponents());
      Class<?>[] parameterTypes = new Class<?>[components.length];
      for (int i = 0; i < components.length; i++) {
        RecordComponent component = components[i];
        JdbcValues.box(component.getType());
        parameterTypes[i] = component.getType();
        Method accessor = component.getAccessor();
        accessor.setAccessible(true);
        columns.add(Identifiers.snakeCase(component.getName()));
        types.add(component.getType());
        accessors.add(accessor);
      }
      try {
        this.constructor = type.getDeclaredConstructor(parameterTypes);
        constructor.setAccessible(true);
      } catch (NoSuchMethodException e) {
        throw new IllegalArgumentException(
            "record " + type.getName() + " has no canonical constructor", e);
      }
    }

    Map<String, Function<? super T, ?>> getters() {
      Map<String, Function<? super T, ?>> getters = new LinkedHashMap<>();
      for (int i = 0; i < columns.size(); i++) {
        Method accessor = accessors.get(i);
        getters.put(columns.get(i), record -> invoke(accessor, record));
      }
      return getters;
    }

    T read(ResultSet rs) throws SQLException {
      @Nullable Object[] args = new Object[columns.size()];
      for (int i = 0; i < args.length; i++) {
        args[i] = JdbcValues.read(rs, columns.get(i), types.get(i));
      }
      return construct(args);
    }

    BiFunction<T, Long, T> versionSetter(String versionColumn) {
      int index = columns.indexOf(versionColumn);
      if (index < 0) {
        throw new IllegalArgumentException(
            "version column '" + versionColumn + "' must be a component of " + type.getName());
      }
      Class<?> boxed = JdbcValues.box(types.get(index));
      if (boxed != Long.class && boxed != Integer.class) {
        throw new IllegalArgumentException(
            "version column '"
                + versionColumn
                + "' must be a long or int component, but was "
                + types.get(index).getName());
      }
      return (record, version) -> {
        @Nullable Object[] args = new Object[columns.size()];
        for (int i = 0; i < args.length; i++) {
          args[i] = invoke(accessors.get(i), record);
        }
        args[index] = boxed == Integer.class ? Math.toIntExact(version) : version;
        return construct(args);
      };
    }

    private T construct(@Nullable Object[] args) {
      try {
        return constructor.newInstance(args);
      } catch (InstantiationException | IllegalAccessException e) {
        throw new IllegalStateException("cannot construct " + type.getName(), e);
      } catch (InvocationTargetException e) {
        throw rethrow(e);
      }
    }

    private @Nullable Object invoke(Method accessor, Object record) {
      try {
        return accessor.invoke(record);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException("cannot read a component of " + type.getName(), e);
      } catch (InvocationTargetException e) {
        throw rethrow(e);
      }
    }

    private static RuntimeException rethrow(InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        return runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      return new IllegalStateException("record accessor or constructor failed", cause);
    }
  }
}
