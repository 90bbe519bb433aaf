package dev.guardrails.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.guardrails.core.Actor;
import dev.guardrails.core.GuardContext;
import dev.guardrails.core.InMemoryEventSink;
import dev.guardrails.core.Severity;
import dev.guardrails.core.Unauthenticated;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

final class AuthAuditTest {

  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

  private final InMemoryEventSink events = new InMemoryEventSink();
  private final AuthAudit audit = AuthAudit.to(events, Clock.fixed(NOW, ZoneOffset.UTC));
  private final Actor admin = Actor.person("root-1", "ops", "admin");

  @Test
  void loginSucceeded_carriesActorMethodAndRequest() {
    try (GuardContext.Scope scope = GuardContext.of(admin, "req-7", NOW).open()) {
      assertThat(scope.context().correlationId()).isEqualTo("req-7");
      audit.loginSucceeded(admin, "password");
    }

    AuthEvent event = events.events(AuthEvent.class).get(0);
    assertThat(event.type()).isEqualTo("auth.login_succeeded");
    assertThat(event.severity()).isEqualTo(Severity.INFO);
    assertThat(event.context().correlationId()).contains("req-7");
    assertThat(event.context().occurredAt()).isEqualTo(NOW);
    assertThat(event.attributes())
        .containsEntry("actor_id", "root-1")
        .containsEntry("tenant_id", "ops")
        .containsEntry("method", "password");
  }

  @Test
  void loginFailed_claimedIdIsCutAndCleaned() {
    audit.loginFailed("mallory\r\nforged=line" + "x".repeat(500), "password", "bad_password");

    AuthEvent event = events.events(AuthEvent.class).get(0);
    assertThat(event.type()).isEqualTo("auth.login_failed");
    assertThat(event.severity()).isEqualTo(Severity.WARN);
    assertThat(event.attributes().get("claimed_user_id"))
        .startsWith("mallory??forged=line")
        .hasSize(128)
        .doesNotContain("\n");
    assertThat(event.attributes()).containsEntry("reason", "bad_password");
  }

  @Test
  void privilegedAction_recorded() {
    audit.privilegedAction(admin, "role.grant", "user u-42");

    assertThat(events.events(AuthEvent.class).get(0).attributes())
        .containsEntry("action", "role.grant")
        .containsEntry("target", "user u-42");
  }

  @Test
  void reasonOf_otherUnauthenticated_isEmpty() {
    assertThat(TokenRejection.reasonOf(new Unauthenticated("no session cookie"))).isEmpty();
    assertThat(
            TokenRejection.reasonOf(
                TokenRejection.of(TokenRejection.Reason.REVOKED, "x").toException()))
        .contains(TokenRejection.Reason.REVOKED);
  }
}
