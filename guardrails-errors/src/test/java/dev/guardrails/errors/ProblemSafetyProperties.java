package dev.guardrails.errors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.guardrails.errors.internal.IncidentIds;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever an exception says, nothing of it reaches the problem. */
final class ProblemSafetyProperties {

  private static final ErrorBoundary BOUNDARY =
      ErrorBoundary.builder().random(new Random(11)).loggerName("test.quiet").build();

  @Provide
  Arbitrary<String> messages() {
    Arbitrary<String> secret =
        Arbitraries.of(
            "password=hunter2",
            "SELECT * FROM users",
            "/home/app/secret.key",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln",
            "sk_live_abcdefghijklmnop",
            "java.lang.IllegalStateException");
    return Arbitraries.strings()
        .ofMinLength(1)
        .ofMaxLength(60)
        .alpha()
        .numeric()
        .withChars("-_./:=' ")
        .flatMap(noise -> secret.map(s -> noise + " " + s + " " + noise));
  }

  @Property(tries = 200)
  void bugProblem_neverContainsTheExceptionMessage(@ForAll("messages") String message) {
    Problem problem = BOUNDARY.handle(new IllegalStateException(message)).problem();
    String json = new String(problem.toJsonBytes(), StandardCharsets.UTF_8);
    assertThat(json).doesNotContain(message.trim());
    assertThat(json)
        .doesNotContain("hunter2", "SELECT", "secret.key", "eyJhbGci", "sk_live", "java.lang");
    assertThat(problem.status()).isEqualTo(500);
  }

  @Property(tries = 200)
  void mappedDetail_keptOnlyWhenSafe(@ForAll("messages") String message) {
    ProblemMappings mappings =
        ProblemMappings.builder()
            .map(
                IllegalArgumentException.class,
                e ->
                    ProblemTemplate.of(FailureClass.CLIENT_ERROR, 400, "bad", "Bad")
                        .withDetail(String.valueOf(e.getMessage())))
            .build();
    Problem problem =
        ErrorBoundary.builder()
            .mappings(mappings)
            .loggerName("test.quiet")
            .build()
            .handle(new IllegalArgumentException(message))
            .problem();
    assertThat(problem.detail())
        .doesNotContain("hunter2", "SELECT", "secret.key", "eyJhbGci", "sk_live");
  }

  @Property
  void incidentIds_haveTheReadableFormat(@ForAll long seed) {
    assertThat(IncidentIds.next(new Random(seed)))
        .matches("[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}");
  }
}
