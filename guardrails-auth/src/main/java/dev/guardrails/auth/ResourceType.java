package dev.guardrails.auth;

import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Describes a kind of record to the {@link Guard}: its name, how to read a record's id, tenant and
 * owner, and the database columns holding tenant and owner, so that the same rule serves a single
 * check and a list query ({@link Guard#scope}).
 *
 * <p>Example: {@code ResourceType.builder("invoice", Invoice::id).tenant(Invoice::tenantId,
 * "tenant_id").owner(Invoice::ownerId, "owner_id").build()}. A type without an owner has no
 * owner-only access: permissions granted on own records never reach its records.
 *
 * <p>Immutable and thread-safe when the accessor functions are.
 *
 * @param <T> the record class
 */
public final class ResourceType<T> {

  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,63}");
  private static final Pattern COLUMN =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");

  private final String name;
  private final Function<? super T, String> id;
  private final Function<? super T, String> tenant;
  private final String tenantColumn;
  private final @Nullable Function<? super T, @Nullable String> owner;
  private final @Nullable String ownerColumn;

  private ResourceType(Builder<T> b, Function<? super T, String> tenant, String tenantColumn) {
    this.name = b.name;
    this.id = b.id;
    this.tenant = tenant;
    this.tenantColumn = tenantColumn;
    this.owner = b.owner;
    this.ownerColumn = b.ownerColumn;
  }

  /**
   * Starts a resource type.
   *
   * @param name the type's name, e.g. {@code invoice}; letters, digits, {@code _ . -}
   * @param id reads a record's id
   * @param <T> the record class
   * @return a builder
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the name is malformed
   */
  public static <T> Builder<T> builder(String name, Function<? super T, String> id) {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "resource type name must be a letter followed by letters, digits, '_', '.' or '-', but was '"
              + name
              + "'");
    }
    return new Builder<>(name, Objects.requireNonNull(id, "id"));
  }

  /** {@return the type's name} */
  public String name() {
    return name;
  }

  /** {@return whether records of this type have owners} */
  public boolean hasOwner() {
    return owner != null;
  }

  /** {@return the column holding a record's tenant} */
  public String tenantColumn() {
    return tenantColumn;
  }

  /** {@return the column holding a record's owner, or null when records have no owner} */
  public @Nullable String ownerColumn() {
    return ownerColumn;
  }

  String idOf(T record) {
    return id.apply(record);
  }

  String tenantOf(T record) {
    return tenant.apply(record);
  }

  @Nullable String ownerOf(T record) {
    Function<? super T, @Nullable String> reader = owner;
    return reader == null ? null : reader.apply(record);
  }

  @Override
  public String toString() {
    return "ResourceType[" + name + "]";
  }

  static String requireColumn(String column) {
    Objects.requireNonNull(column, "column");
    if (!COLUMN.matcher(column).matches()) {
      throw new IllegalArgumentException(
          "column must be a plain SQL identifier, optionally qualified, but was '" + column + "'");
    }
    return column;
  }

  /**
   * Builds a {@link ResourceType}; the tenant is required, the owner optional. Not thread-safe.
   *
   * @param <T> the record class
   */
  public static final class Builder<T> {
    private final String name;
    private final Function<? super T, String> id;
    private @Nullable Function<? super T, String> tenant;
    private @Nullable String tenantColumn;
    private @Nullable Function<? super T, @Nullable String> owner;
    private @Nullable String ownerColumn;

    private Builder(String name, Function<? super T, String> id) {
      this.name = name;
      this.id = id;
    }

    /**
     * Sets how to read a record's tenant and the column that holds it.
     *
     * @param tenant reads the tenant
     * @param column a plain SQL identifier, e.g. {@code tenant_id}
     * @return this builder
     * @throws IllegalArgumentException if the column is not a plain identifier
     */
    public Builder<T> tenant(Function<? super T, String> tenant, String column) {
      this.tenant = Objects.requireNonNull(tenant, "tenant");
      this.tenantColumn = requireColumn(column);
      return this;
    }

    /**
     * Sets how to read a record's owner (may return null for unowned records) and its column.
     *
     * @param owner reads the owner's actor id
     * @param column a plain SQL identifier, e.g. {@code owner_id}
     * @return this builder
     * @throws IllegalArgumentException if the column is not a plain identifier
     */
    public Builder<T> owner(Function<? super T, @Nullable String> owner, String column) {
      this.owner = Objects.requireNonNull(owner, "owner");
      this.ownerColumn = requireColumn(column);
      return this;
    }

    /**
     * Builds the type.
     *
     * @return the type
     * @throws IllegalStateException if no tenant was set
     */
    public ResourceType<T> build() {
      Function<? super T, String> tenantReader = tenant;
      String column = tenantColumn;
      if (tenantReader == null || column == null) {
        throw new IllegalStateException(
            "resource type '" + name + "' needs a tenant; call tenant(reader, column)");
      }
      return new ResourceType<>(this, tenantReader, column);
    }
  }
}
