package dev.guardrails.errors;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An RFC 9457 problem details object, serialised by Jackson as {@value #MEDIA_TYPE}: {@code type},
 * {@code title}, {@code status}, {@code detail}, {@code instance}, and the extension members {@code
 * code}, {@code incidentId}, {@code correlationId}, {@code retryAfterSeconds} and {@code errors}
 * (one entry per invalid field, with its {@code pointer} and {@code detail}).
 *
 * <p>Every text member is meant for the end user: the {@link ErrorBoundary} only puts safe text
 * here. Absent members are left out of the JSON.
 *
 * <p>Immutable and thread-safe.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({
  "type",
  "title",
  "status",
  "detail",
  "instance",
  "code",
  "incidentId",
  "correlationId",
  "retryAfterSeconds",
  "errors"
})
public final class Problem {

  /** The media type of a serialised problem. */
  public static final String MEDIA_TYPE = "application/problem+json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String type;
  private final String title;
  private final int status;
  private final String detail;
  private final @Nullable String instance;
  private final String code;
  private final @Nullable String incidentId;
  private final @Nullable String correlationId;
  private final @Nullable Long retryAfterSeconds;
  private final List<InvalidField> errors;

  /**
   * Creates a problem; the {@link ErrorBoundary} creates them, and clients may read them back.
   *
   * @param type the problem type URI
   * @param title a short summary of the problem type
   * @param status the HTTP status
   * @param detail the explanation of this occurrence, safe for the end user
   * @param instance a URI reference identifying this occurrence, or null
   * @param code the stable machine-readable code, e.g. {@code "not_found"}
   * @param incidentId the incident id to quote to support, or null
   * @param correlationId the request's correlation id, or null
   * @param retryAfterSeconds when a retry may succeed, or null
   * @param errors the invalid fields, or null for none
   * @throws NullPointerException if type, title, detail or code is null
   * @throws IllegalArgumentException if the status is outside 100 to 599
   */
  @JsonCreator
  public Problem(
      @JsonProperty("type") String type,
      @JsonProperty("title") String title,
      @JsonProperty("status") int status,
      @JsonProperty("detail") String detail,
      @JsonProperty("instance") @Nullable String instance,
      @JsonProperty("code") String code,
      @JsonProperty("incidentId") @Nullable String incidentId,
      @JsonProperty("correlationId") @Nullable String correlationId,
      @JsonProperty("retryAfterSeconds") @Nullable Long retryAfterSeconds,
      @JsonProperty("errors") @Nullable List<InvalidField> errors) {
    this.type = Objects.requireNonNull(type, "type");
    this.title = Objects.requireNonNull(title, "title");
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be between 100 and 599, but was " + status);
    }
    this.status = status;
    this.detail = Objects.requireNonNull(detail, "detail");
    this.instance = instance;
    this.code = Objects.requireNonNull(code, "code");
    this.incidentId = incidentId;
    this.correlationId = correlationId;
    this.retryAfterSeconds = retryAfterSeconds;
    this.errors = errors == null ? List.of() : List.copyOf(errors);
  }

  /** {@return the problem type URI, e.g. {@code "urn:guardrails:problem:not_found"}} */
  @JsonProperty("type")
  public String type() {
    return type;
  }

  /** {@return a short summary of the problem type, the same for every occurrence} */
  @JsonProperty("title")
  public String title() {
    return title;
  }

  /** {@return the HTTP status} */
  @JsonProperty("status")
  public int status() {
    return status;
  }

  /** {@return the explanation of this occurrence, safe to show the end user} */
  @JsonProperty("detail")
  public String detail() {
    return detail;
  }

  /** {@return a URI reference identifying this occurrence (e.g. the request path), or null} */
  @JsonProperty("instance")
  public @Nullable String instance() {
    return instance;
  }

  /** {@return the stable machine-readable code, e.g. {@code "not_found"}} */
  @JsonProperty("code")
  public String code() {
    return code;
  }

  /** {@return the incident id the user can quote to support, or null} */
  @JsonProperty("incidentId")
  public @Nullable String incidentId() {
    return incidentId;
  }

  /** {@return the request's correlation id, the same as in the logs and alerts, or null} */
  @JsonProperty("correlationId")
  public @Nullable String correlationId() {
    return correlationId;
  }

  /** {@return the seconds after which a retry may succeed, or null} */
  @JsonProperty("retryAfterSeconds")
  public @Nullable Long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** {@return the invalid fields of an invalid input; empty otherwise} */
  @JsonProperty("errors")
  public List<InvalidField> errors() {
    return errors;
  }

  /**
   * Returns a copy with the given instance.
   *
   * @param newInstance a URI reference identifying this occurrence, or null for none
   * @return the copy
   */
  public Problem withInstance(@Nullable String newInstance) {
    return new Problem(
        type,
        title,
        status,
        detail,
        newInstance,
        code,
        incidentId,
        correlationId,
        retryAfterSeconds,
        errors);
  }

  /**
   * Returns the problem as UTF-8 JSON, for a {@value #MEDIA_TYPE} response body.
   *
   * @return the JSON bytes
   */
  public byte[] toJsonBytes() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("a problem could not be written as JSON", e);
    }
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Problem p
        && status == p.status
        && type.equals(p.type)
        && title.equals(p.title)
        && detail.equals(p.detail)
        && Objects.equals(instance, p.instance)
        && code.equals(p.code)
        && Objects.equals(incidentId, p.incidentId)
        && Objects.equals(correlationId, p.correlationId)
        && Objects.equals(retryAfterSeconds, p.retryAfterSeconds)
        && errors.equals(p.errors);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, status, detail, code, incidentId, correlationId);
  }

  /** {@return the status, code, incident id and detail, for logs and test failures} */
  @Override
  public String toString() {
    return "Problem[" + status + " " + code + " incident=" + incidentId + ": " + detail + "]";
  }

  /**
   * One invalid field of a problem: where it is, as the path the user wrote it with and as an RFC
   * 6901 JSON pointer in a URI fragment, and what is wrong, in words the user can act on.
   *
   * @param field the field's path, e.g. {@code "items[2].amount"}
   * @param pointer the JSON pointer fragment, e.g. {@code "#/items/2/amount"}
   * @param detail what is wrong, e.g. {@code "expected a number, got a string"}
   */
  @JsonPropertyOrder({"field", "pointer", "detail"})
  public record InvalidField(
      @JsonProperty("field") String field,
      @JsonProperty("pointer") String pointer,
      @JsonProperty("detail") String detail) {

    /**
     * Creates an invalid field.
     *
     * @throws NullPointerException if a component is null
     */
    public InvalidField {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(pointer, "pointer");
      Objects.requireNonNull(detail, "detail");
    }
  }
}
