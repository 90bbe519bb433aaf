package dev.guardrails.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

final class ApiKeysTest {

  private static final String SECRET = "4eC39HqLyjWDarjtT1zdp7dc";

  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of("sk_test_", "stripe-style", ApiKeyMode.TEST, "secret"),
        Arguments.of("sk_live_", "stripe-style", ApiKeyMode.LIVE, "secret"),
        Arguments.of("pk_test_", "stripe-style", ApiKeyMode.TEST, "publishable"),
        Arguments.of("pk_live_", "stripe-style", ApiKeyMode.LIVE, "publishable"),
        Arguments.of("rk_test_", "stripe", ApiKeyMode.TEST, "restricted"),
        Arguments.of("rk_live_", "stripe", ApiKeyMode.LIVE, "restricted"),
        Arguments.of("rzp_test_", "razorpay", ApiKeyMode.TEST, "key_id"),
        Arguments.of("rzp_live_", "razorpay", ApiKeyMode.LIVE, "key_id"),
        Arguments.of("sk-ant-api03-", "anthropic", ApiKeyMode.LIVE, "secret"),
        Arguments.of("sk-ant-admin01-", "anthropic", ApiKeyMode.LIVE, "admin"),
        Arguments.of("sk-ant-oat01-", "anthropic", ApiKeyMode.LIVE, "secret"),
        Arguments.of("sk-proj-", "openai", ApiKeyMode.LIVE, "secret"),
        Arguments.of("sk-svcacct-", "openai", ApiKeyMode.LIVE, "secret"),
        Arguments.of("sk-admin-", "openai", ApiKeyMode.LIVE, "admin"),
        Arguments.of("sk-", "openai", ApiKeyMode.LIVE, "secret"));
  }

  @ParameterizedTest
  @MethodSource("table")
  void classify_knownPrefix_givesProviderModeAndKind(
      String prefix, String provider, ApiKeyMode mode, String kind) {
    assertThat(ApiKeys.classify(prefix + SECRET))
        .isEqualTo(new ApiKeyClassification(provider, mode, kind));
  }

  @Test
  void classify_unknownOrWhitespace() {
    assertThat(ApiKeys.classify("ghp_" + SECRET)).isEqualTo(ApiKeyClassification.UNKNOWN);
    assertThat(ApiKeys.classify("")).isEqualTo(ApiKeyClassification.UNKNOWN);
    assertThat(ApiKeys.classify("sk_other_" + SECRET).mode()).isEqualTo(ApiKeyMode.UNKNOWN);
    assertThat(ApiKeys.classify("  sk_live_" + SECRET + "\n").mode()).isEqualTo(ApiKeyMode.LIVE);
    assertThatThrownBy(() -> ApiKeys.classify(null)).hasMessage("key");
  }

  @Test
  void classify_awsAccessKeyIds_areLiveAwsKeys() {
    assertThat(ApiKeys.classify("AKIAIOSFODNN7EXAMPLE"))
        .isEqualTo(new ApiKeyClassification("aws", ApiKeyMode.LIVE, "access_key_id"));
    assertThat(ApiKeys.classify(" ASIAY34FZKBOKMUTVV7A\n"))
        .isEqualTo(new ApiKeyClassification("aws", ApiKeyMode.LIVE, "temporary_access_key_id"));
    assertThat(ApiKeys.mask("AKIAIOSFODNN7EXAMPLE")).isEqualTo("AKIA\u2026");
  }

  @Test
  void classify_awsPrefixWithoutKeyIdShape_isUnknown() {
    for (String notAnId :
        new String[] {
          "AKIA",
          "AKIAIOSFODNN7EXAMPL",
          "AKIAIOSFODNN7EXAMPLE1",
          "AKIAiosfodnn7example",
          "ASIA" + SECRET,
          "akiaiosfodnn7example",
          "AKIAIOSFODNN7EXAMP_E"
        }) {
      assertThat(ApiKeys.classify(notAnId)).as(notAnId).isEqualTo(ApiKeyClassification.UNKNOWN);
      assertThat(ApiKeys.mask(notAnId)).as(notAnId).isEqualTo("\u2026");
    }
  }

  @Test
  void requireAllowedIn_awsKeyIdOutsideProduction_throwsSayingNoTestKeys() {
    assertThatThrownBy(
            () ->
                ApiKeys.requireAllowedIn(
                    Environment.DEVELOPMENT, "AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "API key 'AWS_ACCESS_KEY_ID' (AKIA\u2026) is a live aws access_key_id key, but the"
                + " environment is development: use a test-mode key outside production (this"
                + " provider has no test keys: use a fake or a stub of it), or set"
                + " GUARDRAILS_ENV=production if this really is production")
        .message()
        .doesNotContain("IOSFODNN7EXAMPLE");
    assertThat(
            ApiKeys.requireAllowedIn(
                Environment.PRODUCTION, "AWS_ACCESS_KEY_ID", "ASIAY34FZKBOKMUTVV7A"))
        .isEqualTo(new ApiKeyClassification("aws", ApiKeyMode.LIVE, "temporary_access_key_id"));
  }

  @Test
  void mask_keepsOnlyKnownPrefix() {
    assertThat(ApiKeys.mask("sk_live_" + SECRET)).isEqualTo("sk_live_\u2026");
    assertThat(ApiKeys.mask("sk-ant-api03-" + SECRET)).isEqualTo("sk-ant-api03-\u2026");
    assertThat(ApiKeys.mask(SECRET)).isEqualTo("\u2026");
  }

  @Test
  void requireAllowedIn_liveKeyOutsideProduction_throwsWithoutKey() {
    String key = "sk_live_" + SECRET;

    assertThatThrownBy(
            () -> ApiKeys.requireAllowedIn(Environment.DEVELOPMENT, "STRIPE_SECRET_KEY", key))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "API key 'STRIPE_SECRET_KEY' (sk_live_\u2026) is a live stripe-style secret key, but the"
                + " environment is development: use a test-mode key outside production, or set"
                + " GUARDRAILS_ENV=production if this really is production")
        .message()
        .doesNotContain(SECRET);
  }

  @Test
  void requireAllowedIn_providerWithoutTestKeys_saysSo() {
    assertThatThrownBy(
            () ->
                ApiKeys.requireAllowedIn(
                    Environment.STAGING, "OPENAI_API_KEY", "sk-proj-" + SECRET))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'OPENAI_API_KEY'")
        .hasMessageContaining("live openai secret key")
        .hasMessageContaining("environment is staging")
        .hasMessageContaining("has no test keys")
        .message()
        .doesNotContain(SECRET);
  }

  @Test
  void requireAllowedIn_testKeyInProduction_throwsWithoutKey() {
    assertThatThrownBy(
            () ->
                ApiKeys.requireAllowedIn(
                    Environment.PRODUCTION, "RAZORPAY_KEY_ID", "rzp_test_" + SECRET))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "API key 'RAZORPAY_KEY_ID' (rzp_test_\u2026) is a test razorpay key_id key, but the"
                + " environment is production: use a live key in production, or set GUARDRAILS_ENV"
                + " to staging, test or development if this is not production")
        .message()
        .doesNotContain(SECRET);
  }

  @Test
  void requireAllowedIn_fittingOrUnknownKeys_pass() {
    assertThat(ApiKeys.requireAllowedIn(Environment.PRODUCTION, "K", "sk_live_" + SECRET).mode())
        .isEqualTo(ApiKeyMode.LIVE);
    assertThat(ApiKeys.requireAllowedIn(Environment.TEST, "K", "sk_test_" + SECRET).mode())
        .isEqualTo(ApiKeyMode.TEST);
    assertThatCode(() -> ApiKeys.requireAllowedIn(Environment.PRODUCTION, "K", SECRET))
        .doesNotThrowAnyException();
    assertThatCode(() -> ApiKeys.requireAllowedIn(Environment.DEVELOPMENT, "K", SECRET))
        .doesNotThrowAnyException();
  }

  @Test
  void requireAllowedIn_badArguments_throw() {
    assertThatThrownBy(() -> ApiKeys.requireAllowedIn(null, "K", "x")).hasMessage("env");
    assertThatThrownBy(() -> ApiKeys.requireAllowedIn(Environment.TEST, " ", "x"))
        .hasMessage("keyName must not be blank, but was ' '");
    assertThatThrownBy(() -> ApiKeys.requireAllowedIn(Environment.TEST, "K", null))
        .hasMessage("key");
  }

  @Test
  void classification_validatesComponents() {
    assertThatThrownBy(() -> new ApiKeyClassification("", ApiKeyMode.LIVE, "secret"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ApiKeyClassification("p", null, "secret")).hasMessage("mode");
  }
}
