package dev.guardrails.auth;

import dev.guardrails.core.Actor;
import dev.guardrails.core.EventContext;
import dev.guardrails.core.EventSink;
import java.time.Clock;
import java.util.Objects;

/**
 * Publishes the audit events of the auth boundary that only the application can observe: logins
 * that succeed or fail, and privileged actions (role changes, impersonation, secret reads). Each
 * event is stamped with the clock and the request bound to the thread ({@link
 * dev.guardrails.core.GuardContext}), so the trail answers "who did what, when, from which
 * request". Never pass a password, a token or a secret to it.
 *
 * <pre>{@code
 * AuthAudit audit = AuthAudit.to(sink, clock);
 * audit.loginFailed(form.email(), "password", "bad_password");
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class AuthAudit {

  private final EventSink sink;
  private final Clock clock;

  private AuthAudit(EventSink sink, Clock clock) {
    this.sink = sink;
    this.clock = clock;
  }

  /**
   * Returns an audit that publishes to a sink.
   *
   * @param sink where events go
   * @param clock the clock that stamps them
   * @return the audit
   * @throws NullPointerException if an argument is null
   */
  public static AuthAudit to(EventSink sink, Clock clock) {
    return new AuthAudit(
        Objects.requireNonNull(sink, "sink"), Objects.requireNonNull(clock, "clock"));
  }

  /**
   * Records a successful login.
   *
   * @param actor who logged in
   * @param method how, e.g. {@code password}
   * @throws NullPointerException if an argument is null
   */
  public void loginSucceeded(Actor actor, String method) {
    sink.publish(
        AuthEvent.loginSucceeded(
            EventContext.capture(clock),
            Objects.requireNonNull(actor, "actor"),
            Objects.requireNonNull(method, "method")));
  }

  /**
   * Records a failed login.
   *
   * @param claimedUserId what the client claimed to be (cut and cleaned before it is stored)
   * @param method how the login was attempted
   * @param reason why it failed, e.g. {@code bad_password}
   * @throws NullPointerException if an argument is null
   */
  public void loginFailed(String claimedUserId, String method, String reason) {
    sink.publish(
        AuthEvent.loginFailed(
            EventContext.capture(clock),
            Objects.requireNonNull(claimedUserId, "claimedUserId"),
            Objects.requireNonNull(method, "method"),
            Objects.requireNonNull(reason, "reason")));
  }

  /**
   * Records a privileged action.
   *
   * @param actor who acted
   * @param action what, e.g. {@code role.grant}
   * @param target on what, e.g. {@code user u-42}
   * @throws NullPointerException if an argument is null
   */
  public void privilegedAction(Actor actor, String action, String target) {
    sink.publish(
        AuthEvent.privilegedAction(
            EventContext.capture(clock),
            Objects.requireNonNull(actor, "actor"),
            Objects.requireNonNull(action, "action"),
            Objects.requireNonNull(target, "target")));
  }
}
