package dev.guardrails.samples;

import dev.guardrails.core.FieldError;
import dev.guardrails.core.InvalidInput;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Collects every invalid field of a request before refusing it, so the 400 problem lists them all
 * (the user fixes the form once, not field by field).
 *
 * <p>Not thread-safe; one per request.
 */
final class Validation {

  private final List<FieldError> errors = new ArrayList<>();

  String requiredText(String field, @Nullable String value, int maxLength) {
    if (value == null || value.isBlank()) {
      errors.add(FieldError.withoutValue(field, "is required"));
      return "";
    }
    if (value.length() > maxLength) {
      errors.add(FieldError.withoutValue(field, "must be at most " + maxLength + " characters"));
    }
    return value.strip();
  }

  long positive(String field, @Nullable Long value) {
    if (value == null) {
      errors.add(FieldError.withoutValue(field, "is required"));
      return 0;
    }
    if (value <= 0) {
      errors.add(FieldError.of(field, "must be positive", value));
    }
    return value;
  }

  @Nullable LocalDate date(String field, @Nullable String value) {
    if (value == null) {
      errors.add(FieldError.withoutValue(field, "is required"));
      return null;
    }
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      errors.add(FieldError.of(field, "expected a date like 2026-12-31", value));
      return null;
    }
  }

  @Nullable UUID uuid(String field, @Nullable String value) {
    if (value == null) {
      errors.add(FieldError.withoutValue(field, "is required"));
      return null;
    }
    try {
      return UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      errors.add(FieldError.of(field, "expected an id like 3f2b8c1e-…", value));
      return null;
    }
  }

  String currency(String field, @Nullable String value) {
    if (value == null || !value.matches("[A-Z]{3}")) {
      errors.add(FieldError.of(field, "expected a currency code like EUR", value));
      return "";
    }
    return value;
  }

  String oneOf(String field, String value, List<String> allowed) {
    if (!allowed.contains(value)) {
      errors.add(FieldError.of(field, "must be one of " + String.join(", ", allowed), value));
    }
    return value;
  }

  void add(String field, String problem) {
    errors.add(FieldError.withoutValue(field, problem));
  }

  /**
   * Refuses the request if any field was invalid.
   *
   * @throws InvalidInput listing every invalid field
   */
  void check() {
    if (!errors.isEmpty()) {
      throw InvalidInput.of(errors);
    }
  }
}
