package dev.guardrails.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

final class MalformedJsonTest {

  private static final String EXAMPLE =
      "{\"amount\": 120, \"paid\": false, \"note\": \"rent “May”\", \"lines\": [1, 2]}";

  /** The size of the oversized case, and the body size limit of the strict reader below. */
  private static final int OVERSIZE = 200_000;

  /**
   * A strict reader of the shape of EXAMPLE, with a size limit of OVERSIZE bytes: every case must
   * fail it, EXAMPLE must pass.
   */
  private static final JsonMapper STRICT =
      JsonMapper.builder()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
          .build();

  static {
    STRICT
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder().maxNestingDepth(100).maxStringLength(100_000).build());
  }

  @Test
  void from_richExample_coversEveryDefect() {
    List<MalformedJson.Case> cases = allCases(EXAMPLE);

    Set<MalformedJson.Defect> defects =
        cases.stream().map(MalformedJson.Case::defect).collect(Collectors.toSet());
    assertThat(defects).isEqualTo(EnumSet.allOf(MalformedJson.Defect.class));
  }

  @Test
  void from_everyCase_isRejectedByAStrictReaderOfTheExampleShape() throws Exception {
    assertThatCode(() -> checkShape(STRICT.readTree(EXAMPLE))).doesNotThrowAnyException();

    for (MalformedJson.Case malformed : allCases(EXAMPLE)) {
      assertThatThrownBy(() -> strictRead(malformed.body()))
          .as(malformed.toString())
          .isInstanceOf(Exception.class);
    }
  }

  @Test
  void from_invalidUtf8_replacesTheTextOfAnExistingProperty() throws Exception {
    JsonNode example = STRICT.readTree(EXAMPLE);

    assertThat(cases(EXAMPLE, MalformedJson.Defect.INVALID_UTF8))
        .singleElement()
        .satisfies(
            malformed -> {
              JsonNode lenient = STRICT.readTree(lenientUtf8(malformed.body()));
              assertThat(fieldNames(lenient)).isEqualTo(fieldNames(example));
              assertThat(lenient.get("note").asText()).contains("\uFFFD").contains("May");
              JsonNode rest = ((ObjectNode) lenient.deepCopy()).without("note");
              JsonNode exampleRest = ((ObjectNode) example.deepCopy()).without("note");
              assertThat(rest).isEqualTo(exampleRest);
              assertThat(malformed.description()).contains("'note'");
            });
  }

  @Test
  void from_invalidUtf8_onePerTextProperty_elseANestedText_elseAnAddedProperty() {
    assertThat(cases("{\"a\": \"x\", \"n\": 1, \"b\": \"y\"}", MalformedJson.Defect.INVALID_UTF8))
        .extracting(c -> fieldNames(lenientTree(c)))
        .containsExactly(List.of("a", "n", "b"), List.of("a", "n", "b"));
    assertThat(cases("{\"n\": {\"list\": [1, \"deep\"]}}", MalformedJson.Defect.INVALID_UTF8))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(lenientTree(c).at("/n/list/1").asText()).contains("\uFFFD");
              assertThat(c.description()).contains("/n/list/1");
            });
    assertThat(cases("{\"n\": 1}", MalformedJson.Defect.INVALID_UTF8))
        .singleElement()
        .satisfies(c -> assertThat(fieldNames(lenientTree(c))).contains("n", "zz_text"));
  }

  @Test
  void from_oversized_isTheExamplePaddedWithWhitespace_soOnlyASizeLimitRejectsIt()
      throws Exception {
    assertThat(cases(EXAMPLE, MalformedJson.Defect.OVERSIZED))
        .singleElement()
        .satisfies(
            malformed -> {
              assertThat(malformed.body().length).isEqualTo(OVERSIZE + 1);
              JsonNode parsed = STRICT.readTree(malformed.body());
              assertThat(parsed).isEqualTo(STRICT.readTree(EXAMPLE));
            });
  }

  @Test
  void from_deeplyNested_isSmallerThanTheOversizedCase_soASizeLimitDoesNotMaskIt() {
    assertThat(cases(EXAMPLE, MalformedJson.Defect.DEEPLY_NESTED))
        .singleElement()
        .satisfies(malformed -> assertThat(malformed.body().length).isLessThan(OVERSIZE / 10));
    assertThatThrownBy(() -> MalformedJson.from(EXAMPLE, 4_000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("oversize bytes must exceed the deeply nested case's")
        .hasMessageContaining("but was 4000");
  }

  @Test
  void from_emptyObject_stillGivesSyntaxAndSizeCases() {
    Set<MalformedJson.Defect> defects =
        allCases("{}").stream().map(MalformedJson.Case::defect).collect(Collectors.toSet());

    assertThat(defects)
        .contains(
            MalformedJson.Defect.UNKNOWN_FIELD,
            MalformedJson.Defect.TRAILING_TOKENS,
            MalformedJson.Defect.OVERSIZED,
            MalformedJson.Defect.DEEPLY_NESTED,
            MalformedJson.Defect.INVALID_UTF8)
        .doesNotContain(MalformedJson.Defect.WRONG_TYPE, MalformedJson.Defect.NULL_PRIMITIVE);
  }

  @Test
  void from_notAnObject_isRefusedWithTheReason() {
    assertThatThrownBy(() -> MalformedJson.from("[1, 2]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be a JSON object");
    assertThatThrownBy(() -> MalformedJson.from("{\"a\": "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not parse");
    assertThatThrownBy(() -> MalformedJson.from("{}", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("oversize bytes must be positive, but was 0");
  }

  @Test
  void caseBody_isCopied_soACallerCannotChangeIt() {
    MalformedJson.Case malformed = allCases(EXAMPLE).get(0);
    byte[] body = malformed.body();
    body[0] = 'X';

    assertThat(malformed.body()[0]).isEqualTo((byte) '{');
    assertThat(malformed.toString()).contains(malformed.defect().name()).contains("bytes");
  }

  private static List<MalformedJson.Case> cases(String example, MalformedJson.Defect defect) {
    return allCases(example).stream().filter(c -> c.defect() == defect).toList();
  }

  private static String lenientUtf8(byte[] body) {
    return new String(body, StandardCharsets.UTF_8);
  }

  private static JsonNode lenientTree(MalformedJson.Case malformed) {
    try {
      return STRICT.readTree(lenientUtf8(malformed.body()));
    } catch (JsonProcessingException e) {
      throw new AssertionError(malformed + " does not parse once decoded leniently", e);
    }
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static List<MalformedJson.Case> allCases(String example) {
    return MalformedJson.from(example, OVERSIZE)
        .allValues()
        .orElseThrow()
        .collect(Collectors.toList());
  }

  private static void strictRead(byte[] body) throws Exception {
    if (body.length > OVERSIZE) {
      throw new IllegalArgumentException("body of " + body.length + " bytes is over the limit");
    }
    String text =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(body))
            .toString();
    checkShape(STRICT.readTree(text));
  }

  /** The schema of EXAMPLE, as a typed binding would enforce it. */
  private static void checkShape(JsonNode node) {
    Set<String> known = Set.of("amount", "paid", "note", "lines");
    node.fieldNames()
        .forEachRemaining(
            name -> {
              if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown field " + name);
              }
            });
    require(node.get("amount") != null && node.get("amount").isIntegralNumber(), "amount");
    require(node.get("paid") != null && node.get("paid").isBoolean(), "paid");
    require(node.get("note") != null && node.get("note").isTextual(), "note");
    require(node.get("lines") != null && node.get("lines").isArray(), "lines");
  }

  private static void require(boolean condition, String field) {
    if (!condition) {
      throw new IllegalArgumentException("bad " + field);
    }
  }
}
