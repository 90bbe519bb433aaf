package dev.guardrails.errors.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.guardrails.core.FieldError;
import dev.guardrails.core.InvalidInput;
import dev.guardrails.errors.ErrorBoundary;
import dev.guardrails.errors.FailureClass;
import dev.guardrails.errors.Problem;
import dev.guardrails.errors.ProblemMappings;
import dev.guardrails.errors.ProblemTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Fuzzes problem rendering: whatever an exception says and whatever field errors it carries, the
 * problem renders as JSON that reads back equal, and an unsafe mapped detail never survives.
 */
final class ProblemRenderingFuzzTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static final ErrorBoundary BOUNDARY =
      ErrorBoundary.builder()
          .random(new Random(1))
          .loggerName("fuzz.quiet")
          .mappings(
              ProblemMappings.builder()
                  .map(
                      IllegalArgumentException.class,
                      e ->
                          ProblemTemplate.of(
                                  FailureClass.CLIENT_ERROR, 400, "bad_request", "Bad request")
                              .withDetail(String.valueOf(e.getMessage())))
                  .build())
          .build();

  @FuzzTest(maxDuration = "10s")
  void render_anyFailure_roundTripsAndHidesInternals(FuzzedDataProvider data) throws Exception {
    String message = data.consumeString(200);
    List<FieldError> errors = new ArrayList<>();
    int count = data.consumeInt(0, 4);
    for (int i = 0; i < count; i++) {
      String path = data.consumeString(40);
      String problem = data.consumeString(60);
      if (!path.isBlank() && !problem.isBlank()) {
        errors.add(FieldError.withoutValue(path, problem));
      }
    }
    Throwable failure =
        switch (data.consumeInt(0, 2)) {
          case 0 -> new IllegalStateException(message);
          case 1 -> new IllegalArgumentException(message);
          default -> errors.isEmpty() ? new RuntimeException(message) : InvalidInput.of(errors);
        };
    Problem problem = BOUNDARY.handle(failure).problem();
    byte[] json = problem.toJsonBytes();
    assertThat(MAPPER.readValue(json, Problem.class)).isEqualTo(problem);
    if (failure instanceof IllegalStateException && message.length() > 3) {
      assertThat(problem.detail()).doesNotContain(message);
    }
    assertThat(problem.detail()).doesNotContain("Exception", "password=", "SELECT ");
    for (Problem.InvalidField field : problem.errors()) {
      assertThat(field.pointer()).startsWith("#");
    }
  }
}
