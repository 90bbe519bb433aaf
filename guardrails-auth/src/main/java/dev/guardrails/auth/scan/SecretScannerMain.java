package dev.guardrails.auth.scan;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The command line of the {@link SecretScanner}: {@code java -cp guardrails-auth.jar:...
 * dev.guardrails.auth.scan.SecretScannerMain [--disable RULE_ID]... [--max-decompressed-bytes N]
 * [--max-findings N] PATH...}.
 *
 * <p>Prints one line per finding ({@code file:line:column rule masked-excerpt}) and exits with 0
 * when nothing was found, 1 when secrets were found and 2 on a usage or read error, so that a CI
 * step fails on a leak. Stateless and thread-safe.
 */
public final class SecretScannerMain {

  /** Exit status when no secret was found. */
  public static final int CLEAN = 0;

  /** Exit status when at least one secret was found. */
  public static final int FOUND = 1;

  /** Exit status on a usage error or a file that cannot be read. */
  public static final int ERROR = 2;

  private SecretScannerMain() {}

  /**
   * Scans the paths given as arguments and exits with {@link #CLEAN}, {@link #FOUND} or {@link
   * #ERROR}.
   *
   * @param args {@code [--disable RULE_ID]... [--max-decompressed-bytes N] [--max-findings N]
   *     PATH...}
   */
  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    System.exit(status);
  }

  /**
   * Runs the command line without exiting: scans the paths and prints the findings.
   *
   * @param args {@code [--disable RULE_ID]... [--max-decompressed-bytes N] [--max-findings N]
   *     PATH...}
   * @param out where findings and the summary go
   * @param err where usage and read errors go
   * @return {@link #CLEAN}, {@link #FOUND} or {@link #ERROR}
   * @throws NullPointerException if an argument is null
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Objects.requireNonNull(args, "args");
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(err, "err");
    SecretScanner.Builder builder = SecretScanner.builder();
    List<Path> paths = new ArrayList<>();
    try {
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (arg.equals("--disable")) {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException("--disable needs a rule id");
          }
          builder.disableRule(args[++i]);
        } else if (arg.equals("--max-decompressed-bytes")) {
          builder.maxDecompressedBytes(number(arg, args, ++i));
        } else if (arg.equals("--max-findings")) {
          long max = number(arg, args, ++i);
          builder.maxFindings((int) Math.min(Integer.MAX_VALUE, max));
        } else if (arg.equals("--help") || arg.equals("-h")) {
          printUsage(out);
          return CLEAN;
        } else if (arg.startsWith("--")) {
          throw new IllegalArgumentException("unknown option '" + arg + "'");
        } else {
          paths.add(Path.of(arg));
        }
      }
      if (paths.isEmpty()) {
        throw new IllegalArgumentException("at least one path to scan is needed");
      }
      SecretScanner scanner = builder.build();
      int count = 0;
      for (Path path : paths) {
        for (Finding finding : scanner.scan(path)) {
          out.println(finding);
          count++;
        }
      }
      out.println(
          count == 0
              ? "no secrets found"
              : count + (count == 1 ? " secret found" : " secrets found"));
      return count == 0 ? CLEAN : FOUND;
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      printUsage(err);
      return ERROR;
    } catch (UncheckedIOException e) {
      err.println("error: " + e.getMessage() + ": " + String.valueOf(e.getCause()));
      return ERROR;
    }
  }

  /** The whole number given to {@code option} at {@code args[index]}. */
  private static long number(String option, String[] args, int index) {
    if (index >= args.length) {
      throw new IllegalArgumentException(option + " needs a number");
    }
    try {
      return Long.parseLong(args[index]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          option + " must be a whole number, but was '" + args[index] + "'", e);
    }
  }

  private static void printUsage(PrintStream stream) {
    stream.println(
        "usage: SecretScannerMain [--disable RULE_ID]... [--max-decompressed-bytes N]"
            + " [--max-findings N] PATH...");
    StringBuilder ids = new StringBuilder();
    for (ScanRule rule : ScanRule.defaults()) {
      ids.append(ids.length() == 0 ? "" : ", ").append(rule.id());
    }
    stream.println("rules: " + ids);
  }
}
