package dev.guardrails.data;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Maps the current row of a result set to a value; must not move the cursor.
 *
 * @param <T> the mapped type
 */
@FunctionalInterface
public interface RowMapper<T> {

  /**
   * Maps the current row.
   *
   * @param row the result set, positioned on the row
   * @return the value; never null
   * @throws SQLException if a column cannot be read
   */
  T map(ResultSet row) throws SQLException;
}
