package dev.guardrails.auth;

import dev.guardrails.core.Actor;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of {@link JwtVerifier#check(String)}: the verified {@link Actor}, or the {@link
 * TokenRejection} that says why the token was refused. For callers (and tests) that branch on the
 * reason; request handling should call {@link JwtVerifier#verify(String)}, which throws one generic
 * error. Immutable and thread-safe.
 */
public final class TokenVerification {

  private final @Nullable Actor actor;
  private final @Nullable TokenRejection rejection;

  private TokenVerification(@Nullable Actor actor, @Nullable TokenRejection rejection) {
    this.actor = actor;
    this.rejection = rejection;
  }

  static TokenVerification verified(Actor actor) {
    return new TokenVerification(Objects.requireNonNull(actor, "actor"), null);
  }

  static TokenVerification rejected(TokenRejection rejection) {
    return new TokenVerification(null, Objects.requireNonNull(rejection, "rejection"));
  }

  /** {@return whether the token was accepted} */
  public boolean isVerified() {
    return actor != null;
  }

  /** {@return the actor of an accepted token} */
  public Optional<Actor> actor() {
    return Optional.ofNullable(actor);
  }

  /** {@return why the token was refused, when it was} */
  public Optional<TokenRejection> rejection() {
    return Optional.ofNullable(rejection);
  }

  /**
   * Returns the rejection reason.
   *
   * @return the reason
   * @throws IllegalStateException if the token was accepted
   */
  public TokenRejection.Reason reason() {
    if (rejection == null) {
      throw new IllegalStateException("token was verified, so there is no rejection reason");
    }
    return rejection.reason();
  }

  @Override
  public String toString() {
    return actor != null
        ? "TokenVerification[verified " + actor + "]"
        : "TokenVerification[" + rejection + "]";
  }
}
