package dev.guardrails.data;

import java.util.List;
import java.util.Objects;

/**
 * One page of a list.
 *
 * <p>Immutable and thread-safe if the items are.
 *
 * @param items the rows of the page, in order; an immutable copy
 * @param request the request that produced the page
 * @param hasMore whether at least one more row follows
 * @param <T> the row type
 */
public record Page<T>(List<T> items, PageRequest request, boolean hasMore) {

  /**
   * Copies the items.
   *
   * @throws NullPointerException if an argument or an item is null
   */
  public Page {
    items = List.copyOf(items);
    Objects.requireNonNull(request, "request");
  }
}
