package dev.guardrails.errors.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.guardrails.core.FieldError;
import dev.guardrails.core.InvalidInput;
import dev.guardrails.errors.json.StrictJson;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes the strict reader: any byte sequence either binds or fails with core's InvalidInput whose
 * message names no library internals. Runs its seeds as a regression test under {@code mvn test};
 * {@code JAZZER_FUZZ=1} fuzzes for real.
 */
final class StrictJsonFuzzTest {

  enum Kind {
    A,
    B
  }

  record Line(String sku, int quantity, BigDecimal amount, Kind kind) {}

  record Doc(
      String id,
      long version,
      boolean flag,
      List<Line> lines,
      Map<String, Integer> counts,
      String note) {}

  private static final StrictJson JSON =
      StrictJson.builder().maxDocumentBytes(4_096).maxDepth(16).maxStringLength(512).build();

  @FuzzTest(maxDuration = "10s")
  void read_anyBytes_valueOrInvalidInput(byte[] input) {
    try {
      assertThat(JSON.read(input, Doc.class)).isNotNull();
    } catch (InvalidInput e) {
      assertThat(e.fieldErrors()).isNotEmpty();
      assertThat(e.publicMessage())
          .doesNotContain("com.fasterxml", "jackson", "Exception", "dev.guardrails");
      for (FieldError error : e.fieldErrors()) {
        assertThat(error.path()).isNotBlank();
        assertThat(error.rejectedValue()).isEmpty();
      }
    }
  }
}
