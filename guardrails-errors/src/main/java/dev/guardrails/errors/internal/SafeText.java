package dev.guardrails.errors.internal;

import java.util.regex.Pattern;

/**
 * Decides whether text may reach an end user: it must not look like a stack trace, a class name, a
 * file path, SQL, a URL with credentials, a token or a secret. Used as a last line of defence on
 * every detail that goes into a problem, whatever its source.
 *
 * <p>Stateless and thread-safe.
 */
public final class SafeText {

  /** The longest detail shown to an end user. */
  public static final int MAX_DETAIL = 500;

  private static final String SECRET_PATTERN =
      String.join(
          "|",
          // URLs with credentials, JWTs, bearer tokens, keys and secrets
          "(?i)\\b[a-z][a-z0-9+.-]*://[^\\s/]*@",
          "\\beyJ[\\w-]{5,}\\.[\\w-]{5,}",
          "(?i)\\bbearer\\s+[\\w.~+/=-]{8,}",
          "(?i)\\b(sk|pk|rk)[_-](live|test|proj)[_-]?\\w{6,}",
          "\\b(AKIA|ASIA)[A-Z0-9]{12,}",
          "\\bgh[pousr]_\\w{20,}",
          "\\bxox[abpr]-[\\w-]{8,}",
          "-----BEGIN",
          "(?i)\\b(password|passwd|pwd|credential)s?\\s*(=|:(?=\\S))",
          "(?i)\\b(secret|api[_-]?key|access[_-]?token|refresh[_-]?token|private[_-]?key"
              + "|client[_-]?secret)s?\\s*[=:]",
          // long runs of hex or base64, as keys and hashes look
          "\\b[A-Fa-f0-9]{32,}\\b",
          "[A-Za-z0-9+/_-]{40,}");

  private static final Pattern SECRET = Pattern.compile(SECRET_PATTERN);

  private static final Pattern UNSAFE =
      Pattern.compile(
          String.join(
              "|",
              // a stack frame or a caused-by line
              "\\bat\\s+[\\w$.]+\\([^)]*\\)",
              "(?i)caused by:",
              // a fully qualified class name: two or more lower case segments, then a type
              "\\b[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)+\\.[A-Z][\\w$]*",
              // a JDK or library exception name on its own
              "\\b[A-Z][\\w$]*(Exception|Error)\\b",
              // file paths, Unix and Windows, and source files
              "(^|[\\s'\"(=:])/(?:[\\w.\\-]+/)+[\\w.\\-]*",
              "\\b[A-Za-z]:\\\\",
              "\\b[\\w$]+\\.(java|kt|class|jar|py|sql|xml|properties|yml|yaml|conf)\\b",
              // SQL and database errors
              "(?i)\\b(select\\b[\\s\\S]*\\bfrom|insert\\s+into|update\\b[\\s\\S]*\\bset|delete\\s+from"
                  + "|drop\\s+table|create\\s+table|alter\\s+table)\\b",
              "(?i)\\b(sqlstate|ora-\\d{4,5}|psql|jdbc:|constraint\\s+\\S+\\s+violat)",
              SECRET_PATTERN));

  private SafeText() {}

  /**
   * Returns whether the text may be shown to an end user as is.
   *
   * @param text the candidate text
   * @return false if it is blank, too long, contains a control character or looks internal
   */
  public static boolean isSafeForUsers(String text) {
    if (text.isBlank() || text.length() > MAX_DETAIL) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
        return false;
      }
    }
    return !UNSAFE.matcher(text).find();
  }

  /**
   * Returns whether the text contains something that looks like a secret: a token, a key, a
   * credential or a long run of hex or base64.
   *
   * @param text the candidate text
   * @return true if it looks like it holds a secret
   */
  public static boolean looksSecret(String text) {
    return SECRET.matcher(text).find();
  }
}
