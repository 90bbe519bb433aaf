package dev.guardrails.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opentest4j.AssertionFailedError;

/**
 * JUnit assertions that an endpoint answered a bad request the way the error boundary promises: a
 * 4xx RFC 9457 problem ({@code application/problem+json}) whose text leaks nothing internal — no
 * stack trace, exception class name, SQL, file path, token or library name.
 *
 * <p>Stateless and thread-safe.
 */
public final class ProblemAssertions {

  private static final ObjectMapper MAPPER = new ObjectMapper();

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
          new Leak("a database error code", Pattern.compile("(?i)\\bSQLSTATE\\b|\\bORA-\\d{5}\\b")),
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
    assertNoLeak(exchange.body());
    return problem;
  }

  /**
   * Asserts that a text meant for an end user holds nothing internal.
   *
   * @param text the text, e.g. a problem's {@code detail}
   * @throws AssertionFailedError naming the leak and quoting it
   */
  public static void assertNoLeak(String text) {
    Objects.requireNonNull(text, "text");
    for (Leak leak : LEAKS) {
      Matcher matcher = leak.pattern().matcher(text);
      if (matcher.find()) {
        throw new AssertionFailedError(
            "response leaks "
                + leak.what()
                + ": '"
                + abbreviate(matcher.group())
                + "' in: "
                + abbreviate(text));
      }
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= 300 ? text : text.substring(0, 300) + "… (" + text.length() + " chars)";
  }
}
