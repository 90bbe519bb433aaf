package dev.guardrails.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import org.jspecify.annotations.Nullable;

/**
 * jqwik arbitraries for malformed JSON bodies, each derived from a valid example body of the
 * endpoint under test, so that every case is wrong in exactly one way.
 *
 * <pre>{@code
 * @Provide
 * Arbitrary<MalformedJson.Case> malformed() {
 *   return MalformedJson.from("{\"amount\": 120, \"paid\": false, \"note\": \"rent\"}");
 * }
 * }</pre>
 *
 * <p>Thread-safe; the arbitraries are immutable.
 */
public final class MalformedJson {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int DEFAULT_OVERSIZE_BYTES = 2 * 1024 * 1024;
  private static final int NESTING_DEPTH = 5_000;

  /** The one way a case is malformed. */
  public enum Defect {
    /** A property the endpoint does not know. */
    UNKNOWN_FIELD,
    /** A property with a value of another JSON type than the example's. */
    WRONG_TYPE,
    /** {@code null} where the example has a number or a boolean. */
    NULL_PRIMITIVE,
    /** A number written as a string, e.g. {@code "120"} for {@code 120}. */
    COERCED_SCALAR,
    /** A second JSON value after the body. */
    TRAILING_TOKENS,
    /** The same property twice. */
    DUPLICATE_KEY,
    /** The body cut short. */
    TRUNCATED,
    /** A body larger than any sane limit. */
    OVERSIZED,
    /** A value nested thousands of levels deep. */
    DEEPLY_NESTED,
    /** Bytes that are not UTF-8 inside a string. */
    INVALID_UTF8
  }

  /**
   * One malformed body: how it is malformed, what was changed, and the bytes to send. Immutable.
   */
  public static final class Case {
    private final Defect defect;
    private final String description;
    private final byte[] body;

    Case(Defect defect, String description, byte[] body) {
      this.defect = Objects.requireNonNull(defect, "defect");
      this.description = Objects.requireNonNull(description, "description");
      this.body = Objects.requireNonNull(body, "body").clone();
    }

    /** {@return how the body is malformed} */
    public Defect defect() {
      return defect;
    }

    /** {@return what was changed, for a property's failure report} */
    public String description() {
      return description;
    }

    /** {@return a copy of the bytes to send} */
    public byte[] body() {
      return body.clone();
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Case c
          && defect == c.defect
          && description.equals(c.description)
          && Arrays.equals(body, c.body);
    }

    @Override
    public int hashCode() {
      return 31 * (31 * defect.hashCode() + description.hashCode()) + Arrays.hashCode(body);
    }

    /** {@return the defect and description; the body may be megabytes long and is left out} */
    @Override
    public String toString() {
      return defect + ": " + description + " (" + body.length + " bytes)";
    }
  }

  private MalformedJson() {}

  /**
   * Returns malformed variants of a valid JSON object body, covering every {@link Defect} that the
   * example allows (a wrong type needs a property, a null primitive needs a number or boolean
   * property, and so on).
   *
   * @param validExample a body the endpoint accepts; must be a JSON object
   * @return the arbitrary
   * @throws IllegalArgumentException if the example is not a JSON object
   */
  public static Arbitrary<Case> from(String validExample) {
    return from(validExample, DEFAULT_OVERSIZE_BYTES);
  }

  /**
   * Like {@link #from(String)}, with the size of the {@link Defect#OVERSIZED} case chosen.
   *
   * @param validExample a body the endpoint accepts; must be a JSON object
   * @param oversizeBytes the size of the oversized body; set it above the endpoint's limit
   * @return the arbitrary
   * @throws IllegalArgumentException if the example is not a JSON object or the size is not
   *     positive
   */
  public static Arbitrary<Case> from(String validExample, int oversizeBytes) {
    Objects.requireNonNull(validExample, "validExample");
    if (oversizeBytes <= 0) {
      throw new IllegalArgumentException(
          "oversize bytes must be positive, but was " + oversizeBytes);
    }
    ObjectNode example = parseObject(validExample);
    return Arbitraries.of(cases(example, oversizeBytes));
  }

  private static ObjectNode parseObject(String validExample) {
    try {
      JsonNode node = MAPPER.readTree(validExample);
      if (node instanceof ObjectNode object) {
        return object;
      }
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "valid example must be a JSON object, but it does not parse: " + e.getOriginalMessage(),
          e);
    }
    throw new IllegalArgumentException(
        "valid example must be a JSON object, but was: " + validExample);
  }

  private static List<Case> cases(ObjectNode example, int oversizeBytes) {
    List<Case> cases = new ArrayList<>();
    String compact = example.toString();

    ObjectNode unknown = example.deepCopy();
    unknown.put("zz_unexpected_field", 1);
    cases.add(
        text(Defect.UNKNOWN_FIELD, "added property 'zz_unexpected_field'", unknown.toString()));

    List<String> names = new ArrayList<>();
    example.fieldNames().forEachRemaining(names::add);
    for (String name : names) {
      JsonNode value = example.get(name);
      ObjectNode wrong = example.deepCopy();
      wrong.set(name, valueOfAnotherType(value));
      cases.add(
          text(
              Defect.WRONG_TYPE,
              "property '" + name + "' set to " + wrong.get(name),
              wrong.toString()));
      if (value.isNumber() || value.isBoolean()) {
        ObjectNode nulled = example.deepCopy();
        nulled.putNull(name);
        cases.add(
            text(Defect.NULL_PRIMITIVE, "property '" + name + "' set to null", nulled.toString()));
      }
      if (value.isNumber()) {
        ObjectNode coerced = example.deepCopy();
        coerced.put(name, value.asText());
        cases.add(
            text(
                Defect.COERCED_SCALAR,
                "number property '" + name + "' sent as the string \"" + value.asText() + "\"",
                coerced.toString()));
      }
      String duplicated = "{\"" + name + "\":" + value + "," + compact.substring(1);
      cases.add(text(Defect.DUPLICATE_KEY, "property '" + name + "' sent twice", duplicated));
    }

    cases.add(text(Defect.TRAILING_TOKENS, "a second value after the body", compact + " {}"));
    cases.add(text(Defect.TRAILING_TOKENS, "garbage after the body", compact + "x"));
    cases.add(
        text(
            Defect.TRUNCATED,
            "body cut in half",
            compact.substring(0, Math.max(1, compact.length() / 2))));
    cases.add(oversized(example, oversizeBytes));
    cases.add(deeplyNested(example));
    cases.add(invalidUtf8(compact));
    return List.copyOf(cases);
  }

  private static JsonNode valueOfAnotherType(JsonNode value) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    if (value.isTextual()) {
      return nodes.objectNode().put("unexpected", true);
    }
    if (value.isNumber() || value.isBoolean() || value.isNull()) {
      return nodes.arrayNode().add(value.deepCopy());
    }
    return nodes.textNode("not a " + value.getNodeType().name().toLowerCase(Locale.ROOT));
  }

  private static Case oversized(ObjectNode example, int oversizeBytes) {
    ObjectNode big = example.deepCopy();
    big.put("zz_padding", "a".repeat(oversizeBytes));
    return text(Defect.OVERSIZED, "body of more than " + oversizeBytes + " bytes", big.toString());
  }

  private static Case deeplyNested(ObjectNode example) {
    StringBuilder json = new StringBuilder(example.toString());
    json.setLength(json.length() - 1);
    json.append(example.isEmpty() ? "" : ",").append("\"zz_nested\":");
    json.append("[".repeat(NESTING_DEPTH)).append("]".repeat(NESTING_DEPTH));
    json.append('}');
    return text(
        Defect.DEEPLY_NESTED, "a value nested " + NESTING_DEPTH + " arrays deep", json.toString());
  }

  private static Case invalidUtf8(String compact) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] prefix = "{\"zz_text\":\"caf".getBytes(StandardCharsets.UTF_8);
    bytes.write(prefix, 0, prefix.length);
    bytes.write(0xC3); // a lead byte of a two-byte sequence ...
    bytes.write(0x28); // ... followed by a byte that cannot continue it
    byte[] rest = ("\"," + compact.substring(1)).getBytes(StandardCharsets.UTF_8);
    bytes.write(rest, 0, rest.length);
    return new Case(
        Defect.INVALID_UTF8, "a string holding the invalid sequence C3 28", bytes.toByteArray());
  }

  private static Case text(Defect defect, String description, String body) {
    return new Case(defect, description, body.getBytes(StandardCharsets.UTF_8));
  }
}
