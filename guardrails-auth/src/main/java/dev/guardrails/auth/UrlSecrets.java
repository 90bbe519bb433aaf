package dev.guardrails.auth;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Removes the credentials ({@code user:password@}) and the query (which may hold an API key) of
 * every URL in a text bound for a log line or an event, such as a key source's error message, which
 * quotes the JWKS URL.
 */
final class UrlSecrets {

  /**
   * The authority's user info runs to its last {@code @}: a password may hold a raw {@code @} (then
   * only the part after it would be removed), and an {@code @} in the query or the fragment is not
   * user info (then the host and the start of the query would be removed instead).
   */
  private static final Pattern USER_INFO =
      Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/?#\\s]*@");

  private static final Pattern QUERY =
      Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://[^\\s?#]*)\\?[^\\s#]*");

  private UrlSecrets() {}

  /**
   * Returns the text with every URL's credentials and query removed.
   *
   * @param text the text, or null
   * @return the text without URL secrets; {@code "no reason given"} for null
   */
  static String redact(@Nullable String text) {
    if (text == null) {
      return "no reason given";
    }
    String withoutUserInfo = USER_INFO.matcher(text).replaceAll("$1");
    return QUERY.matcher(withoutUserInfo).replaceAll("$1?(query removed)");
  }
}
