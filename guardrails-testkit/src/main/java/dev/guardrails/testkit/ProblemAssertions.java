package dev.guardrails.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opentest4j.AssertionFailedError;

/**
 * JUnit assertions that an endpoint answered a bad request the way the error boundary promises: a
 * 4xx RFC 9457 problem ({@code application/problem+json}) whose text leaks nothing internal — no
 * stack trace, exception class name, SQL, database error message (e.g. PostgreSQL's {@code
 * duplicate key value violates unique constraint}, which quotes schema names and row values), file
 * path, token or library name. The body is checked as sent and with its JSON escapes decoded; the
 * response headers' values are checked too.
 *
 * <p>Stateless and thread-safe.
 */
public final class ProblemAssertions {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** How many layers of JSON escaping are decoded when looking for a leak. */
  private static final int UNESCAPE_ROUNDS = 3;

  /** What must never reach a problem, each with the reason shown when it does. */
  private static final List<Leak> LEAKS =
      List.of(
          new Leak("a stack frame", Pattern.compile("\\bat [\\w$]+(\\.[\\w$]+)+\\(")),
          new Leak("a source file reference", Pattern.compile("\\w+\\.(java|kt|scala):\\d+")),
          new Leak(
              "an exception class name",
              Pattern.compile("\\b[\\w$]+(\\.[\\w$]+)*(Exception|Error)\\b")),
          new Leak(
              "a Java package name",
              Pattern.compile("\\b(java|javax|jakarta|com|org|dev|io|net)\\.[a-z_]+\\.[a-zA-Z_]")),
          new Leak(
              "SQL",
              Pattern.compile(
                  "\\bSELECT\\s.+\\sFROM\\s|\\bINSERT\\s+INTO\\b|\\bUPDATE\\s+\\w+\\s+SET\\b"
                      + "|\\bDELETE\\s+FROM\\b|(?i)\\bwhere\\s+[\\w.]+\\s*=\\s*['?$:\\d]")),
          new Leak(
              "a database error code", Pattern.compile("(?i)\\bSQL[ _]?STATE\\b|\\bORA-\\d{5}\\b")),
          new Leak(
              "a PostgreSQL error message",
              Pattern.compile(
                  "\\b(?:ERROR|FATAL|PANIC):\\s+\\S"
                      + "|\\bduplicate key value\\b"
                      + "|\\bviolates (?:unique|foreign key|check|not-null|exclusion) constraint\\b"
                      + "|\\bviolates row-level security policy\\b"
                      + "|\\b(?:relation|column|schema|function|constraint|index|sequence|role"
                      + "|database|table|type|operator|trigger|view) \"[^\"]*\""
                      + " (?:does not exist|already exists|is ambiguous|of relation)"
                      + "|\\bnull value in column \""
                      + "|\\bsyntax error at or near\\b"
                      + "|\\bpermission denied for (?:table|relation|schema|sequence|function"
                      + "|database|view)\\b"
                      + "|\\bKey \\([^)]*\\)=\\("
                      + "|\\bcurrent transaction is aborted\\b"
                      + "|\\bcould not serialize access\\b"
                      + "|\\bdeadlock detected\\b"
                      + "|\\binvalid input syntax for\\b"
                      + "|\\bvalue too long for type\\b"
                      + "|\\bcanceling statement due to\\b"
                      + "|\\bPSQLException\\b|\\borg\\.postgresql\\b")),
          new Leak(
              "a file path",
              Pattern.compile("(?<![\\w/])/(home|usr|var|tmp|etc|opt|srv)/\\S+|[A-Z]:\\\\\\S+")),
          new Leak("a JSON Web Token", Pattern.compile("eyJ[\\w-]{8,}\\.[\\w-]{8,}")),
          new Leak(
              "an API key",
              Pattern.compile(
                  "\\b(sk|rk)_(live|test)_\\w{8,}|\\bsk-(proj-|ant-)?[\\w-]{16,}|AKIA[0-9A-Z]{16}")),
          new Leak("a Jackson message", Pattern.compile("(?i)jackson|JsonNode|MismatchedInput")));

  private record Leak(String what, Pattern pattern) {}

  private ProblemAssertions() {}

  /**
   * Asserts that the exchange is a 4xx problem that leaks no internals, and returns the problem.
   *
   * @param exchange what the endpoint answered
   * @return the parsed problem body, for further assertions
   * @throws AssertionFailedError naming what was wrong: the status, the content type, a missing
   *     member, or the leak and where it was found
   */
  public static JsonNode assertSafeClientProblem(HttpExchange exchange) {
    Objects.requireNonNull(exchange, "exchange");
    if (exchange.status() < 400 || exchange.status() > 499) {
      throw new AssertionFailedError(
          "expected a 4xx status for a bad request, but was "
              + exchange.status()
              + " with body: "
              + abbreviate(exchange.body()));
    }
    return assertSafeProblem(exchange);
  }

  /**
   * Asserts that the exchange is a problem of any status that leaks no internals, and returns it.
   *
   * @param exchange what the endpoint answered
   * @return the parsed problem body
   * @throws AssertionFailedError naming what was wrong
   */
  public static JsonNode assertSafeProblem(HttpExchange exchange) {
    Objects.requireNonNull(exchange, "exchange");
    String mediaType = exchange.contentType().split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!mediaType.equals("application/problem+json")) {
      throw new AssertionFailedError(
          "expected Content-Type application/problem+json, but was '"
              + exchange.contentType()
              + "'");
    }
    JsonNode problem;
    try {
      problem = MAPPER.readTree(exchange.body());
    } catch (JsonProcessingException e) {
      throw new AssertionFailedError(
          "expected a JSON problem body, but it does not parse: " + abbreviate(exchange.body()), e);
    }
    if (problem == null || !problem.isObject()) {
      throw new AssertionFailedError(
          "expected a JSON object as problem body, but was: " + abbreviate(exchange.body()));
    }
    for (String member : List.of("type", "title", "status")) {
      if (!problem.hasNonNull(member)) {
        throw new AssertionFailedError(
            "problem lacks the RFC 9457 member '" + member + "': " + abbreviate(exchange.body()));
      }
    }
    if (problem.get("status").asInt() != exchange.status()) {
      throw new AssertionFailedError(
          "problem status "
              + problem.get("status")
              + " differs from the HTTP status "
              + exchange.status());
    }
    find(exchange.body(), "the body");
    for (Map.Entry<String, List<String>> header : exchange.headers().entrySet()) {
      for (String value : header.getValue()) {
        find(value, "the header '" + header.getKey() + "'");
      }
    }
    return problem;
  }

  /**
   * Asserts that a text meant for an end user holds nothing internal, as it is and with its JSON
   * escapes decoded.
   *
   * @param text the text, e.g. a problem's {@code detail}
   * @throws AssertionFailedError naming the leak and quoting it
   */
  public static void assertNoLeak(String text) {
    Objects.requireNonNull(text, "text");
    find(text, "the text");
  }

  /**
   * Fails on the first leak in the text as it is or in the text with its JSON escapes decoded (up
   * to {@value #UNESCAPE_ROUNDS} times, for JSON quoted inside JSON): an escaped leak such as a
   * newline and tab before {@code at com.acme.Foo.bar(}, a quote written as a Unicode escape or an
   * escaped slash hides from the patterns until it is decoded, and a client decodes it.
   */
  private static void find(String text, String where) {
    String candidate = text;
    for (int round = 0; round <= UNESCAPE_ROUNDS; round++) {
      for (Leak leak : LEAKS) {
        Matcher matcher = leak.pattern().matcher(candidate);
        if (matcher.find()) {
          throw new AssertionFailedError(
              "response leaks "
                  + leak.what()
                  + (round == 0 ? "" : " (JSON-escaped)")
                  + " in "
                  + where
                  + ": '"
                  + abbreviate(matcher.group())
                  + "' in: "
                  + abbreviate(text));
        }
      }
      String unescaped = unescapeJson(candidate);
      if (unescaped.equals(candidate)) {
        return;
      }
      candidate = unescaped;
    }
  }

  /** Decodes JSON string escapes wherever they are; anything that is not one stays as it is. */
  private static String unescapeJson(String text) {
    if (text.indexOf('\\') < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c != '\\' || i + 1 == text.length()) {
        out.append(c);
        i++;
        continue;
      }
      char next = text.charAt(i + 1);
      String simple =
          switch (next) {
            case 'n' -> "\n";
            case 't' -> "\t";
            case 'r' -> "\r";
            case 'b' -> "\b";
            case 'f' -> "\f";
            case '"' -> "\"";
            case '/' -> "/";
            case '\\' -> "\\";
            default -> "";
          };
      if (!simple.isEmpty()) {
        out.append(simple);
        i += 2;
      } else if (next == 'u' && i + 6 <= text.length() && isHex(text, i + 2, i + 6)) {
        out.append((char) Integer.parseInt(text.substring(i + 2, i + 6), 16));
        i += 6;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static boolean isHex(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      if (Character.digit(text.charAt(i), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  private static String abbreviate(String text) {
    return text.length() <= 300 ? text : text.substring(0, 300) + "… (" + text.length() + " chars)";
  }
}
