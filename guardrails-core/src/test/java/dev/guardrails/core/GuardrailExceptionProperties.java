package dev.guardrails.core;

import static dev.guardrails.core.Fixtures.USD;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

final class GuardrailExceptionProperties {

  /** An internal value that must never reach an end user, and the marker to look for. */
  record Internal(String text, String marker) {}

  @Property(tries = 300)
  void everyException_internalsNeverInPublicMessage(@ForAll("internals") Internal internal) {
    String secret = internal.text();
    Instant resetsAt = Instant.parse("2026-11-23T00:00:00Z");
    List<GuardrailException> exceptions =
        List.of(
            new Unauthenticated(secret),
            new AccessDenied("invoice.read", secret),
            new AccessDenied(secret, "reason"),
            new NotFound("invoice", secret),
            new NotFound("invoice", "inv-1", secret),
            Conflict.staleVersion("invoice", secret, 1, 2),
            Conflict.duplicate("customer", secret),
            Conflict.idempotencyInFlight(secret),
            Conflict.idempotencyMismatch(secret),
            Conflict.state("invoice", secret, "paid", "approve"),
            InvalidInput.of(FieldError.of("amount", "must be positive", secret)),
            new RateLimited(secret, Duration.ofSeconds(3)),
            new BudgetExceeded(secret, Money.of("5", USD), Money.of("5", USD), resetsAt),
            new UpstreamUnavailable(secret, secret, new IllegalStateException(secret)),
            new UpstreamUnavailable(secret, Duration.ofSeconds(1), secret, null));

    for (GuardrailException e : exceptions) {
      assertThat(e.publicMessage()).doesNotContain(internal.marker());
      assertThat(e.getMessage()).isEqualTo(e.publicMessage());
      assertThat(e.getLocalizedMessage()).isEqualTo(e.publicMessage());
      assertThat(e.toString()).doesNotContain(internal.marker());
      assertThat(e.logMessage()).doesNotContain("\n").doesNotContain("\r");
    }
  }

  @Property(tries = 500)
  void fieldError_anyRejectedValue_shortAndFreeOfControlCharacters(
      @ForAll("anyText") String value) {
    FieldError error = FieldError.of("field", "is invalid", value);

    String kept = error.rejectedValue().orElseThrow();
    assertThat(kept.length()).isLessThanOrEqualTo(FieldError.MAX_VALUE + 1);
    assertThat(kept.codePoints().noneMatch(Text::isUnsafe)).isTrue();
    assertThat(kept.chars().noneMatch(c -> Character.isISOControl(c))).isTrue();
  }

  @Property(tries = 300)
  void fieldError_anyPathAndProblem_cleanedForMessages(
      @ForAll("anyText") String path, @ForAll("anyText") String problem) {
    if (path.isBlank() || problem.isBlank()) {
      return;
    }
    InvalidInput e = InvalidInput.of(FieldError.withoutValue(path, problem));

    assertThat(e.publicMessage().codePoints().noneMatch(Text::isUnsafe)).isTrue();
    assertThat(e.fieldErrors().get(0).path().length()).isLessThanOrEqualTo(FieldError.MAX_TEXT + 1);
  }

  @Provide
  Arbitrary<String> anyText() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(200),
        Arbitraries.strings()
            .withChars("a\n\r\t\u0000\u001b\u007f\u0085\u2028\u2029\u202e\u200b\\\"")
            .ofMaxLength(100),
        Arbitraries.strings().withCharRange('\ud800', '\udfff').ofMaxLength(10));
  }

  @Provide
  Arbitrary<Internal> internals() {
    Arbitrary<String> markers =
        Arbitraries.strings().withChars("0123456789abcdef").ofLength(12).map(s -> "zq" + s);
    Arbitrary<String> templates =
        Arbitraries.of(
            "SELECT * FROM users WHERE email = '%s' AND password_hash IS NOT NULL",
            "ERROR: duplicate key value violates unique constraint \"users_pkey\" %s",
            "java.sql.SQLException: %s\n\tat org.postgresql.core.v3.QueryExecutorImpl.receive"
                + "(QueryExecutorImpl.java:2733)\n\tat com.acme.Repo.save(Repo.java:42)",
            "/home/deploy/app/config/secrets-%s.yml",
            "C:\\Users\\admin\\%s\\.aws\\credentials",
            "Bearer eyJhbGciOiJIUzI1NiJ9.%s.c2lnbmF0dXJl",
            "sk_live_%s",
            "connect to 10.0.3.17:5432 failed for user %s",
            "%s");
    return Combinators.combine(templates, markers)
        .as((template, marker) -> new Internal(String.format(template, marker), marker));
  }
}
