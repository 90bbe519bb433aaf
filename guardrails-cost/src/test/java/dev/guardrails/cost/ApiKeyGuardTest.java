package dev.guardrails.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.guardrails.core.Environment;
import dev.guardrails.core.FailureEvent;
import dev.guardrails.core.InMemoryEventSink;
import org.junit.jupiter.api.Test;

final class ApiKeyGuardTest {

  static final String LIVE = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc";
  static final String TEST = "sk_test_" + "4eC39HqLyjWDarjtT1zdp7dc";

  final InMemoryEventSink events = new InMemoryEventSink();

  ApiKeyGuard guard(Environment env) {
    return ApiKeyGuard.builder(env).events(events).build();
  }

  @Test
  void liveKey_outsideProduction_isRefusedWithoutLeakingIt() {
    assertThatThrownBy(() -> guard(Environment.TEST).require("STRIPE_SECRET_KEY", LIVE))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("STRIPE_SECRET_KEY")
        .message()
        .doesNotContain(LIVE);
    assertThat(events.events(FailureEvent.class))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.errorCode()).isEqualTo("api_key_refused");
              assertThat(e.safeMessage()).doesNotContain(LIVE).contains("live");
            });
  }

  @Test
  void testKey_inProduction_isRefused() {
    assertThatThrownBy(() -> guard(Environment.PRODUCTION).require("STRIPE_SECRET_KEY", TEST))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void matchingKeys_pass() {
    assertThat(guard(Environment.PRODUCTION).require("STRIPE_SECRET_KEY", LIVE)).isEqualTo(LIVE);
    assertThat(guard(Environment.DEVELOPMENT).require("STRIPE_SECRET_KEY", TEST)).isEqualTo(TEST);
    assertThat(events.events()).isEmpty();
  }

  @Test
  void openAiKey_inTests_isRefused() {
    assertThatThrownBy(
            () ->
                guard(Environment.TEST).require("OPENAI_API_KEY", "sk-proj-" + "abcdefghijklmnop"))
        .isInstanceOf(IllegalStateException.class);
  }
}
