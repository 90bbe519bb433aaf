package dev.guardrails.auth;

import dev.guardrails.core.Unauthenticated;
import java.util.Objects;
import java.util.Optional;

/**
 * Why a bearer token was refused: a machine-readable {@link Reason} and a detail for logs.
 *
 * <p>The caller of {@link JwtVerifier#verify(String)} only ever sees one generic {@link
 * Unauthenticated}; the reason is in its {@link Unauthenticated#details() details} (read it back
 * with {@link #reasonOf(Unauthenticated)}), in the log and in a {@link TokenRejectedEvent}. The
 * detail never contains the token. Immutable and thread-safe.
 */
public final class TokenRejection {

  /** The kinds of rejection, one per attack class or validation rule. */
  public enum Reason {
    /** Not three dot-separated base64url parts of valid JSON (includes JWE and whitespace). */
    MALFORMED,
    /** Longer than the verifier's maximum token size. */
    OVERSIZED,
    /** Header or claims nest deeper than the verifier allows. */
    JSON_TOO_DEEP,
    /** Header or claims hold the same member twice (claim smuggling). */
    DUPLICATE_MEMBER,
    /** The {@code alg} is {@code none} in any spelling: an unsigned token. */
    ALGORITHM_NONE,
    /** The {@code alg} is not on the allow-list (e.g. HMAC when the keys are asymmetric). */
    ALGORITHM_NOT_ALLOWED,
    /**
     * The header carries its own key or key location: {@code jwk}, {@code jku}, {@code x5u}, {@code
     * x5c}.
     */
    EMBEDDED_KEY,
    /** The header lists a {@code crit} parameter this verifier does not understand. */
    UNKNOWN_CRITICAL_HEADER,
    /** The {@code typ} header is missing or not the required type. */
    WRONG_TYPE,
    /** The {@code kid} is malformed: path traversal, injection, control characters, too long. */
    INVALID_KEY_ID,
    /** The {@code iss} is missing or not one of the trusted issuers. */
    WRONG_ISSUER,
    /** No key of the issuer matches the {@code kid} and algorithm, even after a refresh. */
    UNKNOWN_KEY,
    /** The issuer's keys cannot be fetched; the verifier fails closed. */
    KEY_SOURCE_UNAVAILABLE,
    /** The signature does not verify (tampered, truncated, zero ECDSA, wrong key). */
    BAD_SIGNATURE,
    /** The token has no {@code exp}. */
    MISSING_EXPIRATION,
    /** The token expired (beyond the allowed clock skew). */
    EXPIRED,
    /** The token's {@code nbf} is in the future (beyond the allowed clock skew). */
    NOT_YET_VALID,
    /** The token's {@code iat} is in the future (beyond the allowed clock skew). */
    ISSUED_IN_FUTURE,
    /** The token's {@code aud} is missing or does not contain this verifier's audience. */
    WRONG_AUDIENCE,
    /** The token has no {@code sub}. */
    MISSING_SUBJECT,
    /** A claim has the wrong type or a value an {@code Actor} cannot hold. */
    INVALID_CLAIMS,
    /** The session the token belongs to was revoked. */
    REVOKED
  }

  private static final String PREFIX = "token rejected: reason=";

  private final Reason reason;
  private final String detail;

  private TokenRejection(Reason reason, String detail) {
    this.reason = reason;
    this.detail = detail;
  }

  /**
   * Returns a rejection.
   *
   * @param reason the reason
   * @param detail what exactly was wrong, for logs; must not contain the token or a secret
   * @return the rejection
   * @throws NullPointerException if an argument is null
   */
  public static TokenRejection of(Reason reason, String detail) {
    return new TokenRejection(
        Objects.requireNonNull(reason, "reason"), Objects.requireNonNull(detail, "detail"));
  }

  /**
   * Reads the reason back from an {@link Unauthenticated} thrown by a {@link JwtVerifier}.
   *
   * @param exception the exception
   * @return the reason, or empty when the exception did not come from a token rejection
   * @throws NullPointerException if the exception is null
   */
  public static Optional<Reason> reasonOf(Unauthenticated exception) {
    String details = Objects.requireNonNull(exception, "exception").details();
    if (!details.startsWith(PREFIX)) {
      return Optional.empty();
    }
    int end = details.indexOf(' ', PREFIX.length());
    String name = details.substring(PREFIX.length(), end < 0 ? details.length() : end);
    for (Reason reason : Reason.values()) {
      if (reason.name().equals(name)) {
        return Optional.of(reason);
      }
    }
    return Optional.empty();
  }

  /** {@return the machine-readable reason} */
  public Reason reason() {
    return reason;
  }

  /** {@return what exactly was wrong, for logs} */
  public String detail() {
    return detail;
  }

  /** {@return the generic exception a caller receives, with this rejection in its details} */
  public Unauthenticated toException() {
    return new Unauthenticated(toString());
  }

  /** {@return {@code token rejected: reason=EXPIRED (detail)}} */
  @Override
  public String toString() {
    return PREFIX + reason + " (" + detail + ")";
  }
}
