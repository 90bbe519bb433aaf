package dev.guardrails.auth;

/** A test record with a tenant and an optional owner. */
record Invoice(String id, String tenantId, String ownerId) {

  static final ResourceType<Invoice> TYPE =
      ResourceType.<Invoice>builder("invoice", Invoice::id)
          .tenant(Invoice::tenantId, "tenant_id")
          .owner(Invoice::ownerId, "owner_id")
          .build();
}
