package dev.guardrails.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

final class CorrelationIdsProperties {

  @Property
  void fromHeaderOrNew_anyHeader_returnsValidId(
      @ForAll("headers") String header, @ForAll long seed) {
    String id = CorrelationIds.fromHeaderOrNew(header, new SplittableRandom(seed));

    assertThat(CorrelationIds.isValid(id)).isTrue();
    if (CorrelationIds.isValid(header)) {
      assertThat(id).isEqualTo(header);
    }
  }

  @Property
  void newId_anySeed_isValid(@ForAll long seed) {
    assertThat(CorrelationIds.isValid(CorrelationIds.newId(new SplittableRandom(seed)))).isTrue();
  }

  @Provide
  Arbitrary<String> headers() {
    return Arbitraries.oneOf(
            Arbitraries.strings().all().ofMaxLength(200),
            Arbitraries.strings().withChars("abcXYZ019._:-").ofMinLength(0).ofMaxLength(140),
            Arbitraries.strings().withChars("ab\r\n\t =\"\u2028\u202e").ofMaxLength(20))
        .injectNull(0.05);
  }
}
