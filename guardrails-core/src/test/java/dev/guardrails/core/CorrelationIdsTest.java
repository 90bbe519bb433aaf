package dev.guardrails.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

final class CorrelationIdsTest {

  @Test
  void newId_seededGenerator_isDeterministicLowerHex() {
    String first = CorrelationIds.newId(new SplittableRandom(7));
    String second = CorrelationIds.newId(new SplittableRandom(7));

    assertThat(first).isEqualTo(second).hasSize(32).matches("[0-9a-f]{32}");
    assertThat(CorrelationIds.newId(new SplittableRandom(8))).isNotEqualTo(first);
  }

  @Test
  void isValid_allowedCharacters_true() {
    assertThat(CorrelationIds.isValid("a")).isTrue();
    assertThat(CorrelationIds.isValid("Req-1.2_3:abc")).isTrue();
    assertThat(CorrelationIds.isValid("x".repeat(128))).isTrue();
  }

  @Test
  void isValid_malformed_false() {
    assertThat(CorrelationIds.isValid(null)).isFalse();
    assertThat(CorrelationIds.isValid("")).isFalse();
    assertThat(CorrelationIds.isValid("x".repeat(129))).isFalse();
    assertThat(CorrelationIds.isValid("abc def")).isFalse();
    assertThat(CorrelationIds.isValid("abc\ncorrelation_id=forged")).isFalse();
    assertThat(CorrelationIds.isValid("caf\u00e9")).isFalse();
    assertThat(CorrelationIds.isValid("a/b")).isFalse();
  }

  @Test
  void fromHeaderOrNew_validHeader_keepsIt() {
    assertThat(CorrelationIds.fromHeaderOrNew("req-42", new SplittableRandom(1)))
        .isEqualTo("req-42");
    assertThat(CorrelationIds.fromHeaderOrNew("  req-42 ", new SplittableRandom(1)))
        .isEqualTo("req-42");
  }

  @Test
  void fromHeaderOrNew_missingOrMalformed_generatesNew() {
    String generated = CorrelationIds.newId(new SplittableRandom(1));

    assertThat(CorrelationIds.fromHeaderOrNew(null, new SplittableRandom(1))).isEqualTo(generated);
    assertThat(CorrelationIds.fromHeaderOrNew("", new SplittableRandom(1))).isEqualTo(generated);
    assertThat(CorrelationIds.fromHeaderOrNew("x\r\nINFO forged", new SplittableRandom(1)))
        .isEqualTo(generated);
  }

  @Test
  void newId_nullRandom_throws() {
    assertThatThrownBy(() -> CorrelationIds.newId(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("random");
    assertThatThrownBy(() -> CorrelationIds.fromHeaderOrNew("ok", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("random");
  }
}
