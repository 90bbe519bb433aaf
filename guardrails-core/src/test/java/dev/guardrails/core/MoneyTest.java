package dev.guardrails.core;

import static dev.guardrails.core.Fixtures.EUR;
import static dev.guardrails.core.Fixtures.JPY;
import static dev.guardrails.core.Fixtures.USD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Currency;
import org.junit.jupiter.api.Test;

final class MoneyTest {

  @Test
  void of_decimal_parsesExactly() {
    assertThat(Money.of("5", USD).micros()).isEqualTo(5_000_000L);
    assertThat(Money.of("-0.25", USD).micros()).isEqualTo(-250_000L);
    assertThat(Money.of("0.000125", USD).micros()).isEqualTo(125L);
    assertThat(Money.of("1.500000000", USD).micros()).isEqualTo(1_500_000L);
    assertThat(Money.of(" 2.5 ", USD).micros()).isEqualTo(2_500_000L);
    assertThat(Money.of("1e2", USD).micros()).isEqualTo(100_000_000L);
    assertThat(Money.ofMicros(7, USD)).isEqualTo(new Money(7, USD));
    assertThat(Money.zero(EUR).isZero()).isTrue();
  }

  @Test
  void of_tooManyDecimals_throws() {
    assertThatThrownBy(() -> Money.of("0.0000001", USD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("money amount must have at most 6 decimal places, but was '0.0000001'");
  }

  @Test
  void of_overflowOrGarbage_throws() {
    assertThatThrownBy(() -> Money.of("9223372036855", USD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("money amount must fit in a long of micro-units")
        .hasCauseInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> Money.of("1e999999999", USD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("money amount must fit in a long of micro-units");
    assertThatThrownBy(() -> Money.of("five", USD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("money amount must be a decimal number, but was 'five'");
    assertThatThrownBy(() -> Money.of("NaN", USD)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Money.of(null, USD)).hasMessage("decimal");
    assertThatThrownBy(() -> Money.of("1", null)).hasMessage("currency");
    assertThatThrownBy(() -> Money.ofMicros(1, null)).hasMessage("currency");
  }

  @Test
  void of_largestValue_roundTrips() {
    Money max = Money.ofMicros(Long.MAX_VALUE, USD);

    assertThat(Money.of(max.toBigDecimal().toPlainString(), USD)).isEqualTo(max);
    assertThat(max.toString()).isEqualTo("9223372036854.775807 USD");
  }

  @Test
  void plusMinus_sameCurrency_exact() {
    Money a = Money.of("0.10", USD);
    Money b = Money.of("0.20", USD);

    assertThat(a.plus(b)).isEqualTo(Money.of("0.30", USD));
    assertThat(a.minus(b)).isEqualTo(Money.of("-0.10", USD));
    assertThat(a.minus(b).isNegative()).isTrue();
    assertThat(a.isNegative()).isFalse();
  }

  @Test
  void plus_overflow_throwsArithmeticException() {
    Money max = Money.ofMicros(Long.MAX_VALUE, USD);

    assertThatThrownBy(() -> max.plus(Money.ofMicros(1, USD)))
        .isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> Money.ofMicros(Long.MIN_VALUE, USD).minus(Money.ofMicros(1, USD)))
        .isInstanceOf(ArithmeticException.class);
  }

  @Test
  void plusMinusCompare_differentCurrencies_throwNamingBoth() {
    Money usd = Money.of("1", USD);
    Money eur = Money.of("1", EUR);

    assertThatThrownBy(() -> usd.plus(eur))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("money amounts must be in the same currency, but were 1.00 USD and 1.00 EUR");
    assertThatThrownBy(() -> usd.minus(eur)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> usd.compareTo(eur)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> usd.plus(null)).hasMessage("other");
  }

  @Test
  void compareTo_sameCurrency_ordersByAmount() {
    assertThat(Money.of("1", USD)).isLessThan(Money.of("1.01", USD));
    assertThat(Money.of("2", USD).compareTo(Money.of("2.000", USD))).isZero();
  }

  @Test
  void toString_usesCurrencyDigitsAndNeverScientific() {
    assertThat(Money.of("5", USD)).hasToString("5.00 USD");
    assertThat(Money.of("5.1", USD)).hasToString("5.10 USD");
    assertThat(Money.of("0.000125", USD)).hasToString("0.000125 USD");
    assertThat(Money.of("-3", USD)).hasToString("-3.00 USD");
    assertThat(Money.zero(USD)).hasToString("0.00 USD");
    assertThat(Money.of("500", JPY)).hasToString("500 JPY");
    assertThat(Money.of("5000000", JPY)).hasToString("5000000 JPY");
    assertThat(Money.of("1.5", JPY)).hasToString("1.5 JPY");
    assertThat(Money.of("1", Currency.getInstance("XXX"))).hasToString("1 XXX");
  }

  @Test
  void toBigDecimal_isExact() {
    assertThat(Money.ofMicros(1_500_001, USD).toBigDecimal())
        .isEqualByComparingTo(new BigDecimal("1.500001"));
  }
}
