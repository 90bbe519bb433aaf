package dev.guardrails.testkit;

import java.util.Objects;

/**
 * A record of some type as the ownership properties see it: who owns it and in which tenant it
 * lives.
 *
 * @param type the record's type, e.g. {@code "invoice"}
 * @param id the record's id
 * @param ownerId the id of the actor who owns it
 * @param tenantId the tenant it belongs to
 */
public record OwnedRecord(String type, String id, String ownerId, String tenantId) {

  /**
   * Validates the parts.
   *
   * @throws NullPointerException if a part is null
   */
  public OwnedRecord {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(ownerId, "ownerId");
    Objects.requireNonNull(tenantId, "tenantId");
  }
}
