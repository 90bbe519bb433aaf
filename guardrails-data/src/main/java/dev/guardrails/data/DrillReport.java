package dev.guardrails.data;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one {@link RestoreDrill} run.
 *
 * <p>Immutable and thread-safe.
 *
 * @param startedAt when the drill started, by the drill's clock
 * @param duration how long backup, restore and comparison took, by the drill's clock
 * @param tables per table: rows and checksums on both sides
 * @param failure why the drill failed before comparing, if it did
 */
public record DrillReport(
    Instant startedAt, Duration duration, List<TableResult> tables, Optional<String> failure) {

  /**
   * Copies the tables.
   *
   * @throws NullPointerException if a field is null
   */
  public DrillReport {
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(duration, "duration");
    tables = List.copyOf(tables);
    Objects.requireNonNull(failure, "failure");
  }

  /** {@return whether the restore completed and every table matched its source} */
  public boolean succeeded() {
    return failure.isEmpty() && tables.stream().allMatch(TableResult::matches);
  }

  /** {@return the number of rows restored, over all tables} */
  public long restoredRows() {
    return tables.stream().mapToLong(TableResult::restoredRows).sum();
  }

  /** {@return a one-line summary} */
  public String summary() {
    if (failure.isPresent()) {
      return "restore drill failed: " + failure.get();
    }
    List<String> mismatched =
        tables.stream().filter(t -> !t.matches()).map(TableResult::table).toList();
    return (mismatched.isEmpty()
            ? "restore drill succeeded: "
            : "restore drill found mismatches in " + mismatched + ": ")
        + tables.size()
        + " tables, "
        + restoredRows()
        + " rows in "
        + duration.toMillis()
        + " ms";
  }

  /**
   * One table's comparison.
   *
   * @param table the table
   * @param sourceRows rows in the source
   * @param restoredRows rows in the restored copy
   * @param sourceChecksum SHA-256 over the source's rows in key order
   * @param restoredChecksum SHA-256 over the restored rows in key order
   */
  public record TableResult(
      String table,
      long sourceRows,
      long restoredRows,
      String sourceChecksum,
      String restoredChecksum) {

    /**
     * Checks the fields.
     *
     * @throws NullPointerException if a field is null
     */
    public TableResult {
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(sourceChecksum, "sourceChecksum");
      Objects.requireNonNull(restoredChecksum, "restoredChecksum");
    }

    /** {@return whether row counts and checksums agree} */
    public boolean matches() {
      return sourceRows == restoredRows && sourceChecksum.equals(restoredChecksum);
    }
  }
}
