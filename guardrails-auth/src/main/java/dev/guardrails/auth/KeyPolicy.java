package dev.guardrails.auth;

import dev.guardrails.core.ApiKeys;
import dev.guardrails.core.Environment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Refuses to start with a secret that is not fit for the environment: hard-coded in the code, a
 * known default or placeholder ({@code changeme}, {@code your-256-bit-secret}, the Supabase local
 * JWT secret, {@code keyboard cat} ...), too short or too low in entropy, or an API key of the
 * wrong mode (core's {@link ApiKeys}): a live key outside production, a test key in production.
 *
 * <pre>{@code
 * KeyPolicy policy = KeyPolicy.forEnvironment(Environment.fromSystemEnvironment());
 * Secret stripe = policy.check(secrets.require("STRIPE_SECRET_KEY"));
 * }</pre>
 *
 * <p>Every message names the secret and the broken rule, never the value (at most a key's
 * well-known prefix). Immutable and thread-safe.
 */
public final class KeyPolicy {

  private static final Set<String> KNOWN_DEFAULTS =
      Set.of(
          "changeme",
          "change-me",
          "change_me",
          "changeit",
          "secret",
          "secretkey",
          "secret-key",
          "secret_key",
          "mysecret",
          "my-secret",
          "supersecret",
          "super-secret",
          "topsecret",
          "password",
          "passw0rd",
          "p@ssw0rd",
          "admin",
          "default",
          "test",
          "example",
          "dev",
          "development",
          "todo",
          "replaceme",
          "replace-me",
          "your-secret-key",
          "your_secret_key",
          "yoursecretkey",
          "your-256-bit-secret",
          "your-api-key",
          "your_api_key_here",
          "jwt-secret",
          "jwt_secret",
          "jwtsecret",
          "keyboard cat",
          "shhhhh",
          "s3cr3t",
          "123456",
          "12345678",
          "qwerty",
          "letmein",
          "super-secret-jwt-token-with-at-least-32-characters-long",
          "thisisasecretkey",
          "session-secret",
          "cookie-secret");

  private static final List<String> PLACEHOLDER_MARKERS =
      List.of(
          "changeme",
          "change_me",
          "change-me",
          "placeholder",
          "example",
          "dummy",
          "xxxxx",
          "your-",
          "your_",
          "django-insecure-",
          "replace");

  private final Environment environment;
  private final int minimumLength;
  private final double minimumEntropyBits;
  private final boolean allowHardCodedOutsideProduction;

  private KeyPolicy(Builder b) {
    this.environment = b.environment;
    this.minimumLength = b.minimumLength;
    this.minimumEntropyBits = b.minimumEntropyBits;
    this.allowHardCodedOutsideProduction = b.allowHardCodedOutsideProduction;
  }

  /**
   * Returns the strict policy for an environment: no hard-coded secret, no known default, at least
   * 16 characters and 96 bits of estimated entropy, API key mode fitting the environment.
   *
   * @param environment the environment the application runs in
   * @return the policy
   * @throws NullPointerException if the environment is null
   */
  public static KeyPolicy forEnvironment(Environment environment) {
    return builder(environment).build();
  }

  /**
   * Starts a policy with the strict defaults.
   *
   * @param environment the environment the application runs in
   * @return a builder
   * @throws NullPointerException if the environment is null
   */
  public static Builder builder(Environment environment) {
    return new Builder(Objects.requireNonNull(environment, "environment"));
  }

  /**
   * Checks a secret.
   *
   * @param secret the secret
   * @return the same secret, for chaining
   * @throws NullPointerException if the secret is null
   * @throws IllegalStateException if the secret breaks a rule; the message names the secret, where
   *     it came from and the rule, never the value
   */
  public Secret check(Secret secret) {
    List<String> problems = problems(Objects.requireNonNull(secret, "secret"));
    if (!problems.isEmpty()) {
      throw new IllegalStateException(problems.get(0));
    }
    return secret;
  }

  /**
   * Checks several secrets and reports every problem at once, so a deployment is fixed in one go.
   *
   * @param secrets the secrets
   * @throws NullPointerException if a secret is null
   * @throws IllegalStateException if any secret breaks a rule; one line per problem
   */
  public void checkAll(Secret... secrets) {
    List<String> problems = new ArrayList<>();
    for (Secret secret : Objects.requireNonNull(secrets, "secrets")) {
      problems.addAll(problems(Objects.requireNonNull(secret, "secret")));
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          problems.size() + " secret problem(s):\n  " + String.join("\n  ", problems));
    }
  }

  private List<String> problems(Secret secret) {
    List<String> problems = new ArrayList<>();
    String name = "secret '" + secret.name() + "' (" + secret.location() + ")";
    String value = secret.reveal().strip();
    if (secret.origin() == Secret.Origin.CODE
        && !(allowHardCodedOutsideProduction
            && (environment == Environment.TEST || environment == Environment.DEVELOPMENT))) {
      problems.add(
          name + " is hard-coded; read it from the environment or a mounted file (SecretSources)");
    }
    String lower = value.toLowerCase(Locale.ROOT);
    if (KNOWN_DEFAULTS.contains(lower)) {
      problems.add(name + " is a well-known default value; generate a random one");
      return problems;
    }
    for (String marker : PLACEHOLDER_MARKERS) {
      if (lower.contains(marker)) {
        problems.add(
            name + " looks like a placeholder (contains '" + marker + "'); set the real value");
        return problems;
      }
    }
    try {
      ApiKeys.requireAllowedIn(environment, secret.name(), value);
    } catch (IllegalStateException wrongMode) {
      problems.add(wrongMode.getMessage());
    }
    if (value.length() < minimumLength) {
      problems.add(
          name
              + " is too short: "
              + value.length()
              + " characters, at least "
              + minimumLength
              + " required");
    } else {
      double bits = estimatedEntropyBits(value);
      if (bits < minimumEntropyBits) {
        problems.add(
            name
                + " has too little entropy: about "
                + (int) bits
                + " bits, at least "
                + (int) minimumEntropyBits
                + " required; generate it randomly (e.g. openssl rand -base64 32)");
      }
    }
    return problems;
  }

  /**
   * A cheap upper bound for random keys: the Shannon entropy per character, taken of the
   * characters, of the steps between neighbours (so {@code abcdef...} or {@code 0123456789...},
   * whose characters all differ but whose steps are all one, scores low) and of the moves between
   * neighbouring keys on a US keyboard (so a walk such as {@code qwertyuiop...} or {@code
   * 1qaz2wsx3edc...} scores low), the lowest of the three, times the length.
   */
  static double estimatedEntropyBits(String value) {
    int[] codePoints = value.codePoints().toArray();
    int[] steps = new int[Math.max(0, codePoints.length - 1)];
    int[] moves = new int[steps.length];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = codePoints[i + 1] - codePoints[i];
      moves[i] = keyMove(codePoints[i], codePoints[i + 1]);
    }
    double perChar =
        Math.min(shannonBits(codePoints), Math.min(shannonBits(steps), shannonBits(moves)));
    return perChar * codePoints.length;
  }

  /** The rows of a US keyboard, unshifted and shifted: a character's key is its row and column. */
  private static final String[][] KEYBOARD_ROWS = {
    {"`1234567890-=", "~!@#$%^&*()_+"},
    {"qwertyuiop[]\\", "QWERTYUIOP{}|"},
    {"asdfghjkl;'", "ASDFGHJKL:\""},
    {"zxcvbnm,./", "ZXCVBNM<>?"}
  };

  /**
   * The move from one key to the next as one number (rows times 64 plus columns); a character off
   * the keyboard gives a move of its own, so it never looks like part of a walk.
   */
  private static int keyMove(int from, int to) {
    int a = keyOf(from);
    int b = keyOf(to);
    if (a < 0 || b < 0) {
      return Integer.MIN_VALUE + (a < 0 ? from : to);
    }
    return (b / 64 - a / 64) * 64 + (b % 64 - a % 64);
  }

  /** {@return the key of a character as row times 64 plus column, or -1 if it has none} */
  private static int keyOf(int codePoint) {
    for (int row = 0; row < KEYBOARD_ROWS.length; row++) {
      for (String layer : KEYBOARD_ROWS[row]) {
        int column = layer.indexOf(codePoint);
        if (column >= 0) {
          return row * 64 + column;
        }
      }
    }
    return -1;
  }

  private static double shannonBits(int[] values) {
    Map<Integer, Integer> counts = new HashMap<>();
    for (int value : values) {
      counts.merge(value, 1, Integer::sum);
    }
    double bits = 0;
    for (int count : counts.values()) {
      double p = (double) count / values.length;
      bits -= p * (Math.log(p) / Math.log(2));
    }
    return bits;
  }

  @Override
  public String toString() {
    return "KeyPolicy["
        + environment
        + " min "
        + minimumLength
        + " chars, "
        + (int) minimumEntropyBits
        + " bits]";
  }

  /** Builds a {@link KeyPolicy}. Not thread-safe. */
  public static final class Builder {
    private final Environment environment;
    private int minimumLength = 16;
    private double minimumEntropyBits = 96;
    private boolean allowHardCodedOutsideProduction;

    private Builder(Environment environment) {
      this.environment = environment;
    }

    /**
     * Sets the shortest accepted secret (default 16 characters).
     *
     * @param length at least 8
     * @return this builder
     * @throws IllegalArgumentException if below 8
     */
    public Builder minimumLength(int length) {
      if (length < 8) {
        throw new IllegalArgumentException("minimum length must be at least 8, but was " + length);
      }
      this.minimumLength = length;
      return this;
    }

    /**
     * Sets the least accepted estimated entropy (default 96 bits).
     *
     * @param bits at least 64
     * @return this builder
     * @throws IllegalArgumentException if below 64
     */
    public Builder minimumEntropyBits(int bits) {
      if (bits < 64) {
        throw new IllegalArgumentException(
            "minimum entropy must be at least 64 bits, but was " + bits);
      }
      this.minimumEntropyBits = bits;
      return this;
    }

    /**
     * Accepts hard-coded secrets ({@link Secret#of}) when the environment is {@code TEST} or {@code
     * DEVELOPMENT}; they stay refused in staging and production. Loosens a default.
     *
     * @return this builder
     */
    public Builder allowHardCodedOutsideProduction() {
      this.allowHardCodedOutsideProduction = true;
      return this;
    }

    /** {@return the policy} */
    public KeyPolicy build() {
      return new KeyPolicy(this);
    }
  }
}
