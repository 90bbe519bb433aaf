package dev.guardrails.data;

import java.sql.SQLException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An unchecked wrapper for a {@link SQLException} raised by the database or the driver while
 * guardrails-data ran a statement or a transaction; the transaction it belonged to was rolled back.
 *
 * <p>This is an infrastructure failure, not a guardrail decision: it maps to a 5xx error. The
 * message names the operation; the driver's message is kept in the cause.
 *
 * <p>Immutable and thread-safe.
 */
public final class DataAccessException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final @Nullable String sqlState;

  /**
   * Creates the exception.
   *
   * @param operation what was being done, e.g. "insert into notes"
   * @param cause the driver's exception
   * @throws NullPointerException if an argument is null
   */
  public DataAccessException(String operation, SQLException cause) {
    super(
        Objects.requireNonNull(operation, "operation")
            + " failed (SQL state "
            + Objects.requireNonNull(cause, "cause").getSQLState()
            + ")",
        cause);
    this.sqlState = cause.getSQLState();
  }

  /** {@return the SQL state of the driver's exception, e.g. "40001", or null if it had none} */
  public @Nullable String sqlState() {
    return sqlState;
  }
}
