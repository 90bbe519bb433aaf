package dev.guardrails.errors.scan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds catch blocks in Java sources that swallow their exception: empty ones, ones that only log
 * at debug or trace (SLF4J {@code debug}, {@code atDebug()}, {@code atLevel(Level.DEBUG)}, JUL
 * {@code fine} or {@code log(Level.FINE, ...)}, and the like), only print the stack trace (to the
 * console or to {@code System.err} or {@code System.out}), only continue or break, or return a
 * success value ({@code true}, {@code null}, an empty result, {@code "ok"}, an OK response). A
 * block that rethrows, logs at info or above, uses the exception in another way, or does anything
 * else (a fallback, an interrupt) is left alone, as is one marked with the comment {@value
 * #ALLOW_MARKER} followed by the reason on the same line ({@code // guardrails:allow-swallow: the
 * cache is optional}); a marker without a reason is itself reported.
 *
 * <p>A lexical scanner: comments, strings, character literals and text blocks (with their escapes)
 * are understood; blocks with nested control flow are not flagged. Sources are read as UTF-8, or as
 * ISO-8859-1 when they are not valid UTF-8. Use it as a test ({@link #assertNone(Path)}) or a build
 * step ({@link #main(String[])}, e.g. through exec-maven-plugin).
 *
 * <p>Stateless and thread-safe.
 */
public final class SwallowedExceptionScanner {

  /** The comment that marks a deliberate swallow; put it in the catch block or on its line. */
  public static final String ALLOW_MARKER = "guardrails:allow-swallow";

  private static final Logger LOG = LoggerFactory.getLogger(SwallowedExceptionScanner.class);
  private static final Set<String> SKIPPED_DIRECTORIES =
      Set.of("target", "build", ".git", "node_modules", ".gradle", ".idea", "out");
  private static final Set<String> QUIET_LEVELS =
      Set.of("trace", "debug", "fine", "finer", "finest");
  private static final Pattern REASON = Pattern.compile("\\p{L}{2,}");
  private static final Pattern CATCH = Pattern.compile("\\bcatch\\s*\\(");
  private static final Pattern LOG_CALL =
      Pattern.compile(
          "^[\\w.]*(?i:log|logger)\\s*\\.\\s*(?i:at)?(?i:(trace|debug|fine|finer|finest|info|warn|warning"
              + "|error|severe|fatal|log|level))\\s*\\(");
  // the level argument of log(Level.FINE, ...) (JUL, Log4j, System.Logger) or atLevel(Level.DEBUG)
  private static final Pattern QUIET_LEVEL_ARGUMENT =
      Pattern.compile(
          "^\\s*(?:[\\w$]+\\s*\\.\\s*)*Level\\s*\\.\\s*(FINE|FINER|FINEST|DEBUG|TRACE)\\b");
  private static final Pattern PRINT =
      Pattern.compile(
          "^(\\w+\\s*\\.\\s*printStackTrace\\s*\\(\\s*(System\\s*\\.\\s*(out|err)\\s*)?\\)|System\\s*\\.\\s*(out|err)\\s*\\.\\s*print\\w*\\s*\\()");
  private static final Pattern SUCCESS_RETURN =
      Pattern.compile(
          "^return\\s*(true|null|0|0L|\"(?i:ok|success|done|)\"|Optional\\s*\\.\\s*empty\\s*\\(\\s*\\)"
              + "|(List|Set|Map)\\s*\\.\\s*of\\s*\\(\\s*\\)|Collections\\s*\\.\\s*empty\\w*\\s*\\(\\s*\\)"
              + "|(ResponseEntity|Response|Results?|HttpResponse)\\s*\\.\\s*(ok|success|noContent)\\s*\\(.*"
              + "|(ok|success)\\s*\\(.*|HttpStatus\\s*\\.\\s*OK|200|Boolean\\s*\\.\\s*TRUE)?\\s*$",
          Pattern.DOTALL);

  private SwallowedExceptionScanner() {}

  /**
   * Scans every {@code .java} file under a directory, skipping build output and VCS directories.
   *
   * @param root a source directory or a single file
   * @return the findings, ordered by file and line
   * @throws UncheckedIOException if a file cannot be read
   * @throws NullPointerException if the root is null
   */
  public static List<Finding> scan(Path root) {
    Objects.requireNonNull(root, "root");
    List<Finding> findings = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      List<Path> sources =
          files
              .filter(p -> p.toString().endsWith(".java") && Files.isRegularFile(p))
              .filter(p -> !isSkipped(root.relativize(p)))
              .sorted()
              .toList();
      for (Path source : sources) {
        findings.addAll(scanSource(source.toString(), read(source)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("sources under " + root + " could not be scanned", e);
    }
    return findings;
  }

  /**
   * Scans one Java source.
   *
   * @param file the file name to report
   * @param source the source text
   * @return the findings, ordered by line
   * @throws NullPointerException if an argument is null
   */
  public static List<Finding> scanSource(String file, String source) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(source, "source");
    String code = blankCommentsAndLiterals(source);
    List<Finding> findings = new ArrayList<>();
    Matcher m = CATCH.matcher(code);
    // catches are found in order, so the line count only moves forward: linear in the source
    int line = 1;
    int counted = 0;
    while (m.find()) {
      int close = matching(code, m.end() - 1, '(', ')');
      if (close < 0) {
        continue;
      }
      int open = skipWhitespace(code, close + 1);
      if (open >= code.length() || code.charAt(open) != '{') {
        continue;
      }
      int end = matching(code, open, '{', '}');
      if (end < 0) {
        continue;
      }
      int lineStart = source.lastIndexOf('\n', m.start()) + 1;
      int lineEnd = source.indexOf('\n', m.start());
      String catchLine = source.substring(lineStart, lineEnd < 0 ? source.length() : lineEnd);
      Finding.Kind kind;
      String block = source.substring(open, end);
      if (block.contains(ALLOW_MARKER) || catchLine.contains(ALLOW_MARKER)) {
        boolean reasoned = block.contains(ALLOW_MARKER) ? hasReason(block) : hasReason(catchLine);
        kind = reasoned ? null : Finding.Kind.ALLOWED_WITHOUT_REASON;
      } else {
        kind = classify(code.substring(open + 1, end), source.substring(open + 1, end));
      }
      if (kind != null) {
        for (; counted < m.start(); counted++) {
          if (source.charAt(counted) == '\n') {
            line++;
          }
        }
        findings.add(new Finding(file, line, kind, catchLine.trim()));
      }
    }
    return findings;
  }

  /**
   * Fails if any catch block under the directory swallows its exception.
   *
   * @param root a source directory
   * @throws AssertionError listing every finding, if there is one
   * @throws UncheckedIOException if a file cannot be read
   */
  public static void assertNone(Path root) {
    List<Finding> findings = scan(root);
    if (!findings.isEmpty()) {
      StringBuilder message =
          new StringBuilder(findings.size() + " swallowed exception(s) under " + root + ":");
      for (Finding finding : findings) {
        message.append(System.lineSeparator()).append("  ").append(finding);
      }
      throw new AssertionError(message.toString());
    }
  }

  /**
   * Build step: scans each directory given (default {@code src/main/java}), logs every finding at
   * ERROR and fails if there is one.
   *
   * @param args source directories
   * @throws IllegalStateException if a swallowed exception is found, so the build fails
   */
  public static void main(String[] args) {
    List<String> roots = args.length == 0 ? List.of("src/main/java") : List.of(args);
    int total = 0;
    for (String root : roots) {
      for (Finding finding : scan(Path.of(root))) {
        LOG.error("swallowed exception: {}", finding);
        total++;
      }
    }
    if (total > 0) {
      throw new IllegalStateException(total + " swallowed exception(s) found in " + roots);
    }
    LOG.info("no swallowed exceptions in {}", roots);
  }

  /**
   * Reads a source as UTF-8, or as ISO-8859-1 if it is not valid UTF-8 (an older code base, or a
   * file saved by an editor set to Latin-1): every byte is then a character, so the scan still sees
   * each catch block and each line.
   */
  static String read(Path source) throws IOException {
    byte[] bytes = Files.readAllBytes(source);
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException notUtf8) {
      LOG.debug("{} is not valid UTF-8 ({}); read as ISO-8859-1", source, notUtf8.toString());
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
  }

  private static boolean isSkipped(Path relative) {
    for (Path part : relative) {
      if (SKIPPED_DIRECTORIES.contains(part.toString())) {
        return true;
      }
    }
    return false;
  }

  private static Finding.@Nullable Kind classify(String body, String original) {
    if (body.indexOf('{') >= 0) {
      return null;
    }
    boolean success = false;
    boolean quietLog = false;
    boolean printed = false;
    boolean loop = false;
    int offset = 0;
    for (String statement : body.split(";", -1)) {
      String code = statement.trim();
      String text = original.substring(offset, offset + statement.length()).trim();
      offset += statement.length() + 1;
      if (code.isEmpty()) {
        continue;
      }
      if (code.startsWith("throw ") || code.startsWith("throw(")) {
        return null;
      }
      Matcher log = LOG_CALL.matcher(code);
      if (log.find()) {
        String level = log.group(1).toLowerCase(Locale.ROOT);
        boolean quiet =
            (level.equals("log") || level.equals("level"))
                ? QUIET_LEVEL_ARGUMENT.matcher(code).region(log.end(), code.length()).find()
                : QUIET_LEVELS.contains(level);
        if (quiet) {
          quietLog = true;
          continue;
        }
        return null;
      }
      if (PRINT.matcher(code).find()) {
        printed = true;
        continue;
      }
      if (code.equals("continue") || code.equals("break")) {
        loop = true;
        continue;
      }
      if (code.equals("return") || SUCCESS_RETURN.matcher(text).matches()) {
        success = true;
        continue;
      }
      return null;
    }
    if (success) {
      return Finding.Kind.RETURNS_SUCCESS;
    }
    if (quietLog) {
      return Finding.Kind.LOGGED_AT_DEBUG_ONLY;
    }
    if (printed) {
      return Finding.Kind.PRINTED_ONLY;
    }
    if (loop) {
      return Finding.Kind.IGNORED;
    }
    return Finding.Kind.EMPTY_CATCH;
  }

  /**
   * Whether every allow marker in the text is followed by a reason on its line: some word after the
   * marker and its punctuation, before the line or the comment ends.
   */
  static boolean hasReason(String text) {
    for (int at = text.indexOf(ALLOW_MARKER); at >= 0; at = text.indexOf(ALLOW_MARKER, at + 1)) {
      int from = at + ALLOW_MARKER.length();
      int lineEnd = text.indexOf('\n', from);
      String rest = text.substring(from, lineEnd < 0 ? text.length() : lineEnd);
      int commentEnd = rest.indexOf("*/");
      if (commentEnd >= 0) {
        rest = rest.substring(0, commentEnd);
      }
      if (!REASON.matcher(rest).find()) {
        return false;
      }
    }
    return true;
  }

  private static int skipWhitespace(String code, int from) {
    int i = from;
    while (i < code.length() && Character.isWhitespace(code.charAt(i))) {
      i++;
    }
    return i;
  }

  private static int matching(String code, int open, char openChar, char closeChar) {
    int depth = 0;
    for (int i = open; i < code.length(); i++) {
      char c = code.charAt(i);
      if (c == openChar) {
        depth++;
      } else if (c == closeChar) {
        depth--;
        if (depth == 0) {
          return i;
        }
      }
    }
    return -1;
  }

  /**
   * Returns the source with comments replaced by spaces and the contents of string, character and
   * text-block literals replaced by spaces, keeping every offset and line break.
   */
  static String blankCommentsAndLiterals(String source) {
    char[] out = source.toCharArray();
    int i = 0;
    int n = out.length;
    while (i < n) {
      char c = source.charAt(i);
      char next = i + 1 < n ? source.charAt(i + 1) : '\0';
      if (c == '/' && next == '/') {
        while (i < n && source.charAt(i) != '\n') {
          out[i++] = ' ';
        }
      } else if (c == '/' && next == '*') {
        int end = source.indexOf("*/", i + 2);
        int stop = end < 0 ? n : end + 2;
        for (; i < stop; i++) {
          if (out[i] != '\n') {
            out[i] = ' ';
          }
        }
      } else if (c == '"' && source.startsWith("\"\"\"", i)) {
        // a text block ends at the first """ that is not escaped; an escape is a backslash and the
        // character after it, so \\""" ends the block while \""" does not
        int j = i + 3;
        while (j < n && !source.startsWith("\"\"\"", j)) {
          j += source.charAt(j) == '\\' ? 2 : 1;
        }
        int stop = Math.min(j, n);
        for (i += 3; i < stop; i++) {
          if (out[i] != '\n') {
            out[i] = ' ';
          }
        }
        i = Math.min(n, stop + 3);
      } else if (c == '"' || c == '\'') {
        i++;
        while (i < n && source.charAt(i) != c && source.charAt(i) != '\n') {
          if (source.charAt(i) == '\\' && i + 1 < n) {
            out[i++] = ' ';
          }
          out[i++] = ' ';
        }
        i++;
      } else {
        i++;
      }
    }
    return new String(out);
  }
}
