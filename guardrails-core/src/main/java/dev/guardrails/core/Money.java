package dev.guardrails.core;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An exact amount of money: a whole number of micro-units (millionths) of a currency. Never a
 * {@code double}.
 *
 * <p>Arithmetic is exact and refuses overflow and mixed currencies. {@link #toString()} gives the
 * amount with at least the currency's usual decimals and its code, e.g. {@code "5.00 USD"}.
 *
 * <p>Immutable and thread-safe; equal when micros and currency are equal. {@link #compareTo} is
 * defined within one currency only.
 *
 * @param micros the amount in millionths of the currency's unit, e.g. 1_500_000 for 1.50
 * @param currency the currency
 */
public record Money(long micros, Currency currency) implements Comparable<Money> {

  /** Micro-units per unit of currency. */
  public static final long MICROS_PER_UNIT = 1_000_000L;

  /** The longest text {@link #of(String, Currency)} parses, once whitespace is stripped. */
  public static final int MAX_TEXT_LENGTH = 100;

  private static final int MICRO_DIGITS = 6;

  /** Digits before the decimal point of the largest amount, 9223372036854.775807. */
  private static final int MAX_INTEGER_DIGITS = 13;

  /** The range of amounts, for messages. */
  private static final String RANGE =
      BigDecimal.valueOf(Long.MIN_VALUE, MICRO_DIGITS).toPlainString()
          + " to "
          + BigDecimal.valueOf(Long.MAX_VALUE, MICRO_DIGITS).toPlainString();

  /**
   * Creates an amount.
   *
   * @param micros the amount in millionths of the currency's unit, e.g. 1_500_000 for 1.50
   * @param currency the currency
   * @throws NullPointerException if the currency is null
   */
  public Money {
    Objects.requireNonNull(currency, "currency");
  }

  /**
   * Returns an amount of micro-units.
   *
   * @param micros the amount in millionths of the currency's unit
   * @param currency the currency
   * @return the amount
   * @throws NullPointerException if the currency is null
   */
  public static Money ofMicros(long micros, Currency currency) {
    return new Money(micros, currency);
  }

  /**
   * Parses a decimal amount exactly, e.g. {@code "5"}, {@code "-0.25"}, {@code "0.000125"}, {@code
   * "1.5E+3"}. Zero is accepted in any form, whatever its scale or exponent ({@code "0E-10"},
   * {@code "0.000000000"}, {@code "0E+30"}); trailing zeros after the sixth decimal place are
   * accepted too ({@code "1.500000000"}).
   *
   * @param decimal the amount, in the syntax of {@link BigDecimal#BigDecimal(String)} written in
   *     ASCII only (BigDecimal would also read other scripts' digits, such as Arabic-Indic or
   *     fullwidth ones), with at most 6 significant decimal places and at most {@value
   *     #MAX_TEXT_LENGTH} characters once surrounding whitespace is stripped
   * @param currency the currency
   * @return the amount
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the text is longer than {@value #MAX_TEXT_LENGTH}
   *     characters, has a character outside ASCII, is not a decimal number, has a nonzero digit
   *     after the sixth decimal place or does not fit in a {@code long} of micro-units; the message
   *     quotes the text and says which rule it broke
   */
  public static Money of(String decimal, Currency currency) {
    Objects.requireNonNull(decimal, "decimal");
    Objects.requireNonNull(currency, "currency");
    String text = decimal.strip();
    // BigDecimal parses and strips zeros in quadratic time: a long text must not reach it
    if (text.length() > MAX_TEXT_LENGTH) {
      throw new IllegalArgumentException(
          "money amount must be at most "
              + MAX_TEXT_LENGTH
              + " characters, but was "
              + text.length()
              + " characters: "
              + Text.quote(text));
    }
    // BigDecimal reads any Unicode digit ("\u0661\u0662" is 12): a money amount is ASCII only
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) > 0x7f) {
        throw new IllegalArgumentException(
            "money amount must be written in ASCII: digits 0-9 with an optional sign, decimal point"
                + " and exponent, such as 12.50, -0.000125 or 1.5E+3, but was "
                + Text.quote(decimal)
                + "; convert other digits and spaces first");
      }
    }
    BigDecimal amount;
    try {
      amount = new BigDecimal(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "money amount must be a decimal number such as 12.50, -0.000125 or 1.5E+3, but was "
              + Text.quote(decimal),
          e);
    }
    if (amount.signum() == 0) {
      return zero(currency);
    }
    // the digits before the decimal point, in long arithmetic: both terms can be near int limits;
    // checked before any conversion, so that "1e999999999" cannot cost a huge computation
    long integerDigits = (long) amount.precision() - amount.scale();
    if (integerDigits > MAX_INTEGER_DIGITS) {
      throw overflow(decimal, currency, null);
    }
    int decimalPlaces = amount.stripTrailingZeros().scale();
    if (decimalPlaces > MICRO_DIGITS) {
      throw new IllegalArgumentException(
          "money amount must have at most 6 decimal places (a micro-unit), but was "
              + Text.quote(decimal)
              + " with "
              + decimalPlaces
              + "; round it to 6 places first");
    }
    try {
      return new Money(amount.movePointRight(MICRO_DIGITS).longValueExact(), currency);
    } catch (ArithmeticException e) {
      throw overflow(decimal, currency, e);
    }
  }

  /**
   * Returns zero in a currency.
   *
   * @param currency the currency
   * @return zero
   * @throws NullPointerException if the currency is null
   */
  public static Money zero(Currency currency) {
    return new Money(0, currency);
  }

  /**
   * Returns the sum of this amount and another, exactly.
   *
   * @param other the amount to add, in the same currency
   * @return the sum
   * @throws NullPointerException if {@code other} is null
   * @throws IllegalArgumentException if the currencies differ
   * @throws ArithmeticException if the sum overflows a {@code long} of micro-units; the message
   *     names both amounts and the range
   */
  public Money plus(Money other) {
    requireSameCurrency(this, other);
    try {
      return new Money(Math.addExact(micros, other.micros), currency);
    } catch (ArithmeticException e) {
      throw arithmeticOverflow(this + " + " + other, e);
    }
  }

  /**
   * Returns this amount minus another, exactly.
   *
   * @param other the amount to subtract, in the same currency
   * @return the difference
   * @throws NullPointerException if {@code other} is null
   * @throws IllegalArgumentException if the currencies differ
   * @throws ArithmeticException if the difference overflows a {@code long} of micro-units; the
   *     message names both amounts and the range
   */
  public Money minus(Money other) {
    requireSameCurrency(this, other);
    try {
      return new Money(Math.subtractExact(micros, other.micros), currency);
    } catch (ArithmeticException e) {
      throw arithmeticOverflow(this + " - " + other, e);
    }
  }

  /**
   * Returns this amount multiplied by a whole number, exactly, e.g. a unit price times a quantity.
   *
   * @param factor the multiplier
   * @return the product
   * @throws ArithmeticException if the product overflows a {@code long} of micro-units; the message
   *     names the amount, the factor and the range
   */
  public Money times(long factor) {
    try {
      return new Money(Math.multiplyExact(micros, factor), currency);
    } catch (ArithmeticException e) {
      throw arithmeticOverflow(this + " * " + factor, e);
    }
  }

  /** {@return whether the amount is below zero} */
  public boolean isNegative() {
    return micros < 0;
  }

  /** {@return whether the amount is zero} */
  public boolean isZero() {
    return micros == 0;
  }

  /**
   * {@return the amount as an exact decimal number of currency units, e.g. 1.5 for 1_500_000
   * micros}
   */
  public BigDecimal toBigDecimal() {
    return BigDecimal.valueOf(micros, MICRO_DIGITS);
  }

  /**
   * Compares two amounts of the same currency.
   *
   * @param other the amount to compare with
   * @return negative, zero or positive as this amount is less than, equal to or greater than the
   *     other
   * @throws NullPointerException if {@code other} is null
   * @throws IllegalArgumentException if the currencies differ
   */
  @Override
  public int compareTo(Money other) {
    requireSameCurrency(this, other);
    return Long.compare(micros, other.micros);
  }

  /**
   * {@return the amount and the currency code, e.g. {@code "5.00 USD"}, {@code "0.000125 USD"},
   * {@code "500 JPY"}: at least the currency's usual decimals, more when needed, never in
   * scientific notation}
   */
  @Override
  public String toString() {
    return amountText() + " " + currency.getCurrencyCode();
  }

  /** The amount alone, formatted as in {@link #toString()}. */
  String amountText() {
    BigDecimal amount = toBigDecimal().stripTrailingZeros();
    int minScale = Math.max(0, currency.getDefaultFractionDigits());
    if (amount.scale() < minScale) {
      amount = amount.setScale(minScale);
    }
    return amount.toPlainString();
  }

  /**
   * Checks that two amounts are in the same currency and returns the first.
   *
   * @throws NullPointerException if an amount is null
   * @throws IllegalArgumentException if the currencies differ
   */
  static Money requireSameCurrency(Money first, Money second) {
    Objects.requireNonNull(first, "money");
    Objects.requireNonNull(second, "other");
    if (!first.currency.equals(second.currency)) {
      throw new IllegalArgumentException(
          "money amounts must be in the same currency, but were " + first + " and " + second);
    }
    return first;
  }

  private static IllegalArgumentException overflow(
      String decimal, Currency currency, @Nullable Throwable cause) {
    return new IllegalArgumentException(
        "money amount must fit in a long of micro-units, from "
            + RANGE
            + " "
            + currency.getCurrencyCode()
            + ", but was "
            + Text.quote(decimal)
            + "; check the input, as larger amounts cannot be represented",
        cause);
  }

  private ArithmeticException arithmeticOverflow(String operation, ArithmeticException cause) {
    ArithmeticException overflow =
        new ArithmeticException(
            "money arithmetic overflows a long of micro-units: "
                + operation
                + " is outside "
                + RANGE
                + " "
                + currency.getCurrencyCode());
    overflow.initCause(cause);
    return overflow;
  }
}
