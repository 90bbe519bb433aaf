package dev.guardrails.core;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Classifies API keys as test or live by their provider's well-known prefix, and refuses a key
 * whose mode does not fit the {@link Environment}: a live key outside production (a developer's
 * laptop spending real money), or a test key in production (payments that silently go nowhere).
 *
 * <p>The prefixes recognized, the longest match winning:
 *
 * <table>
 *   <caption>Known API key prefixes</caption>
 *   <tr><th>prefix</th><th>provider</th><th>mode</th><th>kind</th></tr>
 *   <tr><td>{@code sk_test_}, {@code sk_live_}</td><td>stripe-style (Stripe, Paystack, Clerk and
 *       others that copied Stripe's prefixes)</td><td>TEST, LIVE</td><td>secret</td></tr>
 *   <tr><td>{@code pk_test_}, {@code pk_live_}</td><td>stripe-style</td><td>TEST, LIVE</td>
 *       <td>publishable</td></tr>
 *   <tr><td>{@code rk_test_}, {@code rk_live_}</td><td>stripe</td><td>TEST, LIVE</td>
 *       <td>restricted</td></tr>
 *   <tr><td>{@code rzp_test_}, {@code rzp_live_}</td><td>razorpay</td><td>TEST, LIVE</td>
 *       <td>key_id</td></tr>
 *   <tr><td>{@code sk-ant-api03-}, {@code sk-ant-}</td><td>anthropic</td><td>LIVE</td>
 *       <td>secret</td></tr>
 *   <tr><td>{@code sk-ant-admin01-}</td><td>anthropic</td><td>LIVE</td><td>admin</td></tr>
 *   <tr><td>{@code sk-proj-}, {@code sk-svcacct-}, {@code sk-} (legacy)</td><td>openai</td>
 *       <td>LIVE</td><td>secret</td></tr>
 *   <tr><td>{@code sk-admin-}</td><td>openai</td><td>LIVE</td><td>admin</td></tr>
 *   <tr><td>{@code AKIA} + 16 of {@code [A-Z0-9]}</td><td>aws</td><td>LIVE</td>
 *       <td>access_key_id</td></tr>
 *   <tr><td>{@code ASIA} + 16 of {@code [A-Z0-9]}</td><td>aws</td><td>LIVE</td>
 *       <td>temporary_access_key_id</td></tr>
 * </table>
 *
 * <p>OpenAI, Anthropic and AWS have no test keys: every key of theirs is live and billed (an AWS
 * access key id, long-term or temporary, reaches a real account). An AWS key id is recognized only
 * in its exact form, 20 upper-case letters and digits, so that another secret that merely starts
 * with those four letters is not taken for one. Anything else is {@link ApiKeyMode#UNKNOWN}. No
 * method here ever puts a key into a message or a log; at most its well-known prefix, as {@link
 * #mask(String)} does.
 *
 * <p>Stateless and thread-safe.
 */
public final class ApiKeys {

  /** A prefix, and the shape of the rest of the key when the provider fixes it (else any). */
  private record Rule(String prefix, @Nullable Pattern rest, ApiKeyClassification classification) {

    boolean matches(String key) {
      return key.startsWith(prefix)
          && (rest == null || rest.matcher(key).region(prefix.length(), key.length()).matches());
    }
  }

  /** The rest of an AWS access key id after its four-letter prefix. */
  private static final Pattern AWS_KEY_ID_REST = Pattern.compile("[A-Z0-9]{16}");

  /** Providers whose every key is live: there is no test mode to switch to. */
  private static final Set<String> NO_TEST_KEYS = Set.of("openai", "anthropic", "aws");

  private static final List<Rule> RULES =
      List.of(
              rule("sk_test_", "stripe-style", ApiKeyMode.TEST, "secret"),
              rule("sk_live_", "stripe-style", ApiKeyMode.LIVE, "secret"),
              rule("pk_test_", "stripe-style", ApiKeyMode.TEST, "publishable"),
              rule("pk_live_", "stripe-style", ApiKeyMode.LIVE, "publishable"),
              rule("rk_test_", "stripe", ApiKeyMode.TEST, "restricted"),
              rule("rk_live_", "stripe", ApiKeyMode.LIVE, "restricted"),
              rule("rzp_test_", "razorpay", ApiKeyMode.TEST, "key_id"),
              rule("rzp_live_", "razorpay", ApiKeyMode.LIVE, "key_id"),
              rule("sk-ant-api03-", "anthropic", ApiKeyMode.LIVE, "secret"),
              rule("sk-ant-admin01-", "anthropic", ApiKeyMode.LIVE, "admin"),
              rule("sk-ant-", "anthropic", ApiKeyMode.LIVE, "secret"),
              rule("sk-proj-", "openai", ApiKeyMode.LIVE, "secret"),
              rule("sk-svcacct-", "openai", ApiKeyMode.LIVE, "secret"),
              rule("sk-admin-", "openai", ApiKeyMode.LIVE, "admin"),
              rule("sk-", "openai", ApiKeyMode.LIVE, "secret"),
              rule("AKIA", AWS_KEY_ID_REST, "aws", ApiKeyMode.LIVE, "access_key_id"),
              rule("ASIA", AWS_KEY_ID_REST, "aws", ApiKeyMode.LIVE, "temporary_access_key_id"))
          .stream()
          .sorted(Comparator.comparingInt((Rule r) -> r.prefix().length()).reversed())
          .toList();

  private ApiKeys() {}

  /**
   * Classifies a key by its prefix, ignoring surrounding whitespace (as a key read from a file or a
   * variable often has).
   *
   * @param key the key
   * @return the classification; {@link ApiKeyClassification#UNKNOWN} when no prefix matches
   * @throws NullPointerException if {@code key} is null
   */
  public static ApiKeyClassification classify(String key) {
    return match(key).map(Rule::classification).orElse(ApiKeyClassification.UNKNOWN);
  }

  /**
   * Returns a form of the key safe to show: its well-known prefix followed by an ellipsis, e.g.
   * {@code "sk_live_…"}, or a bare ellipsis when no prefix is recognized. Nothing of the key's
   * secret part is kept.
   *
   * @param key the key
   * @return the masked key
   * @throws NullPointerException if {@code key} is null
   */
  public static String mask(String key) {
    return match(key).map(Rule::prefix).orElse("") + Text.ELLIPSIS;
  }

  /**
   * Checks that a key's mode fits the environment: a live key is refused outside {@link
   * Environment#PRODUCTION} and a test key is refused in it. A key of unknown mode is allowed.
   *
   * @param env the environment the application runs in
   * @param keyName the key's name in configuration, e.g. {@code "STRIPE_SECRET_KEY"}; used in the
   *     message
   * @param key the key; never put in the message
   * @return the key's classification
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code keyName} is blank
   * @throws IllegalStateException if the key's mode does not fit the environment; the message names
   *     the key name, the provider, the mode, the environment and the masked prefix, and says what
   *     to do
   */
  public static ApiKeyClassification requireAllowedIn(Environment env, String keyName, String key) {
    Objects.requireNonNull(env, "env");
    Text.requireNonBlank(keyName, "keyName");
    ApiKeyClassification classification = classify(key);
    boolean production = env == Environment.PRODUCTION;
    if (classification.mode() == ApiKeyMode.LIVE && !production) {
      throw new IllegalStateException(
          describe(keyName, key, classification, env)
              + ": use a test-mode key outside production"
              + (NO_TEST_KEYS.contains(classification.provider())
                  ? " (this provider has no test keys: use a fake or a stub of it)"
                  : "")
              + ", or set "
              + Environment.ENV_VARIABLE
              + "=production if this really is production");
    }
    if (classification.mode() == ApiKeyMode.TEST && production) {
      throw new IllegalStateException(
          describe(keyName, key, classification, env)
              + ": use a live key in production, or set "
              + Environment.ENV_VARIABLE
              + " to staging, test or development if this is not production");
    }
    return classification;
  }

  private static String describe(
      String keyName, String key, ApiKeyClassification classification, Environment env) {
    return "API key "
        + Text.quote(keyName)
        + " ("
        + mask(key)
        + ") is a "
        + classification.mode().name().toLowerCase(Locale.ROOT)
        + " "
        + classification.provider()
        + " "
        + classification.kind()
        + " key, but the environment is "
        + env.name().toLowerCase(Locale.ROOT);
  }

  private static Optional<Rule> match(String key) {
    Objects.requireNonNull(key, "key");
    String stripped = key.strip();
    return RULES.stream().filter(rule -> rule.matches(stripped)).findFirst();
  }

  private static Rule rule(String prefix, String provider, ApiKeyMode mode, String kind) {
    return rule(prefix, null, provider, mode, kind);
  }

  private static Rule rule(
      String prefix, @Nullable Pattern rest, String provider, ApiKeyMode mode, String kind) {
    return new Rule(prefix, rest, new ApiKeyClassification(provider, mode, kind));
  }
}
