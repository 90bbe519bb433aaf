package dev.guardrails.auth.spi;

/**
 * Tells a {@link dev.guardrails.auth.JwtVerifier} whether the session a token belongs to was
 * revoked (signed out, password changed, stolen device). The verifier asks after the signature and
 * the claims are checked, also for tokens served from its verified-token cache.
 *
 * <p>Implementations must be thread-safe and fast (called on every request); a shared store (a
 * database table) suits applications with several instances. An implementation that cannot decide
 * must throw, and the verifier then refuses the token: it fails closed.
 */
@FunctionalInterface
public interface RevocationCheck {

  /**
   * Returns whether a session was revoked.
   *
   * @param issuer the token's issuer
   * @param sessionId the token's {@code sid} claim, or its {@code jti} when it has no {@code sid}
   * @return true if tokens of this session must be refused
   */
  boolean isRevoked(String issuer, String sessionId);
}
