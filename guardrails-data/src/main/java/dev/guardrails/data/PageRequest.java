package dev.guardrails.data;

import java.util.Objects;

/**
 * Which slice of a list to read and in which order: an offset, a limit of at most {@value
 * #MAX_LIMIT} rows and an optional sort column (checked against the mapping's columns, never pasted
 * into SQL unchecked). Ties are broken by the id column, so pages are stable.
 *
 * <p>Immutable and thread-safe.
 *
 * @param offset how many rows to skip, at least 0
 * @param limit how many rows to return, 1 to {@value #MAX_LIMIT}
 * @param sortColumn the column to sort by; empty for the id column
 * @param descending whether to sort in descending order
 */
public record PageRequest(long offset, int limit, String sortColumn, boolean descending) {

  /** The largest page. */
  public static final int MAX_LIMIT = 1000;

  /**
   * Checks the request.
   *
   * @throws NullPointerException if {@code sortColumn} is null
   * @throws IllegalArgumentException if the offset is negative or the limit out of range
   */
  public PageRequest {
    Objects.requireNonNull(sortColumn, "sortColumn");
    if (offset < 0) {
      throw new IllegalArgumentException("offset must not be negative, but was " + offset);
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException(
          "limit must be between 1 and " + MAX_LIMIT + ", but was " + limit);
    }
  }

  /**
   * Returns the first page, sorted by id.
   *
   * @param limit how many rows, 1 to {@value #MAX_LIMIT}
   * @return the request
   * @throws IllegalArgumentException if the limit is out of range
   */
  public static PageRequest first(int limit) {
    return new PageRequest(0, limit, "", false);
  }

  /**
   * Returns this request sorted ascending by a column.
   *
   * @param column a mapped column
   * @return a new request
   * @throws NullPointerException if {@code column} is null
   */
  public PageRequest sortedBy(String column) {
    return new PageRequest(offset, limit, column, false);
  }

  /**
   * Returns this request sorted descending by a column.
   *
   * @param column a mapped column
   * @return a new request
   * @throws NullPointerException if {@code column} is null
   */
  public PageRequest sortedDescendingBy(String column) {
    return new PageRequest(offset, limit, column, true);
  }

  /** {@return the request for the page after this one} */
  public PageRequest next() {
    return new PageRequest(offset + limit, limit, sortColumn, descending);
  }
}
