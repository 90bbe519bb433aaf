package dev.guardrails.samples;

/**
 * An invoice as the API shows it; also the stored result of an idempotent create.
 *
 * @param id the id
 * @param number the firm's invoice number
 * @param clientId the client billed
 * @param ownerId the clerk responsible
 * @param description what is billed
 * @param amountCents the amount in cents
 * @param currency the currency code
 * @param dueDate the due date, ISO
 * @param status OPEN, PAID or VOID
 * @param reminders overdue reminders sent
 * @param version the version to send back in {@code If-Match}
 */
public record InvoiceView(
    String id,
    String number,
    String clientId,
    String ownerId,
    String description,
    long amountCents,
    String currency,
    String dueDate,
    String status,
    int reminders,
    long version) {

  static InvoiceView of(Invoice invoice) {
    return new InvoiceView(
        invoice.id().toString(),
        invoice.number(),
        invoice.clientId().toString(),
        invoice.ownerId(),
        invoice.description(),
        invoice.amountCents(),
        invoice.currency(),
        invoice.dueDate().toString(),
        invoice.status(),
        invoice.reminders(),
        invoice.version());
  }
}
