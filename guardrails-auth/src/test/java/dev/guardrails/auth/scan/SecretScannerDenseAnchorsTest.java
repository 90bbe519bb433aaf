package dev.guardrails.auth.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

final class SecretScannerDenseAnchorsTest {

  private final SecretScanner scanner = SecretScanner.withDefaults();

  private List<Finding> scan(String text) {
    return scanner.scan(
        "bundle.js", new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)));
  }

  @Test
  void scan_xoxEverySixtyBytes_stillFindsThePlantedToken() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      text.append("var a").append(i % 10).append("=\"xox\";function f(){return b.xox+c}");
      text.append(i % 2 == 0 ? "postgres://" : "https://").append(";\n");
      if (i == 12_345) {
        text.append("const t=\"").append(SecretScannerTest.SLACK).append("\";\n");
      }
    }

    List<Finding> findings = scan(text.toString());

    assertThat(findings).extracting(Finding::ruleId).containsExactly("slack-token");
    assertThat(findings.get(0).line()).isEqualTo(12_346 + 1);
  }

  @Test
  void scan_jdbcPrefixedDatabaseUrl_reportedOnceFromItsLeftmostStart() {
    String text = "url=jdbc:" + SecretScannerTest.DATABASE_URL + "\n";

    List<Finding> findings = scan(text);

    assertThat(findings).hasSize(1);
    assertThat(findings.get(0).offset()).isEqualTo(text.indexOf("jdbc:"));
  }

  @Test
  void scan_slackWebhookBeforeItsAnchor_found() {
    String webhook =
        "https://hooks" + ".slack.com/services/T0ABCDEF1/B0ABCDEF1/" + SecretScannerTest.RANDOM;
    String text = "xox xox https://x " + webhook + "\n";

    List<Finding> findings = scan(text);

    assertThat(findings).extracting(Finding::offset).containsExactly((long) text.indexOf(webhook));
  }

  /** Anchor-dense text mixing near-misses, real keys and separators in random order. */
  @Provide
  Arbitrary<String> denseText() {
    Arbitrary<String> piece =
        Arbitraries.of(
            "xox",
            "xoxb-",
            "xoxb-1234567890-",
            SecretScannerTest.SLACK,
            "://",
            "postgres://",
            "jdbc:",
            "mysql://u:",
            SecretScannerTest.DATABASE_URL,
            "postgres://a:b@",
            "https://hooks.slack.com/services/T0ABCDEF1/B0ABCDEF1/",
            SecretScannerTest.RANDOM,
            "sk_live_",
            " ",
            "\n",
            "\"",
            "a",
            "Z9",
            "-",
            "@");
    return piece.list().ofMaxSize(60).map(pieces -> String.join("", pieces));
  }

  @Property(tries = 300)
  void scan_anyText_findsWhatTheUnboundedSearchFound(@ForAll("denseText") String text) {
    List<String> expected = new ArrayList<>();
    for (ScanRule rule : ScanRule.defaults()) {
      expected.addAll(reference(rule, text));
    }

    List<String> actual = new ArrayList<>();
    for (Finding finding : scan(text)) {
      actual.add(finding.ruleId() + "@" + finding.offset());
    }

    assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
  }

  /** The look-up before the fix: find() from each anchor minus the look-back, over one chunk. */
  private static List<String> reference(ScanRule rule, String text) {
    List<String> found = new ArrayList<>();
    Matcher matcher =
        rule.pattern().matcher(text).useTransparentBounds(true).useAnchoringBounds(false);
    Set<Integer> seen = new HashSet<>();
    for (String anchor : rule.anchors()) {
      for (int pos = text.indexOf(anchor); pos >= 0; pos = text.indexOf(anchor, pos + 1)) {
        int regionEnd = Math.min(text.length(), pos + ScanRule.MAX_MATCH_LENGTH);
        if (rule.back() == 0) {
          matcher.region(pos, regionEnd);
          if (matcher.lookingAt() && seen.add(pos) && rule.accepts(matcher)) {
            found.add(rule.id() + "@" + matcher.start());
          }
          continue;
        }
        matcher.region(Math.max(0, pos - rule.back()), regionEnd);
        while (matcher.find() && matcher.start() <= pos) {
          if (matcher.end() > pos && seen.add(matcher.start()) && rule.accepts(matcher)) {
            found.add(rule.id() + "@" + matcher.start());
          }
        }
      }
    }
    return found;
  }
}
