package dev.guardrails.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class EnvironmentTest {

  @Test
  void parse_namesAndAliases_ignoringCaseAndSpaces() {
    assertThat(Environment.parse("production")).isEqualTo(Environment.PRODUCTION);
    assertThat(Environment.parse("PROD")).isEqualTo(Environment.PRODUCTION);
    assertThat(Environment.parse(" Staging ")).isEqualTo(Environment.STAGING);
    assertThat(Environment.parse("test")).isEqualTo(Environment.TEST);
    assertThat(Environment.parse("Development")).isEqualTo(Environment.DEVELOPMENT);
    assertThat(Environment.parse("dev")).isEqualTo(Environment.DEVELOPMENT);
  }

  @Test
  void parse_unknown_throwsListingAcceptedValues() {
    assertThatThrownBy(() -> Environment.parse("qa"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "environment must be one of [production (or prod), staging, test, development (or dev)],"
                + " but was 'qa'");
    assertThatThrownBy(() -> Environment.parse("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Environment.parse(null)).hasMessage("name");
  }

  @Test
  void fromEnvironment_unsetOrBlank_isProduction() {
    assertThat(Environment.fromEnvironment(Map.of())).isEqualTo(Environment.PRODUCTION);
    assertThat(Environment.fromEnvironment(Map.of("GUARDRAILS_ENV", "  ")))
        .isEqualTo(Environment.PRODUCTION);
  }

  @Test
  void fromEnvironment_set_parsesIt() {
    assertThat(Environment.fromEnvironment(Map.of(Environment.ENV_VARIABLE, "dev")))
        .isEqualTo(Environment.DEVELOPMENT);
    assertThat(Environment.fromEnvironment(Map.of("GUARDRAILS_ENV", "staging")))
        .isEqualTo(Environment.STAGING);
  }

  @Test
  void fromEnvironment_unknown_throwsNamingVariableAndValue() {
    Map<String, String> env = new HashMap<>();
    env.put("GUARDRAILS_ENV", "prodd\n");

    assertThatThrownBy(() -> Environment.fromEnvironment(env))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "GUARDRAILS_ENV must be one of [production (or prod), staging, test, development (or"
                + " dev)], but was 'prodd\\n'; fix the variable or unset it to run as production")
        .hasCauseInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Environment.fromEnvironment(null)).hasMessage("env");
  }

  @Test
  void fromSystemEnvironment_matchesFromEnvironmentOfGetenv() {
    String value = System.getenv(Environment.ENV_VARIABLE);
    boolean known =
        value == null
            || value.isBlank()
            || value
                .strip()
                .toLowerCase(Locale.ROOT)
                .matches("production|prod|staging|test|development|dev");
    if (known) {
      assertThat(Environment.fromSystemEnvironment())
          .isEqualTo(Environment.fromEnvironment(System.getenv()));
    } else {
      assertThatThrownBy(Environment::fromSystemEnvironment)
          .isInstanceOf(IllegalStateException.class);
    }
  }
}
