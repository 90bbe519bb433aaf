package dev.guardrails.data;

import dev.guardrails.core.Actor;

/**
 * Decides which rows of a table an actor may see and write, beyond the tenant boundary that always
 * applies: every query of an {@link AuditedRepository} is limited to the actor's tenant, and then
 * to the rows the actor owns when the scope says {@link Visibility#OWNED}.
 *
 * <p>The interface uses core types only, so an authorization policy (for example guardrails-auth's)
 * can supply it as a lambda without this module depending on it: {@code (actor, table) ->
 * actor.hasRole("admin") ? Visibility.TENANT : Visibility.OWNED}. Implementations must be
 * thread-safe and fast: they run on every query.
 */
@FunctionalInterface
public interface RowScope {

  /** How far an actor's view of a table reaches. */
  enum Visibility {
    /** Every row of the actor's tenant. */
    TENANT,
    /** Only rows of the actor's tenant whose owner column holds the actor's id. */
    OWNED,
    /** No row at all: queries return nothing and writes are refused. */
    NONE
  }

  /**
   * Returns the visibility of a table for an actor.
   *
   * @param actor the actor of the current context
   * @param table the table's name as mapped
   * @return the visibility; never null
   */
  Visibility visibility(Actor actor, String table);

  /** {@return a scope that lets every actor see every row of their tenant} */
  static RowScope tenant() {
    return (actor, table) -> Visibility.TENANT;
  }

  /** {@return a scope that lets every actor see only the rows they own in their tenant} */
  static RowScope owner() {
    return (actor, table) -> Visibility.OWNED;
  }
}
