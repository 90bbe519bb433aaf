package dev.guardrails.core;

import static dev.guardrails.core.Fixtures.USD;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

final class MoneyProperties {

  /** Amounts small enough that sums of three never overflow. */
  private static final long BOUND = Long.MAX_VALUE / 4;

  @Property
  void plus_isAssociativeAndCommutative(
      @ForAll("amounts") Money a, @ForAll("amounts") Money b, @ForAll("amounts") Money c) {
    assertThat(a.plus(b).plus(c)).isEqualTo(a.plus(b.plus(c)));
    assertThat(a.plus(b)).isEqualTo(b.plus(a));
  }

  @Property
  void plusMinus_areExactAndInverse(@ForAll("amounts") Money a, @ForAll("amounts") Money b) {
    assertThat(a.plus(b).minus(b)).isEqualTo(a);
    assertThat(a.minus(b).plus(b)).isEqualTo(a);
    assertThat(a.plus(b).toBigDecimal())
        .isEqualByComparingTo(a.toBigDecimal().add(b.toBigDecimal()));
    assertThat(a.minus(b).toBigDecimal())
        .isEqualByComparingTo(a.toBigDecimal().subtract(b.toBigDecimal()));
  }

  @Property
  void toString_roundTripsThroughOf(@ForAll("amounts") Money a) {
    String text = a.toString();
    String amount = text.substring(0, text.indexOf(' '));

    assertThat(amount).doesNotContain("E").doesNotContain("e");
    assertThat(Money.of(amount, USD)).isEqualTo(a);
    assertThat(new BigDecimal(amount).scale()).isGreaterThanOrEqualTo(2);
  }

  @Property
  void compareTo_agreesWithMicros(@ForAll("amounts") Money a, @ForAll("amounts") Money b) {
    assertThat(Integer.signum(a.compareTo(b)))
        .isEqualTo(Long.signum(Long.compare(a.micros(), b.micros())));
  }

  @Provide
  Arbitrary<Money> amounts() {
    return Arbitraries.oneOf(
            Arbitraries.longs().between(-BOUND, BOUND),
            Arbitraries.longs().between(-10_000_000L, 10_000_000L))
        .map(micros -> Money.ofMicros(micros, USD));
  }
}
