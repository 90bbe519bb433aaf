package dev.guardrails.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

final class MalformedJsonTest {

  private static final String EXAMPLE =
      "{\"amount\": 120, \"paid\": false, \"note\": \"rent “May”\", \"lines\": [1, 2]}";

  /** A strict reader of the shape of EXAMPLE: every case must fail it, EXAMPLE must pass. */
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

  private static List<MalformedJson.Case> allCases(String example) {
    return MalformedJson.from(example, 200_000)
        .allValues()
        .orElseThrow()
        .collect(Collectors.toList());
  }

  private static void strictRead(byte[] body) throws Exception {
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
