package dev.guardrails.core;

/**
 * What kind of principal an {@link Actor} is.
 *
 * <p>Immutable and thread-safe.
 */
public enum ActorKind {
  /** A human user, signed in through a login or a token issued to a person. */
  PERSON,
  /** Another system calling with its own credentials (a service account, an API client). */
  SERVICE,
  /** A scheduled or background job of this application, acting on its own behalf. */
  JOB
}
