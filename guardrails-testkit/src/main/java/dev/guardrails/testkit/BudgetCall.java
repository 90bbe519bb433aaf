package dev.guardrails.testkit;

import dev.guardrails.core.Actor;
import dev.guardrails.core.Money;
import java.util.Objects;

/**
 * One paid call in a sequence run by {@link BudgetInvariants}: who calls which operation, the
 * estimate reserved, the actual cost and how the call ends.
 *
 * @param callId the call's unique id
 * @param actor who makes the call
 * @param operation the operation called
 * @param estimate the estimate reserved before the call
 * @param actual the actual cost, at most the estimate
 * @param ending how the caller ends the call
 */
public record BudgetCall(
    String callId, Actor actor, String operation, Money estimate, Money actual, Ending ending) {

  /** How a call that got its reservation is ended. */
  public enum Ending {
    /** Settled once with the actual cost. */
    SETTLE,
    /** Settled twice (a retried settle); the second must change nothing. */
    SETTLE_TWICE,
    /** Released without cost (the call did not happen). */
    RELEASE,
    /** Never settled (the caller crashed); the reservation must expire. */
    ABANDON
  }

  /**
   * Validates the call.
   *
   * @throws NullPointerException if a part is null
   * @throws IllegalArgumentException if an amount is negative, the currencies differ or the actual
   *     cost exceeds the estimate
   */
  public BudgetCall {
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(estimate, "estimate");
    Objects.requireNonNull(actual, "actual");
    Objects.requireNonNull(ending, "ending");
    if (estimate.isNegative() || actual.isNegative()) {
      throw new IllegalArgumentException(
          "estimate and actual must not be negative, but were " + estimate + " and " + actual);
    }
    if (!estimate.currency().equals(actual.currency())) {
      throw new IllegalArgumentException(
          "estimate and actual must share a currency, but were " + estimate + " and " + actual);
    }
    if (actual.compareTo(estimate) > 0) {
      throw new IllegalArgumentException(
          "actual must not exceed the estimate, but was " + actual + " > " + estimate);
    }
  }
}
