package dev.guardrails.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.guardrails.auth.spi.SecretSource;
import dev.guardrails.core.Environment;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class SecretTest {

  private static final String STRONG = "q8Zr3LwX0pVt6NcYf2HbKs9DmEa5Ju1GiTo7R4yW";
  private static final String STRIPE_LIVE = "sk_live_51HqZr3LwX0pVt6NcYf2HbKs9DmEa5Ju1GiTo7";
  private static final String STRIPE_TEST = "sk_test_51HqZr3LwX0pVt6NcYf2HbKs9DmEa5Ju1GiTo7";

  @TempDir Path dir;

  private static Secret fromEnv(String name, String value) {
    return SecretSources.environment(Map.of(name, value)).require(name);
  }

  @Test
  void toString_neverShowsTheValue() {
    Secret secret = fromEnv("DB_PASSWORD", STRONG);

    assertThat(secret.toString())
        .doesNotContain(STRONG)
        .isEqualTo("Secret[DB_PASSWORD from environment variable DB_PASSWORD]");
    assertThat(String.valueOf(java.util.List.of(secret))).doesNotContain(STRONG);
    assertThat(secret).isNotInstanceOf(Serializable.class);
    assertThat(secret.reveal()).isEqualTo(STRONG);
  }

  @Test
  void secret_hasNoBeanGetterForJsonMappers() {
    assertThat(Secret.class.getMethods())
        .noneMatch(m -> m.getName().startsWith("get") && !m.getName().equals("getClass"))
        .noneMatch(m -> m.getName().startsWith("is"));
  }

  @Test
  void json_mapperCannotWriteTheValue() throws Exception {
    record Config(String url, Secret apiKey) {}
    com.fasterxml.jackson.databind.ObjectMapper strict =
        new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.ObjectMapper lenient =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .disable(com.fasterxml.jackson.databind.SerializationFeature.FAIL_ON_EMPTY_BEANS);
    Config config = new Config("https://api.example", fromEnv("API_KEY", STRONG));

    assertThatThrownBy(() -> strict.writeValueAsString(config))
        .isInstanceOf(com.fasterxml.jackson.databind.JsonMappingException.class)
        .message()
        .doesNotContain(STRONG);
    assertThat(lenient.writeValueAsString(config)).doesNotContain(STRONG);
  }

  @Test
  void json_fieldBasedMappersCannotWriteTheValue() throws Exception {
    record Config(String url, Secret apiKey) {}
    Config config = new Config("https://api.example", fromEnv("API_KEY", STRONG));
    // Jackson set to serialize fields, a common configuration for classes without getters
    com.fasterxml.jackson.databind.ObjectMapper fields =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .setVisibility(
                com.fasterxml.jackson.annotation.PropertyAccessor.FIELD,
                com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility.ANY);
    // Gson writes every field by reflection by default (the copy shaded into Nimbus is real Gson)
    com.nimbusds.jose.shaded.gson.Gson gson = new com.nimbusds.jose.shaded.gson.Gson();

    assertThat(fields.writeValueAsString(config)).doesNotContain(STRONG);
    assertThat(gson.toJson(config.apiKey())).doesNotContain(STRONG);
  }

  @Test
  void matches_comparesValues() {
    Secret secret = Secret.of("WEBHOOK_TOKEN", STRONG);

    assertThat(secret.matches(STRONG)).isTrue();
    assertThat(secret.matches(STRONG + "x")).isFalse();
    assertThat(secret.matches("")).isFalse();
    assertThat(secret).isEqualTo(Secret.of("WEBHOOK_TOKEN", STRONG));
    assertThat(secret).isNotEqualTo(Secret.of("WEBHOOK_TOKEN", STRONG.toLowerCase()));
    assertThat(secret.hashCode()).isEqualTo(Secret.of("WEBHOOK_TOKEN", "other").hashCode());
  }

  @Property
  void matches_isEqualityOfValues(@ForAll String a, @ForAll String b) {
    assertThat(Secret.of("S", a).matches(b)).isEqualTo(a.equals(b));
  }

  @Test
  void require_missingSecret_namesItAndTheSourcesButNoValue() {
    SecretSource sources =
        SecretSources.firstOf(
            SecretSources.files(dir), SecretSources.environment(Map.of("OTHER", STRONG)));

    IllegalStateException missing =
        catchThrowableOfType(IllegalStateException.class, () -> sources.require("STRIPE_KEY"));

    assertThat(missing.getMessage())
        .isEqualTo(
            "missing secret 'STRIPE_KEY': looked in files under " + dir + ", environment variables")
        .doesNotContain(STRONG);
  }

  @Test
  void files_readsMountedSecretAndDropsTrailingNewline() throws Exception {
    Files.writeString(dir.resolve("db_password"), STRONG + "\n");

    Secret secret = SecretSources.files(dir).require("DB_PASSWORD");

    assertThat(secret.reveal()).isEqualTo(STRONG);
    assertThat(secret.origin()).isEqualTo(Secret.Origin.FILE);
    assertThat(secret.location()).startsWith("file ").endsWith("db_password");
  }

  @Test
  void files_pathTraversalNamesAreNotLookedUp() throws Exception {
    Files.writeString(dir.resolve("x"), STRONG);

    assertThat(SecretSources.files(dir.resolve("sub")).find("../x")).isEmpty();
  }

  @Test
  void firstOf_earlierSourceWins() throws Exception {
    Files.writeString(dir.resolve("API_KEY"), "from-file-" + STRONG);
    SecretSource sources =
        SecretSources.firstOf(
            SecretSources.files(dir), SecretSources.environment(Map.of("API_KEY", "from-env")));

    assertThat(sources.require("API_KEY").reveal()).startsWith("from-file-");
  }

  @Test
  void environment_blankValueCountsAsMissing() {
    assertThat(SecretSources.environment(Map.of("API_KEY", "  ")).find("API_KEY")).isEmpty();
  }

  @Test
  void fileReferences_followNameFileVariables() throws Exception {
    Path file = dir.resolve("pw.txt");
    Files.writeString(file, STRONG + "\r\n");

    SecretSource source = SecretSources.fileReferences(Map.of("DB_PASSWORD_FILE", file.toString()));

    assertThat(source.require("DB_PASSWORD").reveal()).isEqualTo(STRONG);
    assertThatThrownBy(
            () ->
                SecretSources.fileReferences(Map.of("X_FILE", dir.resolve("nope").toString()))
                    .find("X"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("X_FILE");
  }

  @Test
  void keyPolicy_strongSecretFromEnvironment_accepted() {
    Secret secret = fromEnv("SESSION_SECRET", STRONG);

    assertThat(KeyPolicy.forEnvironment(Environment.PRODUCTION).check(secret)).isSameAs(secret);
  }

  @Test
  void keyPolicy_hardCoded_refusedUnlessLoosenedOutsideProduction() {
    Secret hardCoded = Secret.of("SESSION_SECRET", STRONG);

    assertThatThrownBy(() -> KeyPolicy.forEnvironment(Environment.TEST).check(hardCoded))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'SESSION_SECRET'")
        .hasMessageContaining("hard-coded");
    KeyPolicy loose = KeyPolicy.builder(Environment.TEST).allowHardCodedOutsideProduction().build();
    assertThat(loose.check(hardCoded)).isSameAs(hardCoded);
    assertThatThrownBy(
            () ->
                KeyPolicy.builder(Environment.PRODUCTION)
                    .allowHardCodedOutsideProduction()
                    .build()
                    .check(hardCoded))
        .hasMessageContaining("hard-coded");
  }

  @Test
  void keyPolicy_knownDefaults_refusedWithoutEchoingThem() {
    for (String known :
        new String[] {
          "changeme",
          "your-256-bit-secret",
          "keyboard cat",
          "super-secret-jwt-token-with-at-least-32-characters-long",
          "django-insecure-abc123def456ghi789jkl012mno345pqr678"
        }) {
      assertThatThrownBy(
              () ->
                  KeyPolicy.forEnvironment(Environment.PRODUCTION)
                      .check(fromEnv("JWT_SECRET", known)))
          .as(known)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("'JWT_SECRET'")
          .message()
          .doesNotContain(known);
    }
  }

  @Test
  void keyPolicy_lowEntropy_refused() {
    Secret repeated = fromEnv("JWT_SECRET", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    Secret shortOne = fromEnv("JWT_SECRET", "Xk2!p9");

    assertThatThrownBy(() -> KeyPolicy.forEnvironment(Environment.PRODUCTION).check(repeated))
        .hasMessageContaining("too little entropy")
        .hasMessageContaining("about 0 bits");
    assertThatThrownBy(() -> KeyPolicy.forEnvironment(Environment.PRODUCTION).check(shortOne))
        .hasMessageContaining("too short: 6 characters, at least 16 required");
  }

  @Test
  void keyPolicy_liveKeyOutsideProduction_refused() {
    assertThatThrownBy(
            () ->
                KeyPolicy.forEnvironment(Environment.DEVELOPMENT)
                    .check(fromEnv("STRIPE_SECRET_KEY", STRIPE_LIVE)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("STRIPE_SECRET_KEY")
        .hasMessageContaining("sk_live_")
        .message()
        .doesNotContain(STRIPE_LIVE);
    assertThat(
            KeyPolicy.forEnvironment(Environment.PRODUCTION)
                .check(fromEnv("STRIPE_SECRET_KEY", STRIPE_LIVE))
                .reveal())
        .isEqualTo(STRIPE_LIVE);
  }

  @Test
  void keyPolicy_testKeyInProduction_refused() {
    assertThatThrownBy(
            () ->
                KeyPolicy.forEnvironment(Environment.PRODUCTION)
                    .check(fromEnv("STRIPE_SECRET_KEY", STRIPE_TEST)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("STRIPE_SECRET_KEY")
        .message()
        .doesNotContain(STRIPE_TEST);
    KeyPolicy.forEnvironment(Environment.TEST).check(fromEnv("STRIPE_SECRET_KEY", STRIPE_TEST));
  }

  @Test
  void keyPolicy_openAiKeyInDevelopment_refusedAsLive() {
    String openAi = "sk-proj-" + STRONG + STRONG;

    assertThatThrownBy(
            () ->
                KeyPolicy.forEnvironment(Environment.DEVELOPMENT)
                    .check(fromEnv("OPENAI_API_KEY", openAi)))
        .hasMessageContaining("OPENAI_API_KEY")
        .message()
        .doesNotContain(STRONG);
  }

  @Test
  void keyPolicy_checkAll_reportsEveryProblemAtOnce() {
    KeyPolicy policy = KeyPolicy.forEnvironment(Environment.PRODUCTION);

    assertThatThrownBy(
            () ->
                policy.checkAll(
                    fromEnv("A", "changeme"), fromEnv("B", STRONG), fromEnv("C", STRIPE_TEST)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("2 secret problem(s):")
        .hasMessageContaining("'A'")
        .hasMessageContaining("'C'");
  }

  @Test
  void keyPolicy_sequentialSecrets_refusedAsLowEntropy() {
    KeyPolicy policy = KeyPolicy.forEnvironment(Environment.PRODUCTION);
    for (String sequential :
        new String[] {
          "abcdefghijklmnopqrstuvwxyz",
          "0123456789012345678901234567890123456789",
          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
          "zyxwvutsrqponmlkjihgfedcba"
        }) {
      assertThatThrownBy(() -> policy.check(fromEnv("JWT_SECRET", sequential)))
          .as(sequential)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("too little entropy")
          .message()
          .doesNotContain(sequential);
    }
  }

  @Test
  void keyPolicy_keyboardWalks_refusedAsLowEntropy() {
    KeyPolicy policy = KeyPolicy.forEnvironment(Environment.PRODUCTION);
    for (String walk :
        new String[] {
          "qwertyuiopasdfghjklzxcvbnm",
          "QWERTYUIOPasdfghjklZXCVBNM1234567890",
          "1qaz2wsx3edc4rfv5tgb6yhn7ujm",
          "!QAZ@WSX#EDC$RFV%TGB^YHN&UJM",
          "mnbvcxzlkjhgfdsapoiuytrewq"
        }) {
      assertThat(KeyPolicy.estimatedEntropyBits(walk)).as(walk).isLessThan(96);
      assertThatThrownBy(() -> policy.check(fromEnv("JWT_SECRET", walk)))
          .as(walk)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("too little entropy")
          .message()
          .doesNotContain(walk);
    }
  }

  @Property(tries = 200)
  void keyPolicy_randomKeys_accepted(@ForAll("randomKeys") String key) {
    assertThat(KeyPolicy.forEnvironment(Environment.PRODUCTION).check(fromEnv("API_KEY", key)))
        .isNotNull();
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> randomKeys() {
    // keys as `openssl rand` makes them: uniformly random bytes (no all-zero edge case)
    return net.jqwik.api.Arbitraries.randomValue(
            random -> {
              byte[] bytes = new byte[32];
              random.nextBytes(bytes);
              return bytes;
            })
        .flatMap(
            bytes ->
                net.jqwik.api.Arbitraries.of(
                    java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes),
                    java.util.Base64.getEncoder().encodeToString(bytes),
                    java.util.HexFormat.of().formatHex(bytes)));
  }

  @Test
  void entropyEstimate_randomKeysScoreHigh() {
    assertThat(KeyPolicy.estimatedEntropyBits(STRONG)).isGreaterThan(150);
    assertThat(KeyPolicy.estimatedEntropyBits("abababababababababab"))
        .isCloseTo(20.0, org.assertj.core.data.Offset.offset(0.1));
    assertThat(KeyPolicy.estimatedEntropyBits("abcdefghijklmnopqrstuvwxyz")).isZero();
  }
}
