package dev.guardrails.core;

import static dev.guardrails.core.Fixtures.EUR;
import static dev.guardrails.core.Fixtures.JPY;
import static dev.guardrails.core.Fixtures.USD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
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
        .hasMessage(
            "money amount must have at most 6 decimal places (a micro-unit), but was '0.0000001'"
                + " with 7; round it to 6 places first");
    assertThatThrownBy(() -> Money.of("1E-2147483647", USD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("but was '1E-2147483647' with 2147483647;");
  }

  @Test
  void of_zeroWithAnyScaleOrExponent_isZero() {
    for (String zero :
        new String[] {
          "0E-10",
          "0.000000000",
          "-0.0000000000000",
          "0E+30",
          "-0e+5",
          "0E+2147483647",
          "0E-2147483647",
          new BigDecimal(BigInteger.ZERO, -1_000).toString(),
          new BigDecimal(BigInteger.ZERO, Integer.MIN_VALUE + 1).toString(),
          BigDecimal.ZERO.setScale(Integer.MAX_VALUE).toString()
        }) {
      assertThat(Money.of(zero, USD)).as(zero).isEqualTo(Money.zero(USD));
    }
  }

  @Test
  void of_nonAsciiDigits_throwNamingRuleInsteadOfParsing() {
    for (String foreign :
        new String[] {
          "\u0661", // Arabic-Indic one
          "\u0661\u0662.\u0665", // Arabic-Indic 12.5
          "1\u0660", // ASCII one, Arabic-Indic zero: would read as 10
          "\uff11\uff10\uff10", // fullwidth 100
          "\u0967.5", // Devanagari one
          "1e\u0662", // Arabic-Indic exponent
          "1.5\u00a0" // no-break space, which strip() keeps
        }) {
      assertThatThrownBy(() -> Money.of(foreign, USD))
          .as(foreign)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("money amount must be written in ASCII")
          .hasMessageContaining("but was " + Text.quote(foreign))
          .hasNoCause();
    }
  }

  @Test
  void of_asciiForms_parse() {
    assertThat(Money.of("+1", USD).micros()).isEqualTo(1_000_000L);
    assertThat(Money.of("-0", USD)).isEqualTo(Money.zero(USD));
    assertThat(Money.of(".5", USD).micros()).isEqualTo(500_000L);
    assertThat(Money.of("5.", USD).micros()).isEqualTo(5_000_000L);
    assertThat(Money.of("\t1E-6\n", USD).micros()).isEqualTo(1L);
    for (String garbage : new String[] {"1_000", "1,5", "0x10", "1d", "Infinity", "", "-", "."}) {
      assertThatThrownBy(() -> Money.of(garbage, USD))
          .as(garbage)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("money amount must be a decimal number such as");
    }
  }

  @Test
  void of_textLongerThanLimit_throwsNamingLengthWithoutParsing() {
    String huge = "1." + "0".repeat(200_000);

    assertThatThrownBy(() -> Money.of(huge, USD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("money amount must be at most 100 characters, but was 200002")
        .hasMessageContaining("'1.000");
    String longest = "1." + "0".repeat(Money.MAX_TEXT_LENGTH - 2);
    assertThat(Money.of("  " + longest + "\n", USD)).isEqualTo(Money.of("1", USD));
  }

  @Test
  void of_overflowOrGarbage_throws() {
    assertThatThrownBy(() -> Money.of("9223372036855", USD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "money amount must fit in a long of micro-units, from -9223372036854.775808 to"
                + " 9223372036854.775807 USD, but was '9223372036855'; check the input, as larger"
                + " amounts cannot be represented")
        .hasCauseInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> Money.of("-9223372036854.775809", USD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("but was '-9223372036854.775809'");
    assertThat(Money.of("-9223372036854.775808", USD).micros()).isEqualTo(Long.MIN_VALUE);
    for (String huge : new String[] {"1e999999999", "1E+2147483647", "-12E+2147483647"}) {
      assertThatThrownBy(() -> Money.of(huge, USD))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("must fit in a long of micro-units")
          .hasMessageContaining("but was '" + huge + "'");
    }
    assertThatThrownBy(() -> Money.of("five", USD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "money amount must be a decimal number such as 12.50, -0.000125 or 1.5E+3, but was"
                + " 'five'");
    assertThatThrownBy(() -> Money.of("0E-2147483648", USD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("but was '0E-2147483648'");
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
  void plusMinusTimes_overflow_throwNamingOperandsAndRange() {
    Money max = Money.ofMicros(Long.MAX_VALUE, USD);
    Money min = Money.ofMicros(Long.MIN_VALUE, USD);

    assertThatThrownBy(() -> max.plus(Money.ofMicros(1, USD)))
        .isInstanceOf(ArithmeticException.class)
        .hasMessage(
            "money arithmetic overflows a long of micro-units: 9223372036854.775807 USD +"
                + " 0.000001 USD is outside -9223372036854.775808 to 9223372036854.775807 USD");
    assertThatThrownBy(() -> min.minus(Money.ofMicros(1, USD)))
        .isInstanceOf(ArithmeticException.class)
        .hasMessageContaining(": -9223372036854.775808 USD - 0.000001 USD is outside");
    assertThatThrownBy(() -> min.times(-1))
        .isInstanceOf(ArithmeticException.class)
        .hasMessageContaining(": -9223372036854.775808 USD * -1 is outside");
    assertThatThrownBy(() -> Money.of("5000000", USD).times(2_000_000))
        .isInstanceOf(ArithmeticException.class)
        .hasMessageContaining(": 5000000.00 USD * 2000000 is outside");
  }

  @Test
  void times_fits_isExact() {
    assertThat(Money.of("0.25", USD).times(3)).isEqualTo(Money.of("0.75", USD));
    assertThat(Money.of("0.25", USD).times(-4)).isEqualTo(Money.of("-1", USD));
    assertThat(Money.ofMicros(Long.MIN_VALUE, USD).times(1).micros()).isEqualTo(Long.MIN_VALUE);
    assertThat(Money.ofMicros(Long.MAX_VALUE, USD).times(-1).micros()).isEqualTo(-Long.MAX_VALUE);
    assertThat(Money.ofMicros(Long.MAX_VALUE, USD).times(0)).isEqualTo(Money.zero(USD));
    assertThat(Money.ofMicros(-1, EUR).times(Long.MIN_VALUE + 1).currency()).isEqualTo(EUR);
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
