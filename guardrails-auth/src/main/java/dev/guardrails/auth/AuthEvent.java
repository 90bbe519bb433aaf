package dev.guardrails.auth;

import dev.guardrails.core.Actor;
import dev.guardrails.core.EventContext;
import dev.guardrails.core.GuardrailEvent;
import dev.guardrails.core.Severity;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An event of the auth boundary for the audit trail: a login that succeeded or failed, a session
 * issued or revoked, a privileged action. Together with {@link TokenRejectedEvent} and core's
 * access decisions it answers "who did what, when, from which request"; it never holds a token, a
 * password or a secret.
 *
 * <p>Types: {@code auth.login_succeeded} (INFO), {@code auth.login_failed} (WARN), {@code
 * auth.session_issued} (INFO), {@code auth.session_revoked} (INFO), {@code auth.privileged_action}
 * (WARN). Immutable and thread-safe.
 *
 * @param type the event type
 * @param severity how much attention it deserves
 * @param context when and in which request
 * @param attributes the type-specific fields, in a stable order
 */
public record AuthEvent(
    String type, Severity severity, EventContext context, Map<String, String> attributes)
    implements GuardrailEvent {

  private static final int MAX_VALUE = 128;

  /**
   * Checks and copies the components.
   *
   * @throws NullPointerException if a component is null
   */
  public AuthEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(context, "context");
    attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
  }

  /**
   * A successful login.
   *
   * @param context when and in which request
   * @param actor who logged in
   * @param method how, e.g. {@code password}, {@code oidc}, {@code magic_link}
   * @return the event
   */
  public static AuthEvent loginSucceeded(EventContext context, Actor actor, String method) {
    return new AuthEvent(
        "auth.login_succeeded",
        Severity.INFO,
        context,
        fields("actor_id", actor.id(), "tenant_id", actor.tenantId(), "method", method));
  }

  /**
   * A failed login. The claimed user id comes from the client, so it is cut to {@value #MAX_VALUE}
   * printable characters.
   *
   * @param context when and in which request
   * @param claimedUserId the user id or e-mail the client claimed
   * @param method how the login was attempted
   * @param reason why it failed, e.g. {@code bad_password}, {@code unknown_user}, {@code locked}
   * @return the event
   */
  public static AuthEvent loginFailed(
      EventContext context, String claimedUserId, String method, String reason) {
    return new AuthEvent(
        "auth.login_failed",
        Severity.WARN,
        context,
        fields("claimed_user_id", safe(claimedUserId), "method", method, "reason", reason));
  }

  /**
   * A session token was issued.
   *
   * @param context when and in which request
   * @param actor whose session
   * @param sessionId the session's id (not the token)
   * @param expiresAt when the token expires, ISO-8601
   * @return the event
   */
  public static AuthEvent sessionIssued(
      EventContext context, Actor actor, String sessionId, String expiresAt) {
    return new AuthEvent(
        "auth.session_issued",
        Severity.INFO,
        context,
        fields(
            "actor_id",
            actor.id(),
            "tenant_id",
            actor.tenantId(),
            "session_id",
            sessionId,
            "expires_at",
            expiresAt));
  }

  /**
   * A session was revoked.
   *
   * @param context when and in which request
   * @param sessionId the session's id
   * @return the event
   */
  public static AuthEvent sessionRevoked(EventContext context, String sessionId) {
    return new AuthEvent(
        "auth.session_revoked", Severity.INFO, context, fields("session_id", safe(sessionId)));
  }

  /**
   * A privileged action: one that crosses tenants, changes roles, reads secrets or impersonates.
   *
   * @param context when and in which request
   * @param actor who acted
   * @param action what, e.g. {@code role.grant}
   * @param target on what, e.g. {@code user u-42}
   * @return the event
   */
  public static AuthEvent privilegedAction(
      EventContext context, Actor actor, String action, String target) {
    return new AuthEvent(
        "auth.privileged_action",
        Severity.WARN,
        context,
        fields(
            "actor_id",
            actor.id(),
            "tenant_id",
            actor.tenantId(),
            "action",
            action,
            "target",
            safe(target)));
  }

  private static Map<String, String> fields(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], Objects.requireNonNull(keysAndValues[i + 1], keysAndValues[i]));
    }
    return map;
  }

  private static String safe(String value) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < value.length() && out.length() < MAX_VALUE; i++) {
      char c = value.charAt(i);
      out.append(Character.isISOControl(c) || Character.getType(c) == Character.FORMAT ? '?' : c);
    }
    return out.toString();
  }
}
