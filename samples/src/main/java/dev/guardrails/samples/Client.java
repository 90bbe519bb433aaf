package dev.guardrails.samples;

import java.util.UUID;

/**
 * A client of a firm: the row of table {@code clients}.
 *
 * @param id the id
 * @param tenantId the firm; always the actor's, filled and checked by the repository
 * @param ownerId the user who created the client
 * @param name the client's name
 * @param email where invoices go
 * @param taxId the tax id; masked in the audit trail
 * @param version the optimistic-locking version
 */
public record Client(
    UUID id,
    String tenantId,
    String ownerId,
    String name,
    String email,
    String taxId,
    long version) {}
