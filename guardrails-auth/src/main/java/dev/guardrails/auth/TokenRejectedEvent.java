package dev.guardrails.auth;

import dev.guardrails.core.EventContext;
import dev.guardrails.core.GuardrailEvent;
import dev.guardrails.core.Severity;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A bearer token was refused. Type {@code "auth.token_rejected"}, severity WARN. Carries the
 * machine-readable reason and a detail; never the token, a signature or a secret.
 *
 * <p>Immutable and thread-safe.
 *
 * @param context when and in which request
 * @param reason why the token was refused
 * @param detail what exactly was wrong, for logs
 * @param issuer the token's issuer when it is one of the trusted issuers
 */
public record TokenRejectedEvent(
    EventContext context, TokenRejection.Reason reason, String detail, Optional<String> issuer)
    implements GuardrailEvent {

  /**
   * Checks the components.
   *
   * @throws NullPointerException if a component is null
   */
  public TokenRejectedEvent {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(issuer, "issuer");
  }

  @Override
  public String type() {
    return "auth.token_rejected";
  }

  @Override
  public Severity severity() {
    return Severity.WARN;
  }

  @Override
  public Map<String, String> attributes() {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("reason", reason.name());
    attributes.put("detail", detail);
    issuer.ifPresent(value -> attributes.put("issuer", value));
    return java.util.Collections.unmodifiableMap(attributes);
  }
}
