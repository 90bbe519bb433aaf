package dev.guardrails.core;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The kind of environment the application runs in, read from the variable {@value #ENV_VARIABLE}.
 *
 * <p>When the variable is unset or blank the environment is {@link #PRODUCTION}: the safe default,
 * under which every guardrail applies its strictest policy (live keys only, no test shortcuts). An
 * unknown value is refused rather than guessed.
 *
 * <p>Immutable and thread-safe.
 */
public enum Environment {
  /** Serving real users and real money. */
  PRODUCTION,
  /** A production-like environment for final checks, with test keys and test data. */
  STAGING,
  /** Automated tests. */
  TEST,
  /** A developer's machine. */
  DEVELOPMENT;

  /** The environment variable that names the environment. */
  public static final String ENV_VARIABLE = "GUARDRAILS_ENV";

  private static final String ACCEPTED =
      "[production (or prod), staging, test, development (or dev)]";

  /**
   * Parses an environment name, ignoring case and surrounding whitespace; {@code "prod"} and {@code
   * "dev"} are accepted for production and development.
   *
   * @param name the name
   * @return the environment
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if the name is not one of the accepted values; the message
   *     lists them
   */
  public static Environment parse(String name) {
    Objects.requireNonNull(name, "name");
    return switch (name.strip().toLowerCase(Locale.ROOT)) {
      case "production", "prod" -> PRODUCTION;
      case "staging" -> STAGING;
      case "test" -> TEST;
      case "development", "dev" -> DEVELOPMENT;
      default ->
          throw new IllegalArgumentException(
              "environment must be one of " + ACCEPTED + ", but was " + Text.quote(name));
    };
  }

  /**
   * Reads the environment from the process's variable {@value #ENV_VARIABLE}; see {@link
   * #fromEnvironment(Map)}.
   *
   * @return the environment, {@link #PRODUCTION} when the variable is unset or blank
   * @throws IllegalStateException if the variable holds an unknown value
   */
  public static Environment fromSystemEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /**
   * Reads the environment from the variable {@value #ENV_VARIABLE} of the given variables.
   *
   * @param env the environment variables, e.g. {@link System#getenv()}
   * @return the environment, {@link #PRODUCTION} when the variable is unset or blank
   * @throws NullPointerException if {@code env} is null
   * @throws IllegalStateException if the variable holds an unknown value; the message names the
   *     variable, the value and the accepted values
   */
  public static Environment fromEnvironment(Map<String, String> env) {
    Objects.requireNonNull(env, "env");
    String value = env.get(ENV_VARIABLE);
    if (value == null || value.isBlank()) {
      return PRODUCTION;
    }
    try {
      return parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          ENV_VARIABLE
              + " must be one of "
              + ACCEPTED
              + ", but was "
              + Text.quote(value)
              + "; fix the variable or unset it to run as production",
          e);
    }
  }
}
