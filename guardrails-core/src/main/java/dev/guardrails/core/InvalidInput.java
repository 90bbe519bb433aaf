package dev.guardrails.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Thrown when an input breaks the rules of its fields.
 *
 * <p>Code {@code "invalid_input"}, status 400. The public message summarizes the field errors by
 * path and problem only, e.g. {@code "2 fields are invalid: amount: must be positive; currency: is
 * not supported"}; the rejected values go to {@link #details()} only.
 *
 * <p>Immutable and thread-safe.
 */
public final class InvalidInput extends GuardrailException {

  /** How many field errors the public message lists before it says how many more there are. */
  private static final int MAX_LISTED = 10;

  /** The invalid fields, immutable and non-empty. */
  private final List<FieldError> fieldErrors;

  private InvalidInput(List<FieldError> errors) {
    super("invalid_input", 400, publicMessage(errors), details(errors), null, true);
    this.fieldErrors = errors;
  }

  /**
   * Creates the exception from a list of field errors.
   *
   * @param fieldErrors the invalid fields, at least one; copied
   * @return the exception, to throw
   * @throws NullPointerException if the list or an element is null
   * @throws IllegalArgumentException if the list is empty
   */
  public static InvalidInput of(List<FieldError> fieldErrors) {
    Objects.requireNonNull(fieldErrors, "fieldErrors");
    for (FieldError error : fieldErrors) {
      Objects.requireNonNull(error, "fieldError");
    }
    if (fieldErrors.isEmpty()) {
      throw new IllegalArgumentException("field errors must not be empty, but was []");
    }
    return new InvalidInput(List.copyOf(fieldErrors));
  }

  /**
   * Creates the exception from one or more field errors.
   *
   * @param first the first invalid field
   * @param more further invalid fields
   * @return the exception, to throw
   * @throws NullPointerException if an argument or an element is null
   */
  public static InvalidInput of(FieldError first, FieldError... more) {
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(more, "more");
    List<FieldError> errors = new ArrayList<>(more.length + 1);
    errors.add(first);
    for (FieldError error : more) {
      errors.add(Objects.requireNonNull(error, "fieldError"));
    }
    return of(errors);
  }

  /** {@return the invalid fields: an immutable, non-empty list} */
  public List<FieldError> fieldErrors() {
    return fieldErrors;
  }

  private static String publicMessage(List<FieldError> errors) {
    StringBuilder message = new StringBuilder();
    message.append(errors.size()).append(errors.size() == 1 ? " field is" : " fields are");
    message.append(" invalid: ");
    int listed = Math.min(errors.size(), MAX_LISTED);
    for (int i = 0; i < listed; i++) {
      if (i > 0) {
        message.append("; ");
      }
      message.append(errors.get(i).summary());
    }
    if (errors.size() > listed) {
      message.append("; and ").append(errors.size() - listed).append(" more");
    }
    return message.toString();
  }

  private static String details(List<FieldError> errors) {
    StringBuilder details = new StringBuilder();
    for (FieldError error : errors) {
      if (details.length() > 0) {
        details.append("; ");
      }
      details.append(error.summary());
      details.append(
          error
              .rejectedValue()
              .map(value -> " (rejected '" + value + "')")
              .orElse(" (value withheld)"));
    }
    return details.toString();
  }
}
