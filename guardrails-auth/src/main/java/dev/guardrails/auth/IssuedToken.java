package dev.guardrails.auth;

import java.time.Instant;
import java.util.Objects;

/**
 * A session token issued by a {@link LocalTokenIssuer}. {@link #toString()} never shows the token.
 *
 * <p>Immutable and thread-safe.
 *
 * @param token the compact JWT to hand to the client (a secure, http-only cookie or a bearer token)
 * @param sessionId the session's id, for {@link LocalTokenIssuer#revokeSession(String)}
 * @param expiresAt when the token expires
 */
public record IssuedToken(String token, String sessionId, Instant expiresAt) {

  /**
   * Checks the components.
   *
   * @throws NullPointerException if a component is null
   */
  public IssuedToken {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /** {@return the session id and expiry; the token is masked} */
  @Override
  public String toString() {
    return "IssuedToken[session=" + sessionId + " expiresAt=" + expiresAt + " token=****]";
  }
}
