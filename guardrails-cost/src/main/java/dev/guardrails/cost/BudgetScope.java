package dev.guardrails.cost;

import dev.guardrails.core.Actor;

/**
 * Whose spending a {@link Budget} counts: one actor, one tenant, one operation or everything.
 *
 * <p>Each scope turns a call's actor and operation into a scope key; a budget keeps one running
 * total per scope key and period.
 */
public enum BudgetScope {
  /** One total for every call the budget applies to. */
  GLOBAL,
  /** One total per tenant. */
  TENANT,
  /** One total per actor within its tenant (the same actor id in two tenants counts twice). */
  ACTOR,
  /** One total per operation name. */
  OPERATION;

  /**
   * Returns the scope key of a call, e.g. {@code "tenant:acme"} or {@code "actor:acme/u-42"} (a
   * {@code /} or {@code %} inside an id is escaped as {@code %2F} or {@code %25}).
   *
   * @param actor who makes the call
   * @param operation the operation called
   * @return the key under which the budget counts this call
   */
  String key(Actor actor, String operation) {
    return switch (this) {
      case GLOBAL -> "global";
      case TENANT -> "tenant:" + actor.tenantId();
      case ACTOR -> "actor:" + escape(actor.tenantId()) + "/" + escape(actor.id());
      case OPERATION -> "operation:" + operation;
    };
  }

  /**
   * Escapes {@code %} and {@code /} so that tenant "t/a" with actor "b" is not tenant "t" with
   * "a/b".
   */
  private static String escape(String id) {
    if (id.indexOf('/') < 0 && id.indexOf('%') < 0) {
      return id;
    }
    return id.replace("%", "%25").replace("/", "%2F");
  }
}
