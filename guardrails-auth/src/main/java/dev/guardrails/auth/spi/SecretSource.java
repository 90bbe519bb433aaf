package dev.guardrails.auth.spi;

import dev.guardrails.auth.Secret;
import java.util.Optional;

/**
 * Where secrets come from: environment variables, mounted files, a secret manager. Built-in sources
 * and their composition are in {@link dev.guardrails.auth.SecretSources}.
 *
 * <p>Implementations must be thread-safe, must never put a secret's value into an exception, a log
 * line or {@link #describe()}, and should return {@link Secret}s made with {@link
 * Secret#fromSource}.
 */
public interface SecretSource {

  /**
   * Looks a secret up.
   *
   * @param name the secret's name, e.g. {@code STRIPE_SECRET_KEY}
   * @return the secret, or empty when this source does not have it (or has it empty)
   * @throws IllegalStateException if the source has the secret but cannot read it; the message
   *     names the secret, never its value
   */
  Optional<Secret> find(String name);

  /** {@return what this source looks at, for messages, e.g. {@code environment variables}} */
  String describe();

  /**
   * Returns a secret that must exist, for startup.
   *
   * @param name the secret's name
   * @return the secret
   * @throws IllegalStateException if the secret is missing: the message names it and the places
   *     that were searched, never a value
   */
  default Secret require(String name) {
    return find(name)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "missing secret '" + name + "': looked in " + describe()));
  }
}
