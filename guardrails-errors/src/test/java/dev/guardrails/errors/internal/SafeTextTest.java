package dev.guardrails.errors.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.guardrails.core.AccessDenied;
import dev.guardrails.core.BudgetExceeded;
import dev.guardrails.core.Conflict;
import dev.guardrails.core.FieldError;
import dev.guardrails.core.GuardrailException;
import dev.guardrails.core.InvalidInput;
import dev.guardrails.core.Money;
import dev.guardrails.core.NotFound;
import dev.guardrails.core.RateLimited;
import dev.guardrails.core.Unauthenticated;
import dev.guardrails.core.UpstreamUnavailable;
import java.time.Duration;
import java.time.Instant;
import java.util.Currency;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class SafeTextTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "java.lang.NullPointerException: Cannot invoke \"String.length()\"",
        "NullPointerException",
        "\tat com.acme.Orders.place(Orders.java:42)",
        "Caused by: boom",
        "failed to open /var/lib/app/data.db",
        "C:\\Users\\app\\secrets.txt",
        "see Orders.java",
        "ERROR: relation \"users\" does not exist; SELECT id FROM users",
        "INSERT INTO orders VALUES (1)",
        "SQLSTATE 23505",
        "ORA-00942: table or view does not exist",
        "jdbc:postgresql://db:5432/app",
        "https://admin:pw@internal.example.com/",
        "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig",
        "Authorization: Bearer abcdefghijklmnop",
        "key sk_live_51Habcdefghijkl",
        "AKIAABCDEFGHIJKLMNOP",
        "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
        "-----BEGIN PRIVATE KEY-----",
        "password=hunter2",
        "api_key: abc",
        "0123456789abcdef0123456789abcdef",
        "line one\nline two",
        "right-to-left \u202E override",
        " "
      })
  void isSafeForUsers_internalText_rejected(String text) {
    assertThat(SafeText.isSafeForUsers(text)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Your card was declined.",
        "The requested invoice was not found.",
        "password: must be at least 12 characters",
        "Please try again in 30 seconds.",
        "\u201CSmart quotes\u201D and caf\u00E9 are fine"
      })
  void isSafeForUsers_userText_accepted(String text) {
    assertThat(SafeText.isSafeForUsers(text)).isTrue();
  }

  @Test
  void isSafeForUsers_everyCorePublicMessage_accepted() {
    Currency usd = Currency.getInstance("USD");
    List<GuardrailException> core =
        List.of(
            new AccessDenied("invoice.read", "not owner"),
            new Unauthenticated("no token"),
            new NotFound("invoice", "inv-1"),
            Conflict.staleVersion("invoice", "inv-1", 1, 2),
            Conflict.duplicate("customer", "email=a@example.com"),
            Conflict.idempotencyInFlight("key-1"),
            Conflict.idempotencyMismatch("key-1"),
            InvalidInput.of(
                FieldError.withoutValue("items[2].amount", "expected a number, got a string")),
            new RateLimited("login", Duration.ofSeconds(30)),
            new BudgetExceeded(
                "openai/day",
                Money.ofMicros(5_000_000, usd),
                Money.ofMicros(5_000_000, usd),
                Instant.EPOCH),
            new UpstreamUnavailable("openai", "circuit open", null));
    for (GuardrailException e : core) {
      assertThat(SafeText.isSafeForUsers(e.publicMessage())).as(e.publicMessage()).isTrue();
    }
  }

  @Test
  void looksSecret_pathsAreNotSecretsButTokensAre() {
    assertThat(SafeText.looksSecret("/orders/7")).isFalse();
    assertThat(SafeText.looksSecret("/reset/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIx.sig")).isTrue();
  }
}
