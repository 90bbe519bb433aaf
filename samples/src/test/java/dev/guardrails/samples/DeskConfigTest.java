package dev.guardrails.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.guardrails.core.Environment;
import dev.guardrails.core.Money;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class DeskConfigTest {

  @Test
  void fromEnvironment_empty_isTheLoopbackDemoOnTheEmbeddedDatabase() {
    DeskConfig config = DeskConfig.fromEnvironment(Map.of());

    assertThat(config.environment()).isEqualTo(Environment.DEVELOPMENT);
    assertThat(config.devLoginEnabled()).isTrue();
    assertThat(config.databaseUrl()).isNull();
    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.userDailyBudget()).isEqualTo(Money.of("0.01", DeskConfig.USD));
    assertThat(config.tenantDailyBudget()).isEqualTo(Money.of("1.00", DeskConfig.USD));
  }

  @Test
  void fromEnvironment_production_turnsTheDevLoginOffAndNeedsADatabase() {
    assertThatThrownBy(() -> DeskConfig.fromEnvironment(Map.of("GUARDRAILS_ENV", "production")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("GUARDRAILS_DB_URL");

    DeskConfig config =
        DeskConfig.fromEnvironment(
            Map.of(
                "GUARDRAILS_ENV", "prod",
                "GUARDRAILS_DB_URL", "jdbc:postgresql://db/desk",
                "GUARDRAILS_DB_PASSWORD", "s3cret"));

    assertThat(config.devLoginEnabled()).isFalse();
    assertThat(config.toString()).doesNotContain("s3cret", "jdbc:");
  }

  @Test
  void fromEnvironment_unusableValues_areRefusedNamingTheVariable() {
    assertThatThrownBy(() -> DeskConfig.fromEnvironment(Map.of("GUARDRAILS_HTTP_PORT", "http")))
        .hasMessageContaining("GUARDRAILS_HTTP_PORT");
    assertThatThrownBy(() -> DeskConfig.fromEnvironment(Map.of("GUARDRAILS_HTTP_PORT", "70000")))
        .hasMessageContaining("GUARDRAILS_HTTP_PORT");
    assertThatThrownBy(
            () -> DeskConfig.fromEnvironment(Map.of("GUARDRAILS_LLM_USER_DAILY_BUDGET", "-1")))
        .hasMessageContaining("GUARDRAILS_LLM_USER_DAILY_BUDGET");
    assertThatThrownBy(
            () -> DeskConfig.fromEnvironment(Map.of("GUARDRAILS_LLM_TENANT_DAILY_BUDGET", "lots")))
        .hasMessageContaining("GUARDRAILS_LLM_TENANT_DAILY_BUDGET");
    assertThatThrownBy(() -> DeskConfig.fromEnvironment(Map.of("GUARDRAILS_ENV", "qa")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("GUARDRAILS_ENV");
  }
}
