package dev.guardrails.testkit;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
    /**
     * The example padded with insignificant whitespace to one byte more than the size asked for:
     * valid in every other way, so only a size limit rejects it.
     */
    OVERSIZED,
    /**
     * A value nested thousands of levels deep under an added property, in a body small enough
     * (about 10 KB) for the size limit not to reject it first. Nesting always changes the shape;
     * what this case checks is that the parser's depth limit, which comes before any binding,
     * answers with a client problem rather than a stack overflow.
     */
    DEEPLY_NESTED,
    /**
     * Bytes that are not UTF-8 at the start of one of the example's text values, so that they reach
     * the string decoder; one case per top-level text property, else for the first nested text.
     * Only an example without any text gets an added property holding them.
     */
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
   * @param oversizeBytes the oversized body has one byte more; set it at or above the endpoint's
   *     limit
   * @return the arbitrary
   * @throws IllegalArgumentException if the example is not a JSON object or the size is not
   *     positive or not above the deeply nested case's size (which a smaller limit would reject for
   *     its size before its depth is read)
   */
  public static Arbitrary<Case> from(String validExample, int oversizeBytes) {
    Objects.requireNonNull(validExample, "validExample");
    if (oversizeBytes <= 0) {
      throw new IllegalArgumentException(
          "oversize bytes must be positive, but was " + oversizeBytes);
    }
    ObjectNode example = parseObject(validExample);
    Case nested = deeplyNested(example);
    if (nested.body.length >= oversizeBytes) {
      throw new IllegalArgumentException(
          "oversize bytes must exceed the deeply nested case's "
              + nested.body.length
              + " bytes, or a size limit below them rejects that case before its depth is read,"
              + " but was "
              + oversizeBytes);
    }
    return Arbitraries.of(cases(example, oversizeBytes, nested));
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

  private static List<Case> cases(ObjectNode example, int oversizeBytes, Case nested) {
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
    cases.add(oversized(compact, oversizeBytes));
    cases.add(nested);
    cases.addAll(invalidUtf8(example));
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

  private static Case oversized(String compact, int oversizeBytes) {
    // whitespace, not an added property: an endpoint that rejects unknown properties but has no
    // size limit must not pass this case
    int exampleBytes = compact.getBytes(StandardCharsets.UTF_8).length;
    String padding = " ".repeat(oversizeBytes + 1 - exampleBytes);
    return text(
        Defect.OVERSIZED,
        "the example padded with whitespace to " + (oversizeBytes + 1) + " bytes",
        compact.substring(0, compact.length() - 1) + padding + "}");
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

  private static List<Case> invalidUtf8(ObjectNode example) {
    List<JsonPointer> targets = new ArrayList<>();
    for (Map.Entry<String, JsonNode> field : example.properties()) {
      if (field.getValue().isTextual()) {
        targets.add(JsonPointer.empty().appendProperty(field.getKey()));
      }
    }
    if (targets.isEmpty()) {
      JsonPointer nested = firstText(example, JsonPointer.empty());
      if (nested != null) {
        targets.add(nested);
      }
    }
    List<Case> cases = new ArrayList<>();
    for (JsonPointer target : targets) {
      String where =
          target.tail() != null && target.tail().matches()
              ? "property '" + target.getMatchingProperty() + "'"
              : "the text at " + target;
      cases.add(
          withInvalidUtf8(example, target, where + " starting with the invalid sequence C3 28"));
    }
    if (cases.isEmpty()) {
      ObjectNode added = example.deepCopy();
      added.put("zz_text", "caf");
      cases.add(
          withInvalidUtf8(
              added,
              JsonPointer.compile("/zz_text"),
              "added property 'zz_text' starting with the invalid sequence C3 28 (the example"
                  + " has no text to put it in)"));
    }
    return cases;
  }

  /** Writes the example with the text at the target prefixed by the bytes C3 28. */
  private static Case withInvalidUtf8(ObjectNode example, JsonPointer target, String description) {
    String original = example.at(target).textValue();
    String escaped = JsonNodeFactory.instance.textNode(original).toString();
    escaped = escaped.substring(1, escaped.length() - 1);
    String compact = example.toString();
    String marker = "zz_marker";
    while (compact.contains(marker)) {
      marker += "_";
    }
    ObjectNode marked = example.deepCopy();
    JsonNode parent = marked.at(target.head());
    if (parent instanceof ObjectNode object) {
      object.put(target.last().getMatchingProperty(), marker);
    } else if (parent instanceof ArrayNode array) {
      array.set(target.last().getMatchingIndex(), array.textNode(marker));
    }
    String[] around = marked.toString().split(marker, 2);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes(around[0].getBytes(StandardCharsets.UTF_8));
    bytes.write(0xC3); // a lead byte of a two-byte sequence ...
    bytes.write(0x28); // ... followed by a byte that cannot continue it
    bytes.writeBytes(escaped.getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes(around[1].getBytes(StandardCharsets.UTF_8));
    return new Case(Defect.INVALID_UTF8, description, bytes.toByteArray());
  }

  private static @Nullable JsonPointer firstText(JsonNode node, JsonPointer at) {
    if (node.isTextual()) {
      return at;
    }
    if (node instanceof ObjectNode object) {
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        JsonPointer found = firstText(field.getValue(), at.appendProperty(field.getKey()));
        if (found != null) {
          return found;
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        JsonPointer found = firstText(array.get(i), at.appendIndex(i));
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  private static Case text(Defect defect, String description, String body) {
    return new Case(defect, description, body.getBytes(StandardCharsets.UTF_8));
  }
}
