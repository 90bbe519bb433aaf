package dev.guardrails.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A secret value (an API key, a signing secret, a database password) that never shows itself:
 * {@link #toString()} prints only its name and origin, no exception or log message of this module
 * contains it, it is not {@link java.io.Serializable}, it has no bean getter a JSON mapper could
 * pick up (a mapper asked to write it fails instead of leaking), and its value field is {@code
 * transient}, so mappers that read fields skip it. Read the value with {@link #reveal()} at the one
 * place that needs it.
 *
 * <p>{@link #matches(String)} and {@link #equals(Object)} compare in constant time (digests of both
 * sides are compared with {@link MessageDigest#isEqual}, so neither content nor length leaks
 * through timing).
 *
 * <p>Immutable and thread-safe.
 */
public final class Secret {

  /** Where a secret came from; code means hard-coded. */
  public enum Origin {
    /** Written in the application's code or configuration files. */
    CODE,
    /** Read from an environment variable. */
    ENVIRONMENT,
    /** Read from a file, e.g. a mounted Kubernetes or Docker secret. */
    FILE,
    /** Read from a secret manager or another source. */
    OTHER
  }

  private final String name;

  /**
   * Transient so that field-based serializers (Gson by default, Jackson with field visibility,
   * Kryo, XStream) skip it instead of writing the value.
   */
  private final transient String value;

  private final Origin origin;
  private final String location;

  private Secret(String name, String value, Origin origin, String location) {
    this.name = requireName(name);
    this.value = Objects.requireNonNull(value, "value");
    this.origin = Objects.requireNonNull(origin, "origin");
    this.location = Objects.requireNonNull(location, "location");
  }

  /**
   * Wraps a value written in code. A {@link KeyPolicy} refuses hard-coded secrets unless loosened
   * by name for tests.
   *
   * @param name the secret's name, e.g. {@code STRIPE_SECRET_KEY}
   * @param value the value
   * @return the secret
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the name is blank or has control characters
   */
  public static Secret of(String name, String value) {
    return new Secret(name, value, Origin.CODE, "code");
  }

  /**
   * Wraps a value read by a secret source.
   *
   * @param name the secret's name
   * @param value the value
   * @param origin the kind of source
   * @param location where exactly, for messages, e.g. {@code environment variable STRIPE_KEY}
   * @return the secret
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the name is blank or has control characters
   */
  public static Secret fromSource(String name, String value, Origin origin, String location) {
    return new Secret(name, value, origin, location);
  }

  /** {@return the secret's name} */
  public String name() {
    return name;
  }

  /** {@return the kind of source it came from} */
  public Origin origin() {
    return origin;
  }

  /** {@return where exactly it came from, e.g. {@code file /run/secrets/db_password}} */
  public String location() {
    return location;
  }

  /** {@return the value; use it at the one place that needs it and nowhere else} */
  public String reveal() {
    return value;
  }

  /**
   * Compares the value with a candidate in constant time, e.g. an incoming webhook token.
   *
   * @param candidate the value to compare
   * @return true if equal
   * @throws NullPointerException if the candidate is null
   */
  public boolean matches(String candidate) {
    Objects.requireNonNull(candidate, "candidate");
    return MessageDigest.isEqual(digest(value), digest(candidate));
  }

  /** Equal when name and value are equal; the values are compared in constant time. */
  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Secret other && name.equals(other.name) && matches(other.value);
  }

  /** {@return a hash of the name only, so the value cannot be guessed from it} */
  @Override
  public int hashCode() {
    return name.hashCode();
  }

  /**
   * {@return e.g. {@code Secret[STRIPE_SECRET_KEY from environment variable STRIPE_SECRET_KEY]}}
   */
  @Override
  public String toString() {
    return "Secret[" + name + " from " + location + "]";
  }

  private static byte[] digest(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  static String requireName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank() || name.length() > 256 || name.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(
          "secret name must be 1 to 256 characters without control characters, but was '"
              + name.replaceAll("\\p{Cntrl}", "?")
              + "'");
    }
    return name;
  }
}
