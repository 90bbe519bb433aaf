package dev.guardrails.cost.spi;

import dev.guardrails.core.Money;
import java.math.BigInteger;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What a paid call costs: an estimate before the call (reserved in the budgets, so it should be an
 * upper bound) and the actual cost after it (settled).
 *
 * <p>Implementations must be thread-safe and must return amounts that are not negative.
 *
 * @param <Q> the request type
 * @param <R> the response type
 */
public interface CostModel<Q, R> {

  /**
   * Estimates the cost before the call; reserved in every budget that applies.
   *
   * @param request the request
   * @return the estimate, not negative; ideally an upper bound of {@link #actual}
   */
  Money estimate(Q request);

  /**
   * Computes the actual cost from the response (e.g. its token usage).
   *
   * @param request the request
   * @param response the response
   * @return the actual cost, not negative, in the estimate's currency
   */
  Money actual(Q request, R response);

  /**
   * Returns a flat price per call.
   *
   * @param price the price of one call, not negative
   * @param <Q> the request type
   * @param <R> the response type
   * @return the model
   * @throws NullPointerException if the price is null
   * @throws IllegalArgumentException if the price is negative
   */
  static <Q, R> CostModel<Q, R> flat(Money price) {
    Objects.requireNonNull(price, "price");
    if (price.micros() < 0) {
      throw new IllegalArgumentException("price must not be negative, but was " + price);
    }
    return new CostModel<>() {
      @Override
      public Money estimate(Q request) {
        return price;
      }

      @Override
      public Money actual(Q request, R response) {
        return price;
      }

      @Override
      public String toString() {
        return "flat " + price + " per call";
      }
    };
  }

  /**
   * Returns a price per token, as providers publish it: per million input and output tokens. The
   * estimate prices the request's maximum token counts; the actual cost the response's usage. Each
   * cost is rounded up to the next micro-unit.
   *
   * @param inputPerMillion the price of one million input tokens
   * @param outputPerMillion the price of one million output tokens, in the same currency
   * @param maxTokens the most tokens a request can use (e.g. prompt length plus {@code max_tokens})
   * @param usage the tokens a response reports
   * @param <Q> the request type
   * @param <R> the response type
   * @return the model
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if a price is negative or the currencies differ
   */
  static <Q, R> CostModel<Q, R> perMillionTokens(
      Money inputPerMillion,
      Money outputPerMillion,
      Function<? super Q, TokenUsage> maxTokens,
      Function<? super R, TokenUsage> usage) {
    Objects.requireNonNull(inputPerMillion, "inputPerMillion");
    Objects.requireNonNull(outputPerMillion, "outputPerMillion");
    Objects.requireNonNull(maxTokens, "maxTokens");
    Objects.requireNonNull(usage, "usage");
    if (inputPerMillion.micros() < 0 || outputPerMillion.micros() < 0) {
      throw new IllegalArgumentException(
          "token prices must not be negative, but were "
              + inputPerMillion
              + " and "
              + outputPerMillion);
    }
    if (!inputPerMillion.currency().equals(outputPerMillion.currency())) {
      throw new IllegalArgumentException(
          "token prices must share one currency, but were "
              + inputPerMillion.currency()
              + " and "
              + outputPerMillion.currency());
    }
    return new CostModel<>() {
      @Override
      public Money estimate(Q request) {
        return price(Objects.requireNonNull(maxTokens.apply(request), "maxTokens result"));
      }

      @Override
      public Money actual(Q request, R response) {
        return price(Objects.requireNonNull(usage.apply(response), "usage result"));
      }

      private Money price(TokenUsage tokens) {
        BigInteger microsTimesMillion =
            BigInteger.valueOf(tokens.inputTokens())
                .multiply(BigInteger.valueOf(inputPerMillion.micros()))
                .add(
                    BigInteger.valueOf(tokens.outputTokens())
                        .multiply(BigInteger.valueOf(outputPerMillion.micros())));
        BigInteger[] qr = microsTimesMillion.divideAndRemainder(BigInteger.valueOf(1_000_000L));
        BigInteger micros = qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
        return Money.ofMicros(micros.longValueExact(), inputPerMillion.currency());
      }

      @Override
      public String toString() {
        return inputPerMillion
            + " per million input and "
            + outputPerMillion
            + " per million output tokens";
      }
    };
  }

  /**
   * Returns a model from two functions.
   *
   * @param estimate the estimate before the call
   * @param actual the actual cost after it
   * @param <Q> the request type
   * @param <R> the response type
   * @return the model
   * @throws NullPointerException if a function is null
   */
  static <Q, R> CostModel<Q, R> of(
      Function<? super Q, Money> estimate, BiFunction<? super Q, ? super R, Money> actual) {
    Objects.requireNonNull(estimate, "estimate");
    Objects.requireNonNull(actual, "actual");
    return new CostModel<>() {
      @Override
      public Money estimate(Q request) {
        return estimate.apply(request);
      }

      @Override
      public Money actual(Q request, R response) {
        return actual.apply(request, response);
      }
    };
  }
}
