package dev.guardrails.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The size and encoding cases of any example are wrong in that one way only. */
final class MalformedJsonProperties {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int OVERSIZE = 20_000;

  @Property(tries = 200)
  void invalidUtf8_replacesEachTopLevelTextAndNothingElse(@ForAll("examples") ObjectNode example)
      throws Exception {
    List<String> texts = new ArrayList<>();
    for (Map.Entry<String, JsonNode> field : example.properties()) {
      if (field.getValue().isTextual()) {
        texts.add(field.getKey());
      }
    }
    List<MalformedJson.Case> cases = cases(example, MalformedJson.Defect.INVALID_UTF8);

    if (texts.isEmpty()) {
      assertThat(cases).singleElement();
      return;
    }
    List<String> replaced = new ArrayList<>();
    for (MalformedJson.Case malformed : cases) {
      assertThatThrownBy(() -> strictUtf8(malformed.body()))
          .isInstanceOf(CharacterCodingException.class);
      JsonNode lenient = MAPPER.readTree(new String(malformed.body(), StandardCharsets.UTF_8));
      List<String> differing = new ArrayList<>();
      for (Map.Entry<String, JsonNode> field : example.properties()) {
        if (!field.getValue().equals(lenient.get(field.getKey()))) {
          differing.add(field.getKey());
          // C3 decodes leniently as U+FFFD, then 28 is '(' before the untouched original text
          assertThat(lenient.get(field.getKey()).textValue())
              .isEqualTo("\uFFFD(" + field.getValue().textValue());
        }
      }
      assertThat(lenient.size()).isEqualTo(example.size());
      assertThat(differing).hasSize(1);
      replaced.addAll(differing);
    }
    assertThat(replaced).containsExactlyElementsOf(texts);
  }

  @Property(tries = 100)
  void oversized_isTheExampleItselfOneBytePastTheSize(@ForAll("examples") ObjectNode example)
      throws Exception {
    assertThat(cases(example, MalformedJson.Defect.OVERSIZED))
        .singleElement()
        .satisfies(
            malformed -> {
              assertThat(malformed.body().length).isEqualTo(OVERSIZE + 1);
              assertThat(MAPPER.readTree(malformed.body())).isEqualTo(example);
            });
  }

  @Provide
  Arbitrary<ObjectNode> examples() {
    // no lone surrogates: a string holding one has no UTF-8 form, so no body could carry it
    Arbitrary<Object> values =
        Arbitraries.oneOf(
            Arbitraries.strings().withCharRange('\u0000', '\ud7ff').ofMaxLength(12).map(s -> s),
            Arbitraries.strings().withChars("\"\\/\n\t\u0000é“”ab").ofMaxLength(8).map(s -> s),
            Arbitraries.integers().map(i -> (Object) i),
            Arbitraries.of(true, false).map(b -> (Object) b));
    return Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(6), values)
        .ofMaxSize(5)
        .map(map -> MAPPER.valueToTree(map));
  }

  private static List<MalformedJson.Case> cases(ObjectNode example, MalformedJson.Defect defect) {
    return MalformedJson.from(example.toString(), OVERSIZE)
        .allValues()
        .orElseThrow()
        .filter(c -> c.defect() == defect)
        .toList();
  }

  private static String strictUtf8(byte[] body) throws CharacterCodingException {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(body))
        .toString();
  }
}
