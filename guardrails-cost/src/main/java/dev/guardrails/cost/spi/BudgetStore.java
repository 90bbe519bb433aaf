package dev.guardrails.cost.spi;

import java.time.Instant;
import java.util.List;

/**
 * Where budget totals live: in memory for one instance, or in a database shared by every instance.
 *
 * <p>Contract, which every implementation must keep under any concurrency, from any number of
 * instances sharing the store:
 *
 * <ul>
 *   <li>{@link #reserve} is atomic across its lines: either every line is reserved or none is. An
 *       enforced line is reserved only if its settled spend plus its reservations in flight plus
 *       the amount stays within its limit, checked and written in one atomic step (never
 *       check-then-act).
 *   <li>{@link #settle} is idempotent by call id: the first call moves the reservation into the
 *       settled spend (adding the actual cost, releasing the reserved amount); later calls change
 *       nothing and return an empty list. A reservation that has expired can still be settled: the
 *       actual cost is added, nothing is released twice.
 *   <li>{@link #expireReservations} releases reservations whose expiry has passed and were not
 *       settled, so a crashed caller cannot hold budget forever.
 * </ul>
 *
 * <p>Implementations must be thread-safe.
 */
public interface BudgetStore {

  /**
   * Reserves every line or none.
   *
   * @param callId a unique id of the call, later given to {@link #settle}
   * @param lines the lines, at least one; at most one line per running total
   * @param now the current time
   * @param expiresAt when an unsettled reservation is released
   * @return granted, or refused with the first line that would cross its limit
   * @throws IllegalArgumentException if the call id is already reserved or a line is not supported
   *     (e.g. a rolling window on a store without them)
   * @throws IllegalStateException if the store cannot decide (e.g. database down); callers must
   *     treat that as a refusal
   */
  ReserveOutcome reserve(String callId, List<BudgetLine> lines, Instant now, Instant expiresAt);

  /**
   * Settles a call: adds the actual cost to the spend of every line of its reservation and releases
   * what was reserved.
   *
   * @param callId the id given to {@link #reserve}
   * @param actualMicros the actual cost, not negative; zero releases the reservation
   * @param now the settle time (rolling windows count the spend from then)
   * @return the change of every line, read in the same atomic update; empty if the call was already
   *     settled or is unknown
   * @throws IllegalArgumentException if the actual cost is negative
   * @throws IllegalStateException if the store cannot be reached
   */
  List<SpendChange> settle(String callId, long actualMicros, Instant now);

  /**
   * Releases every reservation whose expiry is at or before {@code now}.
   *
   * @param now the current time
   * @return the number of calls whose reservation was released
   * @throws IllegalStateException if the store cannot be reached
   */
  int expireReservations(Instant now);

  /**
   * Reads a running total; the line's amount is ignored.
   *
   * @param line which total
   * @return its spend and reservations, zero if it was never used
   * @throws IllegalStateException if the store cannot be reached
   */
  BudgetUsage usage(BudgetLine line);

  /** {@return whether the store can keep rolling-window budgets; false by default} */
  default boolean supportsRollingWindows() {
    return false;
  }
}
