package dev.guardrails.auth;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A plain description of one record for a {@link Guard} check, for callers without a {@link
 * ResourceType}: its type name, id, tenant and owner.
 *
 * <p>Immutable and thread-safe.
 *
 * @param type the type's name, e.g. {@code invoice}
 * @param id the record's id
 * @param tenantId the tenant the record belongs to
 * @param ownerId the actor id of the record's owner, or null when it has none
 */
public record Resource(String type, String id, String tenantId, @Nullable String ownerId) {

  /**
   * Checks the components.
   *
   * @throws NullPointerException if the type, id or tenant is null
   */
  public Resource {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenantId, "tenantId");
  }

  /**
   * Returns a record with an owner.
   *
   * @param type the type's name
   * @param id the record's id
   * @param tenantId the record's tenant
   * @param ownerId the owner's actor id
   * @return the resource
   * @throws NullPointerException if an argument is null
   */
  public static Resource owned(String type, String id, String tenantId, String ownerId) {
    return new Resource(type, id, tenantId, Objects.requireNonNull(ownerId, "ownerId"));
  }

  /**
   * Returns a record that belongs to a tenant but to no owner.
   *
   * @param type the type's name
   * @param id the record's id
   * @param tenantId the record's tenant
   * @return the resource
   * @throws NullPointerException if an argument is null
   */
  public static Resource inTenant(String type, String id, String tenantId) {
    return new Resource(type, id, tenantId, null);
  }
}
