package dev.guardrails.testkit;

import dev.guardrails.auth.scan.Finding;
import dev.guardrails.auth.scan.SecretScanner;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.opentest4j.AssertionFailedError;

/**
 * One-line JUnit assertions that a build output, a static bundle or a source tree holds no secret
 * key, using guardrails-auth's {@link SecretScanner} (directories, files and archives such as jars,
 * recursively):
 *
 * <pre>{@code
 * @Test
 * void bundle_containsNoSecrets() {
 *   SecretAssertions.assertNoSecretsIn(Path.of("target/classes/static"));
 * }
 * }</pre>
 *
 * <p>The failure message lists every finding as file, line, column, rule and a masked excerpt; it
 * never contains a secret. Thread-safe.
 */
public final class SecretAssertions {

  private static final int MAX_LISTED = 50;

  private SecretAssertions() {}

  /**
   * Asserts that the built-in scanner rules find no secret under the path.
   *
   * @param path a file, directory or archive
   * @throws NullPointerException if the path is null
   * @throws IllegalArgumentException if the path does not exist
   * @throws java.io.UncheckedIOException if a file cannot be read
   * @throws AssertionFailedError if a secret is found; the message lists the findings, masked
   */
  public static void assertNoSecretsIn(Path path) {
    assertNoSecretsIn(path, SecretScanner.withDefaults());
  }

  /**
   * Asserts that the given scanner finds no secret under the path; use it with a scanner that has
   * extra rules or a rule disabled for a deliberate fixture.
   *
   * @param path a file, directory or archive
   * @param scanner the scanner
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the path does not exist
   * @throws java.io.UncheckedIOException if a file cannot be read
   * @throws AssertionFailedError if a secret is found; the message lists the findings, masked
   */
  public static void assertNoSecretsIn(Path path, SecretScanner scanner) {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(scanner, "scanner");
    List<Finding> findings = scanner.scan(path);
    if (findings.isEmpty()) {
      return;
    }
    StringBuilder message =
        new StringBuilder()
            .append(findings.size())
            .append(findings.size() == 1 ? " secret" : " secrets")
            .append(" found in ")
            .append(path)
            .append(" (file:line:column rule excerpt):");
    for (int i = 0; i < Math.min(findings.size(), MAX_LISTED); i++) {
      message.append("\n  ").append(findings.get(i));
    }
    if (findings.size() > MAX_LISTED) {
      message.append("\n  ... and ").append(findings.size() - MAX_LISTED).append(" more");
    }
    message.append(
        "\nrotate each key, then remove it from the files and load it from the server's secret store");
    throw new AssertionFailedError(message.toString());
  }
}
