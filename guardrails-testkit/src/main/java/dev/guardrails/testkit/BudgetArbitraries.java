package dev.guardrails.testkit;

import dev.guardrails.core.Actor;
import dev.guardrails.core.Money;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Objects;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;

/**
 * jqwik arbitraries of paid-call sequences for {@link BudgetInvariants}. Thread-safe; every method
 * returns a new arbitrary.
 */
public final class BudgetArbitraries {

  private BudgetArbitraries() {}

  /**
   * Returns sequences of calls, their lengths spread evenly up to {@code maxCalls} (concurrency
   * needs long sequences), with unique ids ({@code call-0}, {@code call-1}, ...), estimates between
   * zero and {@code maxEstimate}, actual costs between zero and the estimate, and every {@link
   * BudgetCall.Ending}.
   *
   * @param actors the callers, e.g. {@code GuardrailsArbitraries.actors(roles)}
   * @param operations the operation names to call
   * @param maxEstimate the largest estimate; pick it near your limits so that refusals happen
   * @param maxCalls the longest sequence, at least 1
   * @return the arbitrary
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if there is no operation, maxEstimate is not positive or
   *     maxCalls is below 1
   */
  public static Arbitrary<List<BudgetCall>> callSequences(
      Arbitrary<Actor> actors, List<String> operations, Money maxEstimate, int maxCalls) {
    Objects.requireNonNull(actors, "actors");
    Objects.requireNonNull(operations, "operations");
    Objects.requireNonNull(maxEstimate, "maxEstimate");
    if (operations.isEmpty()) {
      throw new IllegalArgumentException("operations must not be empty");
    }
    if (maxEstimate.micros() <= 0) {
      throw new IllegalArgumentException("maxEstimate must be positive, but was " + maxEstimate);
    }
    if (maxCalls < 1) {
      throw new IllegalArgumentException("maxCalls must be at least 1, but was " + maxCalls);
    }
    Currency currency = maxEstimate.currency();
    Arbitrary<Amounts> amounts =
        Arbitraries.longs()
            .between(0, maxEstimate.micros())
            .withDistribution(RandomDistribution.uniform())
            .flatMap(
                estimate ->
                    Arbitraries.longs()
                        .between(0, estimate)
                        .withDistribution(RandomDistribution.uniform())
                        .map(a -> new Amounts(estimate, a)));
    Arbitrary<Draft> drafts =
        Combinators.combine(
                actors,
                Arbitraries.of(List.copyOf(operations)),
                amounts,
                Arbitraries.of(BudgetCall.Ending.class))
            .as(Draft::new);
    return drafts
        .list()
        .ofMinSize(1)
        .ofMaxSize(maxCalls)
        .withSizeDistribution(RandomDistribution.uniform())
        .map(
            list -> {
              List<BudgetCall> calls = new ArrayList<>(list.size());
              for (int i = 0; i < list.size(); i++) {
                Draft d = list.get(i);
                calls.add(
                    new BudgetCall(
                        "call-" + i,
                        d.actor,
                        d.operation,
                        Money.ofMicros(d.amounts.estimate, currency),
                        Money.ofMicros(d.amounts.actual, currency),
                        d.ending));
              }
              return List.copyOf(calls);
            });
  }

  private record Amounts(long estimate, long actual) {}

  private record Draft(Actor actor, String operation, Amounts amounts, BudgetCall.Ending ending) {}
}
