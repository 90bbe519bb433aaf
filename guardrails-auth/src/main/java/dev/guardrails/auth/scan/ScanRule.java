package dev.guardrails.auth.scan;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One kind of secret the {@link SecretScanner} looks for: an id, a description and a bounded
 * regular expression, optionally followed by a check of each match (a JWT is decoded to tell a
 * Supabase {@code service_role} key from the public {@code anon} key).
 *
 * <p>A rule's pattern must only match text of bounded length (at most {@value #MAX_MATCH_LENGTH}
 * characters), because files are scanned in overlapping chunks. Immutable and thread-safe.
 */
public final class ScanRule {

  /** The longest text a rule's pattern may match; matches are found across chunk boundaries. */
  public static final int MAX_MATCH_LENGTH = 2048;

  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

  private static final Set<String> PLACEHOLDER_PASSWORDS =
      Set.of("password", "pass", "changeme", "xxx", "xxxx", "example");

  private static final Pattern PRIVATE_KEY_HEADER =
      Pattern.compile(
          "-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----");

  /** {@code "-----BEGIN"} in base64: how a PEM block starts once encoded (Kubernetes secrets). */
  private static final String BASE64_BEGIN = "LS0tLS1CRUdJTi";

  /**
   * A slash, or a slash escaped as JSON and some minifiers write it ({@code \/}), so that a URL in
   * a JSON string ({@code "postgres:\/\/app:pw@db\/app"}) is found as well.
   */
  private static final String SLASH = "(?:/|\\\\/)";

  /**
   * How the secrets most often hard-coded start, each as the first characters of its base64
   * encoding: a secret base64-encoded to hide it ({@code atob("c2tfbGl2ZV8...")}), or as a
   * Kubernetes secret holds it, begins a base64 string with one of these. Each costs the scanner a
   * pass over the text, so rarer forms (GitHub OAuth and app tokens, IAM ids other than access
   * keys, less common database schemes) are left out.
   */
  static final List<String> ENCODED_SECRET_STARTS =
      Stream.of(
              "sk-",
              "sk_",
              "rk_",
              "AKIA",
              "ASIA",
              "ghp_",
              "github_pat_",
              "AIza",
              "xox",
              "sb_secret_",
              "eyJ",
              "postgres",
              "mysql",
              "mongodb",
              "redis")
          .map(ScanRule::base64Start)
          .toList();

  private static final Pattern SERVICE_ROLE = Pattern.compile("\"role\"\\s*:\\s*\"service_role\"");

  private static final List<ScanRule> DEFAULTS =
      List.of(
          new ScanRule(
              "openai-api-key",
              "OpenAI API key",
              Pattern.compile(
                  "(?<![A-Za-z0-9_-])sk-(?:(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{40,400}"
                      + "|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}|[A-Za-z0-9]{48})(?![A-Za-z0-9_-])"),
              match -> true,
              0,
              "sk-"),
          new ScanRule(
              "anthropic-api-key",
              "Anthropic API key",
              Pattern.compile("(?<![A-Za-z0-9_-])sk-ant-(?:api|admin)\\d{2}-[A-Za-z0-9_-]{32,300}"),
              match -> true,
              0,
              "sk-ant-"),
          new ScanRule(
              "stripe-secret-key",
              "Stripe secret key",
              Pattern.compile("(?<![A-Za-z0-9_])sk_(?:live|test)_[A-Za-z0-9]{16,247}"),
              match -> true,
              0,
              "sk_"),
          new ScanRule(
              "stripe-restricted-key",
              "Stripe restricted key",
              Pattern.compile("(?<![A-Za-z0-9_])rk_(?:live|test)_[A-Za-z0-9]{16,247}"),
              match -> true,
              0,
              "rk_"),
          new ScanRule(
              "aws-access-key-id",
              "AWS access key id",
              Pattern.compile(
                  "(?<![A-Z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{16}(?![A-Z0-9])"),
              match -> true,
              0,
              "AKIA",
              "ASIA",
              "AGPA",
              "AIDA",
              "AROA",
              "ANPA"),
          new ScanRule(
              "github-token",
              "GitHub token",
              Pattern.compile(
                  "(?<![A-Za-z0-9_])(?:(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,255}"
                      + "|github_pat_[A-Za-z0-9_]{60,255})"),
              match -> true,
              0,
              "ghp_",
              "gho_",
              "ghu_",
              "ghs_",
              "ghr_",
              "github_pat_"),
          new ScanRule(
              "google-api-key",
              "Google API key",
              Pattern.compile("(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])"),
              match -> true,
              0,
              "AIza"),
          new ScanRule(
              "slack-token",
              "Slack token or webhook",
              Pattern.compile(
                  "(?<![A-Za-z0-9-])xox[abposr]-[A-Za-z0-9-]{10,250}"
                      + "|https:"
                      + SLASH
                      + SLASH
                      + "hooks\\.slack\\.com"
                      + SLASH
                      + "services"
                      + SLASH
                      + "T[A-Z0-9]{6,20}"
                      + SLASH
                      + "B[A-Z0-9]{6,20}"
                      + SLASH
                      + "[A-Za-z0-9]{20,40}"),
              match -> true,
              10, // from the anchor back to the start of https:\/\/, as escaped in JSON
              "xox",
              "hooks.slack.com"),
          new ScanRule(
              "private-key",
              "private key block (also base64-encoded, as in a Kubernetes secret)",
              Pattern.compile(
                  PRIVATE_KEY_HEADER.pattern() + "|" + BASE64_BEGIN + "[A-Za-z0-9+/]{20,60}"),
              ScanRule::isPrivateKeyBlock,
              0,
              "-----BEGIN ",
              BASE64_BEGIN),
          new ScanRule(
              "database-url-with-password",
              "database URL with a password",
              Pattern.compile(
                  "(?i)(?<![a-z0-9+])(?:jdbc:)?(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\\+srv)?"
                      + "|rediss?|amqps?|sqlserver|mssql|oracle:thin):"
                      + SLASH
                      + SLASH
                      // user:password@host, the user may be empty (redis://:password@host)
                      + "(?:[^\\s:/@'\"`]{0,128}:([^\\s@'\"`/]{1,256})@[^\\s'\"`]{1,256}"
                      // or a password parameter, after any others (?user=app&password=...)
                      + "|[^\\s'\"`]{1,256}?[?&;]password=([^&;\\s'\"`]{1,256}))"),
              ScanRule::hasRealPassword,
              24,
              "://",
              ":\\/\\/"),
          new ScanRule(
              "supabase-secret-key",
              "Supabase secret key",
              Pattern.compile("(?<![A-Za-z0-9_])sb_secret_[A-Za-z0-9_-]{20,200}"),
              match -> true,
              0,
              "sb_secret_"),
          new ScanRule(
              "supabase-service-role-key",
              "Supabase service_role JWT (the anon key is public and ignored)",
              Pattern.compile(
                  "(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,512}\\.eyJ[A-Za-z0-9_-]{8,1024}"
                      + "\\.[A-Za-z0-9_-]{16,400}"),
              ScanRule::isServiceRoleJwt,
              0,
              "eyJ"));

  private final String id;
  private final String description;
  private final Pattern pattern;
  private final Predicate<Matcher> accept;
  private final int back;
  private final List<String> anchors;

  private ScanRule(
      String id,
      String description,
      Pattern pattern,
      Predicate<Matcher> accept,
      int back,
      String... anchors) {
    this.id = id;
    this.description = description;
    this.pattern = pattern;
    this.accept = accept;
    this.back = back;
    this.anchors = List.of(anchors);
  }

  /**
   * Returns a custom rule that reports every match of the pattern.
   *
   * @param id a stable id in lower case, digits and dashes, e.g. {@code acme-api-key}
   * @param description what the rule finds, for reports
   * @param regex a pattern that matches at most {@value #MAX_MATCH_LENGTH} characters (bound every
   *     repetition)
   * @return the rule
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the id is malformed, the description blank or the regex
   *     invalid
   */
  public static ScanRule of(String id, String description, String regex) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(regex, "regex");
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "rule id must be lower case letters, digits and dashes, but was '" + id + "'");
    }
    if (description.isBlank()) {
      throw new IllegalArgumentException("rule description must not be blank");
    }
    return new ScanRule(id, description, Pattern.compile(regex), match -> true, 0);
  }

  /**
   * Returns the built-in rules: OpenAI, Anthropic, Stripe secret and restricted keys, AWS access
   * key ids, GitHub tokens, Google API keys, Slack tokens and webhooks, private key blocks (plain
   * or base64-encoded), database URLs with passwords, Supabase secret keys and Supabase {@code
   * service_role} JWTs. Publishable keys ({@code pk_...}, {@code sb_publishable_...}) and the
   * Supabase {@code anon} JWT are public by design and not reported.
   *
   * @return an immutable list of the built-in rules
   */
  public static List<ScanRule> defaults() {
    return DEFAULTS;
  }

  /** {@return the rule's stable id, e.g. {@code stripe-secret-key}} */
  public String id() {
    return id;
  }

  /** {@return what the rule finds} */
  public String description() {
    return description;
  }

  Pattern pattern() {
    return pattern;
  }

  /**
   * Literal texts every match contains; the scanner runs the pattern only around them. Empty for
   * custom rules, which are run over the whole text.
   */
  List<String> anchors() {
    return anchors;
  }

  /** How far before an anchor a match may start. */
  int back() {
    return back;
  }

  boolean accepts(Matcher match) {
    return accept.test(match);
  }

  @Override
  public String toString() {
    return "ScanRule[" + id + "]";
  }

  private static boolean hasRealPassword(Matcher match) {
    String password = match.group(1) != null ? match.group(1) : match.group(2);
    if (password == null || password.isEmpty()) {
      return false;
    }
    String lower = password.toLowerCase(Locale.ROOT);
    return !PLACEHOLDER_PASSWORDS.contains(lower)
        && password.indexOf('$') < 0
        && password.indexOf('{') < 0
        && password.indexOf('<') < 0
        && password.indexOf('*') < 0
        && !lower.startsWith("%s");
  }

  /** The characters of a text's base64 encoding that depend on the text alone. */
  private static String base64Start(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    return Base64.getEncoder().encodeToString(bytes).substring(0, bytes.length * 8 / 6);
  }

  /** A PEM private key header, or base64 that decodes to one (and not to a certificate). */
  private static boolean isPrivateKeyBlock(Matcher match) {
    String text = match.group();
    if (!text.startsWith(BASE64_BEGIN)) {
      return true;
    }
    byte[] decoded = Base64.getDecoder().decode(text.substring(0, text.length() & ~3));
    return PRIVATE_KEY_HEADER.matcher(new String(decoded, StandardCharsets.ISO_8859_1)).lookingAt();
  }

  private static boolean isServiceRoleJwt(Matcher match) {
    String token = match.group();
    int first = token.indexOf('.');
    int second = token.indexOf('.', first + 1);
    try {
      byte[] payload = Base64.getUrlDecoder().decode(token.substring(first + 1, second));
      return SERVICE_ROLE.matcher(new String(payload, StandardCharsets.UTF_8)).find();
    } catch (IllegalArgumentException notBase64) {
      return false;
    }
  }
}
