package dev.guardrails.errors.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.guardrails.core.InvalidInput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The strict reader's duplicate-key check agrees with Jackson's {@code STRICT_DUPLICATE_DETECTION}
 * on random nested documents whose keys come from a tiny alphabet (so repeats are common), some
 * spelled with escapes.
 */
final class DuplicateKeyProperties {

  private static final ObjectMapper JACKSON =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final StrictJson STRICT = StrictJson.defaults();
  private static final String[] KEYS = {"a", "b", "c", "\\u0061", "ab", "\\u00e9", "é"};

  @Property(tries = 500)
  void duplicateVerdict_sameAsJacksons(@ForAll long seed) throws IOException {
    Random random = new Random(seed);
    StringBuilder doc = new StringBuilder();
    object(random, doc, 0);
    byte[] bytes = doc.toString().getBytes(StandardCharsets.UTF_8);

    boolean jacksonDuplicate;
    try {
      JACKSON.readTree(bytes);
      jacksonDuplicate = false;
    } catch (IOException e) {
      assertThat(e.getMessage()).startsWith("Duplicate field");
      jacksonDuplicate = true;
    }
    boolean strictDuplicate;
    try {
      STRICT.read(bytes, JsonNode.class);
      strictDuplicate = false;
    } catch (InvalidInput e) {
      assertThat(e.fieldErrors())
          .singleElement()
          .satisfies(f -> assertThat(f.problem()).contains("appears more than once"));
      strictDuplicate = true;
    }
    assertThat(strictDuplicate).as(doc.toString()).isEqualTo(jacksonDuplicate);
  }

  private static void object(Random random, StringBuilder out, int depth) {
    out.append('{');
    int fields = random.nextInt(depth == 0 ? 20 : 5);
    for (int i = 0; i < fields; i++) {
      if (i > 0) {
        out.append(',');
      }
      String key = KEYS[random.nextInt(KEYS.length)];
      // mostly distinct keys, so that many documents have no duplicate at all
      out.append('"').append(key).append(random.nextInt(fields * 2 + 1)).append("\":");
      value(random, out, depth + 1);
    }
    out.append('}');
  }

  private static void value(Random random, StringBuilder out, int depth) {
    int kind = depth > 4 ? 0 : random.nextInt(4);
    if (kind == 0) {
      out.append(random.nextInt(100));
    } else if (kind == 1) {
      out.append("\"v\"");
    } else if (kind == 2) {
      object(random, out, depth);
    } else {
      out.append('[');
      int n = random.nextInt(3);
      for (int i = 0; i < n; i++) {
        out.append(i == 0 ? "" : ",");
        value(random, out, depth + 1);
      }
      out.append(']');
    }
  }
}
