package dev.guardrails.testkit;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.guardrails.auth.scan.SecretScanner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

final class SecretAssertionsTest {

  // Split so that this source file itself holds no key.
  private static final String RANDOM = "Q8Zr3LwX0pVt6NcYf2HbKs9DmEa5Ju1GiTo7R4yWc";
  private static final String STRIPE_LIVE = "sk_" + "live_" + RANDOM;
  private static final String STRIPE_PUBLISHABLE = "pk_" + "live_" + RANDOM;
  private static final String OPENAI = "sk-" + "proj-" + RANDOM + RANDOM;

  @TempDir Path dir;

  @Test
  void assertNoSecretsIn_liveStripeKeyInBundle_failsWithMaskedFinding() throws IOException {
    Files.writeString(
        dir.resolve("main.js"), "const a = 1;\nconst stripe = Stripe('" + STRIPE_LIVE + "');\n");

    assertThatThrownBy(() -> SecretAssertions.assertNoSecretsIn(dir))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("1 secret found")
        .hasMessageContaining("main.js:2:")
        .hasMessageContaining("stripe-secret-key")
        .hasMessageContaining("****")
        .hasMessageNotContaining(STRIPE_LIVE)
        .hasMessageNotContaining(RANDOM.substring(0, 12));
  }

  @Test
  void assertNoSecretsIn_openAiKeyInEnvFile_fails() throws IOException {
    Path config = Files.createDirectories(dir.resolve("config"));
    Files.writeString(config.resolve(".env"), "# keys\n\nOPENAI_API_KEY=" + OPENAI + "\n");

    assertThatThrownBy(() -> SecretAssertions.assertNoSecretsIn(dir))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("config/.env:3:")
        .hasMessageContaining("openai-api-key")
        .hasMessageNotContaining(OPENAI)
        .hasMessageNotContaining(RANDOM);
  }

  @Test
  void assertNoSecretsIn_keyInsideJar_failsNamingTheEntry() throws IOException {
    Path jar = dir.resolve("app.jar");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
      zip.putNextEntry(new ZipEntry("BOOT-INF/classes/application.properties"));
      zip.write(
          ("server.port=8080\nstripe.key=" + STRIPE_LIVE + "\n").getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }

    assertThatThrownBy(() -> SecretAssertions.assertNoSecretsIn(jar))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("app.jar!/BOOT-INF/classes/application.properties:2:")
        .hasMessageContaining("stripe-secret-key")
        .hasMessageNotContaining(STRIPE_LIVE);
  }

  @Test
  void assertNoSecretsIn_severalKeys_listsEveryFinding() throws IOException {
    Files.writeString(dir.resolve("a.js"), STRIPE_LIVE + "\n");
    Files.writeString(dir.resolve("b.js"), "x\n" + OPENAI + "\n");

    assertThatThrownBy(() -> SecretAssertions.assertNoSecretsIn(dir))
        .hasMessageContaining("2 secrets found")
        .hasMessageContaining("a.js:1:")
        .hasMessageContaining("b.js:2:");
  }

  @Test
  void assertNoSecretsIn_cleanDirWithPublishableKey_passes() throws IOException {
    Files.writeString(
        dir.resolve("checkout.js"), "const stripe = Stripe('" + STRIPE_PUBLISHABLE + "');\n");
    Files.createDirectories(dir.resolve("empty"));

    assertThatCode(() -> SecretAssertions.assertNoSecretsIn(dir)).doesNotThrowAnyException();
  }

  @Test
  void assertNoSecretsIn_customScannerWithRuleDisabled_passes() throws IOException {
    Files.writeString(dir.resolve("fixture.txt"), STRIPE_LIVE + "\n");
    SecretScanner scanner = SecretScanner.builder().disableRule("stripe-secret-key").build();

    assertThatCode(() -> SecretAssertions.assertNoSecretsIn(dir, scanner))
        .doesNotThrowAnyException();
  }

  @Test
  void assertNoSecretsIn_missingPath_failsAsMisuse() {
    assertThatThrownBy(() -> SecretAssertions.assertNoSecretsIn(dir.resolve("nope")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SecretAssertions.assertNoSecretsIn(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("path");
  }
}
