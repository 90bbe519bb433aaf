package dev.guardrails.auth;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of an authorization check: allowed or denied, and why. Decisions are shared
 * constants, so deciding allocates nothing; compare them by {@link #reason()}.
 *
 * <p>Immutable and thread-safe.
 */
public final class Decision {

  /** Why a check came out as it did. */
  public enum Reason {
    /** Allowed: the actor's roles grant the permission (check without a resource). */
    GRANTED(true),
    /** Allowed: the actor's roles grant the permission on any record of its own tenant. */
    TENANT_GRANT(true),
    /** Allowed: the actor owns the record and holds the permission on its own records. */
    OWNER(true),
    /** Allowed: the actor's roles grant the permission across tenants (an explicit admin grant). */
    CROSS_TENANT_GRANT(true),
    /** Denied: no role of the actor grants the permission. */
    NO_GRANT(false),
    /** Denied: the permission is not known to the policy (a typo fails closed). */
    UNKNOWN_PERMISSION(false),
    /** Denied: the record belongs to another tenant. */
    OTHER_TENANT(false),
    /** Denied: the actor may act on its own records only, and this one is not its own. */
    NOT_OWNER(false);

    private final boolean allowed;

    Reason(boolean allowed) {
      this.allowed = allowed;
    }

    /** {@return whether this reason allows the action} */
    public boolean allows() {
      return allowed;
    }
  }

  private static final Map<Reason, Decision> BY_REASON = new EnumMap<>(Reason.class);

  static {
    for (Reason reason : Reason.values()) {
      BY_REASON.put(reason, new Decision(reason));
    }
  }

  private final Reason reason;

  private Decision(Reason reason) {
    this.reason = reason;
  }

  /**
   * Returns the decision for a reason.
   *
   * @param reason the reason
   * @return the shared decision
   * @throws NullPointerException if the reason is null
   */
  public static Decision of(Reason reason) {
    return Objects.requireNonNull(BY_REASON.get(Objects.requireNonNull(reason, "reason")));
  }

  /** {@return whether the action is allowed} */
  public boolean allowed() {
    return reason.allows();
  }

  /** {@return whether the action is denied} */
  public boolean denied() {
    return !reason.allows();
  }

  /** {@return why} */
  public Reason reason() {
    return reason;
  }

  /** {@return e.g. {@code Decision[denied: OTHER_TENANT]}} */
  @Override
  public String toString() {
    return "Decision[" + (allowed() ? "allowed: " : "denied: ") + reason + "]";
  }
}
