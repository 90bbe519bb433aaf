package dev.guardrails.core;

import java.util.Objects;

/**
 * What {@link ApiKeys#classify(String)} recognized in an API key: its provider, its mode and its
 * kind. Holds no part of the key.
 *
 * <p>Immutable and thread-safe.
 *
 * @param provider the provider, e.g. {@code "stripe"}, {@code "openai"}, or {@code "unknown"}
 * @param mode test, live or unknown
 * @param kind what the key is for, e.g. {@code "secret"}, {@code "restricted"}, {@code
 *     "publishable"}, {@code "admin"}, {@code "key_id"}, or {@code "unknown"}
 */
public record ApiKeyClassification(String provider, ApiKeyMode mode, String kind) {

  /** The classification of a key that matches no known prefix. */
  public static final ApiKeyClassification UNKNOWN =
      new ApiKeyClassification("unknown", ApiKeyMode.UNKNOWN, "unknown");

  /**
   * Creates a classification.
   *
   * @param provider the provider, e.g. {@code "stripe"}, {@code "openai"}, or {@code "unknown"}
   * @param mode test, live or unknown
   * @param kind what the key is for, e.g. {@code "secret"}, {@code "restricted"}, {@code
   *     "publishable"}, {@code "admin"}, {@code "key_id"}, or {@code "unknown"}
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if the provider or the kind is blank
   */
  public ApiKeyClassification {
    Text.requireNonBlank(provider, "provider");
    Objects.requireNonNull(mode, "mode");
    Text.requireNonBlank(kind, "kind");
  }
}
