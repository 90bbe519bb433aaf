package dev.guardrails.cost.spi;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link BudgetStore} answers to a reservation: granted in every line, or refused because
 * one line would cross its limit (and then nothing was reserved).
 *
 * <p>Immutable and thread-safe.
 */
public final class ReserveOutcome {

  private static final ReserveOutcome GRANTED = new ReserveOutcome(true, -1, 0, 0, null);

  private final boolean granted;
  private final int refusedLine;
  private final long spentMicros;
  private final long reservedMicros;
  private final @Nullable Instant rollingResetsAt;

  private ReserveOutcome(
      boolean granted,
      int refusedLine,
      long spentMicros,
      long reservedMicros,
      @Nullable Instant rollingResetsAt) {
    this.granted = granted;
    this.refusedLine = refusedLine;
    this.spentMicros = spentMicros;
    this.reservedMicros = reservedMicros;
    this.rollingResetsAt = rollingResetsAt;
  }

  /** {@return the shared outcome of a granted reservation} */
  public static ReserveOutcome granted() {
    return GRANTED;
  }

  /**
   * Returns a refusal.
   *
   * @param refusedLine the index of the line that would cross its limit
   * @param spentMicros that line's settled spend in the period
   * @param reservedMicros that line's reservations in flight
   * @param rollingResetsAt for a rolling line, when enough spend leaves the window for the amount
   *     to fit; null for a calendar line
   * @return the refusal
   * @throws IllegalArgumentException if the index or an amount is negative
   */
  public static ReserveOutcome refused(
      int refusedLine, long spentMicros, long reservedMicros, @Nullable Instant rollingResetsAt) {
    if (refusedLine < 0) {
      throw new IllegalArgumentException(
          "refusedLine must not be negative, but was " + refusedLine);
    }
    if (spentMicros < 0 || reservedMicros < 0) {
      throw new IllegalArgumentException(
          "amounts must not be negative, but were " + spentMicros + " and " + reservedMicros);
    }
    return new ReserveOutcome(false, refusedLine, spentMicros, reservedMicros, rollingResetsAt);
  }

  /** {@return whether every line was reserved} */
  public boolean isGranted() {
    return granted;
  }

  /** {@return the index of the refusing line, or -1 when granted} */
  public int refusedLine() {
    return refusedLine;
  }

  /** {@return the refusing line's settled spend} */
  public long spentMicros() {
    return spentMicros;
  }

  /** {@return the refusing line's reservations in flight} */
  public long reservedMicros() {
    return reservedMicros;
  }

  /** {@return for a refused rolling line, when it is expected to have room again; else null} */
  public @Nullable Instant rollingResetsAt() {
    return rollingResetsAt;
  }

  @Override
  public String toString() {
    return granted
        ? "granted"
        : "refused(line "
            + refusedLine
            + ", spent "
            + spentMicros
            + ", reserved "
            + reservedMicros
            + ")";
  }
}
