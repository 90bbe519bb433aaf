package dev.guardrails.benchmarks.auth;

import dev.guardrails.auth.scan.Finding;
import dev.guardrails.auth.scan.SecretScanner;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of {@link SecretScanner} with its default rules on minified front-end bundles, in MB/s
 * (the {@code megabytes} secondary result, 10^6 bytes per second), next to a floor: decoding the
 * same bytes into a string and searching it once for a literal, which is the least any scanner of
 * text must do.
 *
 * <p>Bundles ({@code @Param bundle}): {@code react-dom}, the real production build of react-dom
 * 18.3.1 ({@code umd/react-dom.production.min.js}, about 130 KB) fetched from the npm registry by
 * {@code benchmarks/fetch-bundles.sh} into the gitignored {@code benchmarks/downloads/}; its path
 * can be changed with {@code -jvmArgsAppend -Dguardrails.bench.reactDomBundle=<path>}, and the
 * benchmark fails with a message naming the script when the file is missing. {@code synthetic}, a
 * {@value #SYNTHETIC_BYTES}-byte single-line bundle of minified-looking JavaScript generated in
 * {@code @Setup} from a fixed seed, with near-misses at a plausible density (a URL about every 2
 * KB; {@code eyJ...} strings, {@code pk_} publishable keys, short {@code AKIA}/{@code ghp_}/{@code
 * xox} fragments about every 32 KB each) and exactly one planted secret, so the benchmark always
 * runs; {@code @Setup} checks that exactly that one is found.
 *
 * <p>Target (issue): report the MB/s; none is set beyond that.
 *
 * <p>Run: {@code benchmarks/fetch-bundles.sh && java -jar benchmarks/target/benchmarks.jar
 * 'dev.guardrails.benchmarks.auth.SecretScannerBenchmark'} from the repository root.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
@SuppressWarnings("NullAway.Init") // fields are set by the @Setup method
public class SecretScannerBenchmark {

  /** The system property naming the react-dom bundle. */
  static final String BUNDLE_PROPERTY = "guardrails.bench.reactDomBundle";

  /** Where {@code fetch-bundles.sh} puts the bundle, relative to the repository root. */
  static final String DEFAULT_BUNDLE =
      "benchmarks/downloads/react-dom-18.3.1/package/umd/react-dom.production.min.js";

  /** The size of the synthetic bundle: 4 MiB on one line. */
  static final int SYNTHETIC_BYTES = 4 << 20;

  /** The bundle to scan. */
  @Param({"synthetic", "react-dom"})
  public String bundle = "synthetic";

  private byte[] content;
  private SecretScanner scanner;

  /** Megabytes scanned, reported by JMH as MB per second. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Bytes {
    /** Megabytes (10^6 bytes) scanned in this iteration. */
    public double megabytes;

    /** Starts each iteration at zero. */
    @Setup(Level.Iteration)
    public void reset() {
      megabytes = 0;
    }
  }

  /** Loads or generates the bundle and checks the scanner's findings on it. */
  @Setup(Level.Trial)
  public void setUp() {
    scanner = SecretScanner.withDefaults();
    switch (bundle) {
      case "react-dom" -> content = readReactDom();
      case "synthetic" -> {
        content = synthetic(SYNTHETIC_BYTES, new SplittableRandom(20261122));
        List<Finding> findings = scanner.scan("synthetic.min.js", input());
        if (findings.size() != 1 || !findings.get(0).ruleId().equals("stripe-secret-key")) {
          throw new IllegalStateException(
              "synthetic bundle should yield exactly the planted stripe key, but gave " + findings);
        }
      }
      default ->
          throw new IllegalArgumentException(
              "bundle must be 'synthetic' or 'react-dom', but was '" + bundle + "'");
    }
  }

  private static byte[] readReactDom() {
    String configured = System.getProperty(BUNDLE_PROPERTY);
    Path path = Path.of(configured != null ? configured : DEFAULT_BUNDLE);
    if (configured == null && !Files.isRegularFile(path)) {
      // also when started from inside benchmarks/
      Path local = Path.of(DEFAULT_BUNDLE.substring("benchmarks/".length()));
      path = Files.isRegularFile(local) ? local : path;
    }
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException(
          "react-dom bundle not found at '"
              + path.toAbsolutePath()
              + "': run benchmarks/fetch-bundles.sh first (it fetches react-dom@18.3.1 from the npm"
              + " registry into benchmarks/downloads/), or pass -jvmArgsAppend -D"
              + BUNDLE_PROPERTY
              + "=<path to a bundle>, or run only -p bundle=synthetic");
    }
    try {
      return Files.readAllBytes(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the react-dom bundle at '" + path + "'", e);
    }
  }

  /**
   * Minified-looking JavaScript on one line: short identifiers, calls, strings and numbers, with a
   * URL about every 2 KB and each other near-miss of a rule's anchor about every 32 KB (react-dom's
   * build has a URL about every 10 KB and no other near-miss), plus one real-looking Stripe secret
   * key in the middle.
   */
  static byte[] synthetic(int size, SplittableRandom random) {
    String[] code = {
      "function(e,t,n){",
      "return ",
      "var ",
      "}",
      ";",
      ",",
      "&&",
      "||",
      "===",
      "!==",
      ".prototype.",
      "void 0",
      "null",
      "typeof ",
      "\"undefined\"",
      "\"Minified React error #\"",
      "Object.defineProperty(",
      "Array.isArray(",
      "Symbol.for(\"react.element\")",
    };
    String[] urls = {
      "\"https://reactjs.org/docs/error-decoder.html?invariant=\"",
      "\"https://cdn.example.com/assets/app.js\"",
      "\"https://api.example.com/v1/\"",
      "\"postgres://reader@db.internal:5432/app\"",
    };
    String[] nearMisses = {
      "\"eyJhbGciOiJIUzI1NiJ9\"",
      "\"pk_live_",
      "\"AKIA\"",
      "\"ghp_\"",
      "\"sk-\"",
      "\"xox\"",
      "\"-----BEGIN CERTIFICATE-----\"",
    };
    String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    StringBuilder js = new StringBuilder(size + 256);
    js.append("!function(){\"use strict\";");
    boolean planted = false;
    while (js.length() < size - 16) {
      if (!planted && js.length() >= size / 2) {
        // built at run time so that no secret-looking literal sits in the source
        js.append("var k=\"").append("sk_").append("live_");
        appendRandom(js, alphabet, 24, random);
        js.append("\";");
        planted = true;
      }
      int pick = random.nextInt(4096); // a piece is about 8 bytes long
      if (pick < 16) {
        js.append(urls[random.nextInt(urls.length)]);
      } else if (pick < 16 + nearMisses.length) {
        String nearMiss = nearMisses[pick - 16];
        js.append(nearMiss);
        if (nearMiss.equals("\"pk_live_")) {
          appendRandom(js, alphabet, 24, random);
          js.append('"');
        }
      } else if (pick < 2048) {
        js.append(code[random.nextInt(code.length)]);
      } else if (pick < 2560) {
        js.append(random.nextInt(100_000));
      } else {
        appendRandom(js, alphabet.substring(0, 52), 1 + random.nextInt(3), random);
        js.append(random.nextBoolean() ? "(" : "=");
      }
    }
    js.append("}();");
    return js.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private static void appendRandom(
      StringBuilder js, String alphabet, int length, SplittableRandom random) {
    for (int i = 0; i < length; i++) {
      js.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
  }

  private ByteArrayInputStream input() {
    return new ByteArrayInputStream(content);
  }

  /**
   * The guardrail: scans the bundle with the default rules.
   *
   * @param bytes counts the megabytes scanned
   * @return the findings
   */
  @Benchmark
  public List<Finding> scan(Bytes bytes) {
    List<Finding> findings = scanner.scan("bundle.min.js", input());
    bytes.megabytes += content.length / 1e6;
    return findings;
  }

  /**
   * The floor: decode the bytes into a string and search it once for a literal.
   *
   * @param bytes counts the megabytes searched
   * @return the position of the literal, or -1
   */
  @Benchmark
  public int floorDecodeAndSearch(Bytes bytes) {
    String text = new String(content, StandardCharsets.ISO_8859_1);
    bytes.megabytes += content.length / 1e6;
    return text.indexOf("-----BEGIN PRIVATE KEY-----");
  }
}
