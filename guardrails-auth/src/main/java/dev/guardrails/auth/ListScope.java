package dev.guardrails.auth;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The set of records an actor may reach with a permission, expressed as a filter a repository turns
 * into a {@code WHERE} clause. Produced by {@link Guard#scope} from the same rule as the single
 * check, so a list endpoint pages over exactly the records {@link Guard#decide} would allow, and
 * the two cannot drift apart.
 *
 * <p>Usage: {@code "SELECT ... FROM invoice WHERE " + scope.whereClause() + " ORDER BY id LIMIT
 * ?"}, binding {@link #parameters()} first. Column names come from the {@link ResourceType}
 * (checked to be plain identifiers); values are always bind parameters. Immutable and thread-safe.
 */
public final class ListScope {

  /** How wide the scope is. */
  public enum Kind {
    /** Every record, in every tenant (a cross-tenant grant). */
    ALL,
    /** Every record of the actor's tenant. */
    TENANT,
    /** The actor's own records in its tenant. */
    OWNER,
    /** No record at all. */
    NONE
  }

  private final Kind kind;
  private final @Nullable String tenantId;
  private final @Nullable String ownerId;
  private final String tenantColumn;
  private final @Nullable String ownerColumn;

  ListScope(
      Kind kind,
      @Nullable String tenantId,
      @Nullable String ownerId,
      String tenantColumn,
      @Nullable String ownerColumn) {
    this.kind = kind;
    this.tenantId = tenantId;
    this.ownerId = ownerId;
    this.tenantColumn = tenantColumn;
    this.ownerColumn = ownerColumn;
  }

  /** {@return how wide the scope is} */
  public Kind kind() {
    return kind;
  }

  /** {@return the tenant the records must belong to, for {@code TENANT} and {@code OWNER}} */
  public Optional<String> tenantId() {
    return Optional.ofNullable(tenantId);
  }

  /** {@return the owner the records must belong to, for {@code OWNER}} */
  public Optional<String> ownerId() {
    return Optional.ofNullable(ownerId);
  }

  /**
   * Returns the SQL condition: {@code 1=1}, {@code tenant_id = ?}, {@code (tenant_id = ? AND
   * owner_id = ?)} or {@code 1=0}.
   *
   * @return a condition with {@code ?} placeholders for {@link #parameters()}
   */
  public String whereClause() {
    return switch (kind) {
      case ALL -> "1=1";
      case TENANT -> tenantColumn + " = ?";
      case OWNER -> "(" + tenantColumn + " = ? AND " + ownerColumn + " = ?)";
      case NONE -> "1=0";
    };
  }

  /** {@return the values to bind to the placeholders of {@link #whereClause()}, in order} */
  public List<String> parameters() {
    return switch (kind) {
      case ALL, NONE -> List.of();
      case TENANT -> List.of(requireValue(tenantId));
      case OWNER -> List.of(requireValue(tenantId), requireValue(ownerId));
    };
  }

  /**
   * Returns whether a record with this tenant and owner is in the scope; the in-memory twin of
   * {@link #whereClause()}.
   *
   * @param recordTenantId the record's tenant, or null (a row without one, which {@code tenant_id =
   *     ?} does not match either)
   * @param recordOwnerId the record's owner, or null
   * @return true if the record is in the scope
   */
  public boolean matches(@Nullable String recordTenantId, @Nullable String recordOwnerId) {
    return switch (kind) {
      case ALL -> true;
      case TENANT -> tenantId != null && tenantId.equals(recordTenantId);
      case OWNER ->
          tenantId != null
              && tenantId.equals(recordTenantId)
              && ownerId != null
              && ownerId.equals(recordOwnerId);
      case NONE -> false;
    };
  }

  private static String requireValue(@Nullable String value) {
    if (value == null) {
      throw new IllegalStateException("scope value missing");
    }
    return value;
  }

  @Override
  public String toString() {
    return "ListScope[" + whereClause() + " " + parameters() + "]";
  }
}
