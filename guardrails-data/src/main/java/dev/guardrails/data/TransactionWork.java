package dev.guardrails.data;

import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * A unit of work that runs inside one database transaction; see {@link
 * Database#inTransaction(TransactionWork)}.
 *
 * @param <T> the work's result
 */
@FunctionalInterface
public interface TransactionWork<T extends @Nullable Object> {

  /**
   * Runs the work. Returning commits the transaction; throwing rolls it back.
   *
   * @param tx the transaction, valid only until this method returns
   * @return the result
   * @throws SQLException if a statement fails; wrapped once in {@link DataAccessException}
   */
  T execute(Transaction tx) throws SQLException;
}
