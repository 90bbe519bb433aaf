package dev.guardrails.core;

import static dev.guardrails.core.Fixtures.USD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.function.Supplier;
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

  /**
   * A digit of another script anywhere in an amount that is otherwise valid makes it a refusal,
   * never a number: BigDecimal alone would read "1\u0660" as 10.
   */
  @Property
  void of_nonAsciiDigitAnywhere_refused(
      @ForAll("amounts") Money a, @ForAll("foreignDigits") char digit, @ForAll int position) {
    String text = a.toBigDecimal().toPlainString();
    int at = Math.floorMod(position, text.length() + 1);
    String foreign = text.substring(0, at) + digit + text.substring(at);

    assertThatThrownBy(() -> Money.of(foreign, USD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("money amount must be written in ASCII");
  }

  @Provide
  Arbitrary<Character> foreignDigits() {
    return Arbitraries.chars()
        .range('\u0080', '\uffff')
        .filter(Character::isDigit)
        .edgeCases(edges -> edges.add('\u0661'));
  }

  /** Whatever the operands, each operation is exact when it fits and throws when it does not. */
  @Property
  void arithmetic_anyOperands_exactOrThrowsNeverWraps(
      @ForAll("anyMicros") long a, @ForAll("anyMicros") long b) {
    Money x = Money.ofMicros(a, USD);
    Money y = Money.ofMicros(b, USD);
    BigInteger bigA = BigInteger.valueOf(a);
    BigInteger bigB = BigInteger.valueOf(b);

    assertExactOrOverflow(() -> x.plus(y), bigA.add(bigB));
    assertExactOrOverflow(() -> x.minus(y), bigA.subtract(bigB));
    assertExactOrOverflow(() -> x.times(b), bigA.multiply(bigB));
  }

  private static void assertExactOrOverflow(Supplier<Money> operation, BigInteger exact) {
    if (exact.bitLength() < Long.SIZE) {
      assertThat(operation.get()).isEqualTo(Money.ofMicros(exact.longValueExact(), USD));
    } else {
      assertThatThrownBy(operation::get)
          .isInstanceOf(ArithmeticException.class)
          .hasMessageStartingWith("money arithmetic overflows a long of micro-units: ");
    }
  }

  @Provide
  Arbitrary<Long> anyMicros() {
    return Arbitraries.oneOf(
        Arbitraries.longs(),
        Arbitraries.longs().between(-3_037_000_500L, 3_037_000_500L),
        Arbitraries.longs().between(-100, 100),
        Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, -1L, 0L, 1L, 2L, -2L));
  }

  @Provide
  Arbitrary<Money> amounts() {
    return Arbitraries.oneOf(
            Arbitraries.longs().between(-BOUND, BOUND),
            Arbitraries.longs().between(-10_000_000L, 10_000_000L))
        .map(micros -> Money.ofMicros(micros, USD));
  }
}
