package dev.guardrails.samples;

import java.time.LocalDate;
import java.util.UUID;

/**
 * An invoice of a firm: the row of table {@code invoices}.
 *
 * @param id the id
 * @param tenantId the firm; always the actor's, filled and checked by the repository
 * @param ownerId the clerk responsible for it
 * @param clientId the client billed
 * @param number the firm's invoice number, unique per firm
 * @param description what is billed
 * @param amountCents the amount in cents of the currency, exact
 * @param currency the ISO currency code
 * @param dueDate when payment is due
 * @param status {@code OPEN}, {@code PAID} or {@code VOID}
 * @param reminders how many overdue reminders were sent
 * @param version the optimistic-locking version
 */
public record Invoice(
    UUID id,
    String tenantId,
    String ownerId,
    UUID clientId,
    String number,
    String description,
    long amountCents,
    String currency,
    LocalDate dueDate,
    String status,
    int reminders,
    long version) {

  /** {@return whether the invoice is open and past its due date on the given day} */
  boolean overdueOn(LocalDate today) {
    return status.equals("OPEN") && dueDate.isBefore(today);
  }
}
