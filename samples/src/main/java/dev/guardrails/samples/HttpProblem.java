package dev.guardrails.samples;

import dev.guardrails.errors.FailureClass;
import dev.guardrails.errors.ProblemMappings;
import dev.guardrails.errors.ProblemTemplate;

/**
 * An HTTP-level refusal that core's exception family has no type for: method not allowed, payload
 * too large, unsupported media type, precondition required. Mapped to a problem by {@link
 * #register(ProblemMappings.Builder)}; its message is safe to show.
 */
public final class HttpProblem extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final String title;
  private final String detail;

  private HttpProblem(int status, String code, String title, String detail) {
    super(detail, null, false, false);
    this.status = status;
    this.code = code;
    this.title = title;
    this.detail = detail;
  }

  /**
   * A 405.
   *
   * @param method the method that was used
   * @return the problem
   */
  static HttpProblem methodNotAllowed(String method) {
    return new HttpProblem(
        405,
        "method_not_allowed",
        "Method not allowed",
        "This resource does not support " + method + "; see the Allow header.");
  }

  /**
   * A 413.
   *
   * @param limit the largest body accepted, in bytes
   * @return the problem
   */
  static HttpProblem payloadTooLarge(int limit) {
    return new HttpProblem(
        413,
        "payload_too_large",
        "Payload too large",
        "The request body is larger than " + limit + " bytes.");
  }

  /** {@return a 415 for a body that is not JSON} */
  static HttpProblem unsupportedMediaType() {
    return new HttpProblem(
        415,
        "unsupported_media_type",
        "Unsupported media type",
        "Send the body as application/json.");
  }

  /**
   * A 428 for an update without a version to check against.
   *
   * @return the problem
   */
  static HttpProblem preconditionRequired() {
    return new HttpProblem(
        428,
        "precondition_required",
        "Precondition required",
        "Send the version you read in an If-Match header, e.g. If-Match: \"3\".");
  }

  /**
   * Adds the mapping of this exception to the problem mappings.
   *
   * @param mappings the builder
   * @return the builder
   */
  static ProblemMappings.Builder register(ProblemMappings.Builder mappings) {
    return mappings.map(
        HttpProblem.class,
        e ->
            ProblemTemplate.of(FailureClass.CLIENT_ERROR, e.status, e.code, e.title)
                .withDetail(e.detail));
  }

  /** {@return the HTTP status} */
  public int status() {
    return status;
  }

  /** {@return the stable problem code} */
  public String code() {
    return code;
  }
}
