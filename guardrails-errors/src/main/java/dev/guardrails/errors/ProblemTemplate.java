package dev.guardrails.errors;

import dev.guardrails.core.FieldError;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What a mapped exception becomes before the boundary adds the incident: its {@link FailureClass},
 * status, code, title and, optionally, a detail for the end user, field errors and a retry delay.
 *
 * <p>Immutable and thread-safe; the {@code with} methods return copies.
 */
public final class ProblemTemplate {

  private static final Pattern CODE = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");

  private final FailureClass failureClass;
  private final int status;
  private final String code;
  private final String title;
  private final @Nullable String detail;
  private final List<FieldError> fieldErrors;
  private final @Nullable Duration retryAfter;

  private ProblemTemplate(
      FailureClass failureClass,
      int status,
      String code,
      String title,
      @Nullable String detail,
      List<FieldError> fieldErrors,
      @Nullable Duration retryAfter) {
    this.failureClass = failureClass;
    this.status = status;
    this.code = code;
    this.title = title;
    this.detail = detail;
    this.fieldErrors = fieldErrors;
    this.retryAfter = retryAfter;
  }

  /**
   * Returns a template without a detail: the boundary shows a generic message for its class.
   *
   * @param failureClass what kind of failure it is
   * @param status the HTTP status, 400 to 599
   * @param code the stable code, lower snake case with optional dots, e.g. {@code
   *     "payment_declined"}
   * @param title a short summary of the problem type, e.g. {@code "Payment declined"}
   * @return the template
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the status is outside 400 to 599, the code is not lower
   *     snake case or the title is blank
   */
  public static ProblemTemplate of(
      FailureClass failureClass, int status, String code, String title) {
    Objects.requireNonNull(failureClass, "failureClass");
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(title, "title");
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status must be between 400 and 599, but was " + status);
    }
    if (!CODE.matcher(code).matches()) {
      throw new IllegalArgumentException(
          "code must be lower snake case with optional dots, but was '" + code + "'");
    }
    if (title.isBlank()) {
      throw new IllegalArgumentException("title must not be blank, but was '" + title + "'");
    }
    return new ProblemTemplate(failureClass, status, code, title, null, List.of(), null);
  }

  /**
   * Returns a copy with a detail for the end user; the boundary replaces it with a generic message
   * if it looks internal (a class name, a path, SQL, a token).
   *
   * @param newDetail the detail, written for the end user
   * @return the copy
   * @throws NullPointerException if the detail is null
   */
  public ProblemTemplate withDetail(String newDetail) {
    Objects.requireNonNull(newDetail, "newDetail");
    return new ProblemTemplate(
        failureClass, status, code, title, newDetail, fieldErrors, retryAfter);
  }

  /**
   * Returns a copy with the invalid fields of an input.
   *
   * @param newFieldErrors the invalid fields; copied
   * @return the copy
   * @throws NullPointerException if the list or an element is null
   */
  public ProblemTemplate withFieldErrors(List<FieldError> newFieldErrors) {
    return new ProblemTemplate(
        failureClass, status, code, title, detail, List.copyOf(newFieldErrors), retryAfter);
  }

  /**
   * Returns a copy that tells the client when a retry may succeed.
   *
   * @param newRetryAfter the delay, zero or positive
   * @return the copy
   * @throws NullPointerException if the delay is null
   * @throws IllegalArgumentException if the delay is negative
   */
  public ProblemTemplate withRetryAfter(Duration newRetryAfter) {
    Objects.requireNonNull(newRetryAfter, "newRetryAfter");
    if (newRetryAfter.isNegative()) {
      throw new IllegalArgumentException(
          "retry after must not be negative, but was " + newRetryAfter);
    }
    return new ProblemTemplate(
        failureClass, status, code, title, detail, fieldErrors, newRetryAfter);
  }

  /** {@return what kind of failure it is} */
  public FailureClass failureClass() {
    return failureClass;
  }

  /** {@return the HTTP status} */
  public int status() {
    return status;
  }

  /** {@return the stable code} */
  public String code() {
    return code;
  }

  /** {@return the short summary of the problem type} */
  public String title() {
    return title;
  }

  /** {@return the detail for the end user, or null for the generic message of the class} */
  public @Nullable String detail() {
    return detail;
  }

  /** {@return the invalid fields; empty unless the input was invalid} */
  public List<FieldError> fieldErrors() {
    return fieldErrors;
  }

  /** {@return when a retry may succeed, or null} */
  public @Nullable Duration retryAfter() {
    return retryAfter;
  }

  /** {@return the class, status, code and title} */
  @Override
  public String toString() {
    return "ProblemTemplate[" + failureClass + " " + status + " " + code + " '" + title + "']";
  }
}
