package dev.guardrails.errors.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.guardrails.core.FieldError;
import dev.guardrails.core.InvalidInput;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class StrictJsonTest {

  private final StrictJson json = StrictJson.defaults();

  enum Status {
    OPEN,
    PAID
  }

  record Item(String sku, int quantity, BigDecimal amount) {}

  record Order(
      String id, long version, boolean urgent, Status status, List<Item> items, String note) {}

  record Scalars(int i, double d, boolean b, String s, Integer boxed, UUID uuid) {}

  record Boxed(Integer i, Double d, Boolean b, String s, UUID uuid) {}

  record Cart(List<Item> items) {}

  static final class Pojo {
    private String name = "";
    private int age;

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public int getAge() {
      return age;
    }

    public void setAge(int age) {
      this.age = age;
    }
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Lenient(String a) {}

  record Required(@JsonProperty(required = true) String a, String b) {}

  private static List<String> problems(Runnable read) {
    InvalidInput e = catchThrowableOfType(InvalidInput.class, read::run);
    assertThat(e).as("expected InvalidInput").isNotNull();
    return e.fieldErrors().stream().map(f -> f.path() + ": " + f.problem()).toList();
  }

  record Booking(LocalDate day, Instant at, Duration length) {}

  @Test
  void read_javaTimeValues_fromIsoStrings() {
    Booking booking =
        json.read(
            "{\"day\":\"2026-12-05\",\"at\":\"2026-12-05T14:20:00Z\",\"length\":\"PT1H30M\"}",
            Booking.class);
    assertThat(booking)
        .isEqualTo(
            new Booking(
                LocalDate.of(2026, 12, 5),
                Instant.parse("2026-12-05T14:20:00Z"),
                Duration.ofMinutes(90)));
  }

  @Test
  void read_badJavaTimeValues_areFieldErrors() {
    assertThat(
            problems(
                () ->
                    json.read(
                        "{\"day\":\"5/12/2026\",\"at\":\"yesterday\",\"length\":\"PT1H\"}",
                        Booking.class)))
        .hasSize(2)
        .anySatisfy(p -> assertThat(p).startsWith("day: "))
        .anySatisfy(p -> assertThat(p).startsWith("at: "))
        .allSatisfy(p -> assertThat(p).doesNotContain("jackson", "Exception", "java.time"));
  }

  @Test
  void read_validOrder_bindsEveryField() {
    Order order =
        json.read(
            "{\"id\":\"o-1\",\"version\":3,\"urgent\":true,\"status\":\"PAID\",\"items\":[{\"sku\":\"A\",\"quantity\":2,\"amount\":9.99}],\"note\":null}",
            Order.class);
    assertThat(order.id()).isEqualTo("o-1");
    assertThat(order.items()).containsExactly(new Item("A", 2, new BigDecimal("9.99")));
    assertThat(order.note()).isNull();
    assertThat(order.status()).isEqualTo(Status.PAID);
  }

  @Test
  void read_manyBadFields_reportsEveryOneWithPath() {
    String body =
        "{\"id\":5,\"version\":\"3\",\"urgent\":1,\"status\":\"LOST\",\"extra\":true,"
            + "\"items\":[{\"sku\":\"A\",\"quantity\":1,\"amount\":1},{\"sku\":\"B\",\"quantity\":1.5,\"amount\":2},"
            + "{\"sku\":\"C\",\"quantity\":1,\"amount\":\"12.00\"}]}";
    assertThat(problems(() -> json.read(body, Order.class)))
        .containsExactlyInAnyOrder(
            "id: expected a string, got a whole number",
            "version: expected a whole number, got a string",
            "urgent: expected true or false, got a whole number",
            "status: expected one of OPEN, PAID, got an unknown value",
            "extra: is not a known field",
            "items[1].quantity: expected a whole number, got a decimal number",
            "items[2].amount: expected a number, got a string");
  }

  @Test
  void read_invalidInput_messageIsForEndUsersWithoutJacksonNames() {
    InvalidInput e =
        catchThrowableOfType(
            InvalidInput.class, () -> json.read("{\"i\":\"x\",\"zzz\":1}", Scalars.class));
    assertThat(e.publicMessage())
        .contains("i: expected a whole number, got a string")
        .contains("zzz: is not a known field")
        .doesNotContain("jackson", "Exception", "com.", "dev.guardrails");
    assertThat(e.status()).isEqualTo(400);
  }

  @Test
  void read_nullForPrimitive_fails() {
    assertThat(problems(() -> json.read("{\"i\":null,\"d\":null,\"b\":null}", Scalars.class)))
        .containsExactlyInAnyOrder(
            "i: expected a whole number, got null",
            "d: expected a number, got null",
            "b: expected true or false, got null");
  }

  @Test
  void read_nullForBoxedAndReference_allowed() {
    Scalars s =
        json.read(
            "{\"i\":1,\"d\":1,\"b\":true,\"boxed\":null,\"s\":null,\"uuid\":null}", Scalars.class);
    assertThat(s.boxed()).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"i\":\"12\"}",
        "{\"i\":1.0}",
        "{\"i\":true}",
        "{\"d\":\"1.5\"}",
        "{\"b\":\"true\"}",
        "{\"b\":0}",
        "{\"s\":12}",
        "{\"s\":true}",
        "{\"uuid\":\"\"}",
        "{\"i\":3000000000}",
        "{\"uuid\":\"not-a-uuid\"}"
      })
  void read_scalarCoercion_fails(String body) {
    assertThat(problems(() -> json.read(body, Boxed.class))).hasSize(1);
  }

  @Test
  void read_intOutOfRange_saysRange() {
    assertThat(problems(() -> json.read("{\"i\":3000000000}", Boxed.class)))
        .containsExactly(
            "i: expected a whole number between -2147483648 and 2147483647, got a larger number");
  }

  record Measures(double d, float f, double[] series, Map<String, Object> extra) {}

  @Test
  void read_numbersTooLargeForDoubleOrFloat_failInsteadOfBecomingInfinity() {
    assertThat(
            problems(
                () ->
                    json.read(
                        "{\"d\":1e1000000,\"f\":1e39,\"series\":[1,-1e400],\"extra\":{}}",
                        Measures.class)))
        .containsExactly(
            "d: the number is out of range",
            "f: the number is out of range",
            "series[1]: the number is out of range");
    assertThat(problems(() -> json.read("{\"d\":1e400}", Boxed.class)))
        .containsExactly("d: the number is out of range");
    assertThat(problems(() -> json.read("{\"x\":1e400}", JsonNode.class))).hasSize(1);
    assertThat(
            problems(
                () ->
                    json.read(
                        "{\"d\":0,\"f\":0,\"series\":[],\"extra\":{\"x\":1e400}}", Measures.class)))
        .singleElement()
        .asString()
        .endsWith("the number is out of range");
    assertThat(
            problems(
                () ->
                    json.read(
                        "{\"d\":0,\"f\":0,\"series\":[],\"extra\":{\"x\":1e1000000}}",
                        Measures.class)))
        .as("an untyped value as large as 1e1000000 is no infinity either")
        .hasSize(1);
    assertThat(problems(() -> json.read("{\"x\":[-1e1000000]}", Object.class))).hasSize(1);

    Measures largest =
        json.read(
            "{\"d\":1.7976931348623157e308,\"f\":3.4e38,\"series\":[-1e-400],\"extra\":{}}",
            Measures.class);
    assertThat(largest.d()).isEqualTo(Double.MAX_VALUE);
    assertThat(largest.f()).isEqualTo(3.4e38f);
  }

  @Test
  void read_hugeNumbersForJavaTime_failInsteadOfEpochOrWrappedValues() {
    // JavaTimeModule reads 1e1000000 as 1970-01-01T00:00:00Z and cuts 1e20 seconds to 64 bits
    assertThat(problems(() -> json.read("{\"at\":1e1000000,\"length\":1e20}", Booking.class)))
        .hasSize(2)
        .anySatisfy(p -> assertThat(p).startsWith("at: "))
        .anySatisfy(p -> assertThat(p).startsWith("length: "));
    assertThat(problems(() -> json.read("{\"at\":-1e1000000}", Booking.class)))
        .singleElement()
        .asString()
        .startsWith("at: ");
    // an Instant beyond the year 1000000000 is a client error, not a DateTimeException (a 500)
    assertThat(problems(() -> json.read("1e20", Instant.class))).hasSize(1);
    assertThat(problems(() -> json.read("{\"at\":1e17}", Booking.class))).hasSize(1);
    assertThat(problems(() -> json.read("1000000000000000000", LocalDate.class))).hasSize(1);

    assertThat(json.read("{\"at\":1700000000.5,\"length\":1.5}", Booking.class))
        .isEqualTo(
            new Booking(
                null,
                Instant.ofEpochSecond(1_700_000_000L, 500_000_000),
                Duration.ofMillis(1_500)));
  }

  @Test
  void read_intIntoDouble_allowed() {
    assertThat(json.read("{\"i\":1,\"d\":2,\"b\":true}", Scalars.class).d()).isEqualTo(2.0);
  }

  @Test
  void read_emptyStringForObject_fails() {
    assertThat(problems(() -> json.read("{\"items\":\"\"}", Cart.class)))
        .containsExactly("items: expected a list, got a string");
    assertThat(problems(() -> json.read("\"\"", Item.class))).hasSize(1);
  }

  @Test
  void read_singleValueForList_fails() {
    assertThat(problems(() -> json.read("{\"items\":{\"sku\":\"A\"}}", Cart.class)))
        .containsExactly("items: expected a list, got an object");
  }

  @Test
  void read_trailingTokens_fail() {
    assertThat(problems(() -> json.read("{\"s\":\"a\"} {\"s\":\"b\"}", Scalars.class)))
        .containsExactly("$: there is more content after the JSON value");
  }

  @Test
  void read_duplicateKey_fails() {
    assertThat(
            problems(() -> json.read("{\"items\":[{\"sku\":\"a\",\"sku\":\"b\"}]}", Order.class)))
        .containsExactly("items[0]: the field 'sku' appears more than once");
  }

  @Test
  void read_duplicateKeyAtAnyDepthAndInAnyTarget_fails() {
    assertThat(problems(() -> json.read("{\"s\":\"a\",\"i\":1,\"s\":\"b\"}", Scalars.class)))
        .containsExactly("$: the field 's' appears more than once");
    // an escaped spelling of the same key
    assertThat(problems(() -> json.read("{\"s\":\"a\",\"\\u0073\":\"b\"}", Scalars.class)))
        .containsExactly("$: the field 's' appears more than once");
    // in the second of two sibling objects, after the first had the same keys
    assertThat(
            problems(
                () ->
                    json.read(
                        "{\"items\":[{\"sku\":\"a\",\"quantity\":1},"
                            + "{\"sku\":\"b\",\"quantity\":2,\"sku\":\"c\"}]}",
                        Cart.class)))
        .containsExactly("items[1]: the field 'sku' appears more than once");
    // in a map, in a tree, and inside a value an ignoring type skips
    assertThat(
            problems(
                () ->
                    json.read(
                        "{\"a\":1,\"b\":2,\"a\":3}".getBytes(StandardCharsets.UTF_8),
                        new TypeReference<Map<String, Integer>>() {})))
        .containsExactly("$: the field 'a' appears more than once");
    assertThat(problems(() -> json.read("{\"x\":{\"y\":[{\"z\":1,\"z\":2}]}}", JsonNode.class)))
        .containsExactly("x.y[0]: the field 'z' appears more than once");
    assertThat(
            problems(() -> json.read("{\"a\":\"v\",\"skipped\":{\"k\":1,\"k\":2}}", Lenient.class)))
        .containsExactly("skipped: the field 'k' appears more than once");
    // after a byte order mark
    byte[] bom = "\uFEFF{\"s\":\"a\",\"s\":\"b\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(problems(() -> json.read(bom, Scalars.class)))
        .containsExactly("$: the field 's' appears more than once");
  }

  @Test
  void read_largeObjects_duplicateFoundAndDistinctKeysAccepted() {
    StringBuilder distinct = new StringBuilder("{");
    for (int i = 0; i < 200; i++) {
      distinct.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
    }
    Map<String, Integer> map =
        json.read(
            distinct.append('}').toString().getBytes(StandardCharsets.UTF_8),
            new TypeReference<Map<String, Integer>>() {});
    assertThat(map).hasSize(200);

    for (int at : new int[] {1, 11, 12, 13, 150}) {
      StringBuilder dup = new StringBuilder("{\"n\":{");
      for (int i = 0; i < 160; i++) {
        dup.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
        if (i == at) {
          dup.append(",\"k0\":0");
        }
      }
      byte[] doc = dup.append("}}").toString().getBytes(StandardCharsets.UTF_8);
      assertThat(problems(() -> json.read(doc, JsonNode.class)))
          .as("duplicate after %d keys", at)
          .containsExactly("n: the field 'k0' appears more than once");
    }
  }

  @Test
  void read_malformedEmptyAndNull_fail() {
    assertThat(problems(() -> json.read("{\"s\": tru}", Scalars.class)))
        .singleElement()
        .asString()
        .startsWith("$: the JSON is not well formed at line 1");
    assertThat(problems(() -> json.read("  ", Scalars.class)))
        .containsExactly("$: the document is empty");
    assertThat(problems(() -> json.read("{\"s\":\"a\"", Scalars.class)))
        .containsExactly("$: the JSON ends unexpectedly");
    assertThat(problems(() -> json.read("null", Scalars.class)))
        .containsExactly("$: expected an object, got null");
  }

  @Test
  void read_limits_enforcedWithClearMessages() {
    StrictJson small =
        StrictJson.builder()
            .maxDepth(3)
            .maxStringLength(5)
            .maxNumberLength(4)
            .maxDocumentBytes(64)
            .build();
    assertThat(problems(() -> small.read("[[[[1]]]]", Object.class)))
        .containsExactly("$: the JSON is nested deeper than 3 levels");
    assertThat(problems(() -> small.read("{\"s\":\"abcdefghij\"}", Scalars.class)))
        .containsExactly("$: a text value is longer than 5 characters");
    assertThat(problems(() -> small.read("{\"i\":123456}", Scalars.class)))
        .containsExactly("$: a number is longer than 4 digits");
    assertThat(problems(() -> small.read("{\"s\":\"" + "a".repeat(100) + "\"}", Scalars.class)))
        .containsExactly("$: the document is larger than 64 bytes");
    assertThat(problems(() -> small.read(new ByteArrayInputStream(new byte[1_000]), Scalars.class)))
        .containsExactly("$: the document is larger than 64 bytes");
  }

  @Test
  void read_invalidUtf8_rejected() {
    byte[] overlongQuote = {'{', '"', 's', '"', ':', '"', (byte) 0xC0, (byte) 0xA2, '"', '}'};
    byte[] loneContinuation = {'{', '"', 's', '"', ':', '"', (byte) 0x80, '"', '}'};
    byte[] encodedSurrogate = {
      '{', '"', 's', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'
    };
    byte[] truncated = {'{', '"', 's', '"', ':', '"', (byte) 0xE2, (byte) 0x80};
    byte[] utf16 = "{\"s\":\"a\"}".getBytes(StandardCharsets.UTF_16LE);
    for (byte[] bad :
        List.of(overlongQuote, loneContinuation, encodedSurrogate, truncated, utf16)) {
      assertThat(problems(() -> json.read(bad, Scalars.class)))
          .singleElement()
          .asString()
          .startsWith("$: the text is not valid UTF-8");
    }
  }

  record Named(String name, List<String> tags) {}

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"name\":\"\\ud800\"}|name",
        "{\"name\":\"a\\udc00b\"}|name",
        "{\"name\":\"\\ud83d\\u0041\"}|name",
        "{\"name\":\"\\ud83dx\"}|name",
        "{\"name\":\"\\ude00\\ud83d\"}|name",
        "{\"name\":\"ok\",\"tags\":[\"a\",\"\\udbff\"]}|tags[1]",
        "{\"name\":\"\\ud83d\\\\ude00\"}|name"
      })
  void read_loneSurrogateEscape_rejectedAtItsPath(String caseAndPath) {
    String body = caseAndPath.substring(0, caseAndPath.lastIndexOf('|'));
    String path = caseAndPath.substring(caseAndPath.lastIndexOf('|') + 1);
    assertThat(problems(() -> json.read(body, Named.class)))
        .containsExactly(path + ": is not valid Unicode text: it has an unpaired surrogate escape");
    // the same document as a tree or a map, read whole to explain other errors
    assertThat(problems(() -> json.read(body, JsonNode.class)))
        .containsExactly(path + ": is not valid Unicode text: it has an unpaired surrogate escape");
  }

  @Test
  void read_loneSurrogateInFieldName_rejectedAtItsObject() {
    assertThat(problems(() -> json.read("{\"m\":{\"a\\ud800\":1}}", Map.class)))
        .containsExactly(
            "m: has a field name that is not valid Unicode text: it has an unpaired surrogate"
                + " escape");
  }

  @Test
  void read_surrogatePairEscapes_keptAsTheCharacter() {
    Named named = json.read("{\"name\":\"\\ud83d\\ude00 \\uD83D\\uDE00\"}", Named.class);
    assertThat(named.name()).isEqualTo("\ud83d\ude00 \ud83d\ude00");
    JsonNode keys = json.read("{\"\\ud83d\\ude00\":1}", JsonNode.class);
    assertThat(keys.fieldNames().next()).isEqualTo("\ud83d\ude00");
  }

  record Price(BigDecimal amount) {}

  @ParameterizedTest
  @ValueSource(strings = {"1e1000000", "-1E+1001", "1e-1001", "0.5e-1000", "12345e2000000000"})
  void read_decimalWithHugeExponent_rejectedAtItsPath(String number) {
    assertThat(problems(() -> json.read("{\"amount\":" + number + "}", Price.class)))
        .containsExactly(
            "amount: the number's exponent is out of range (at most 1000 decimal places either"
                + " way)");
    assertThat(problems(() -> json.read("[1, " + number + "]", BigDecimal[].class)))
        .singleElement()
        .asString()
        .startsWith("$[1]: the number's exponent is out of range");
  }

  @Test
  void read_decimalWithinTheScaleLimit_accepted() {
    assertThat(json.read("{\"amount\":1e1000}", Price.class).amount())
        .isEqualByComparingTo(BigDecimal.ONE.scaleByPowerOfTen(1000));
    assertThat(json.read("{\"amount\":12.345}", Price.class).amount())
        .isEqualByComparingTo("12.345");
    StrictJson tight = StrictJson.builder().maxNumberScale(4).build();
    assertThat(problems(() -> tight.read("{\"amount\":1.23456}", Price.class)))
        .containsExactly(
            "amount: the number's exponent is out of range (at most 4 decimal places either way)");
    assertThat(tight.toString()).contains("maxNumberScale=4");
    assertThatThrownBy(() -> StrictJson.builder().maxNumberScale(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max number scale");
  }

  @Test
  void read_decimalWithHundredThousandDigits_rejected() {
    String digits = "1".repeat(100_000);
    // refused by the length limits while it is read, before any digit is turned into a number
    assertThat(problems(() -> json.read("{\"amount\":" + digits + ".5}", Price.class)))
        .singleElement()
        .asString()
        .startsWith("$: a ")
        .contains(" is longer than ");
    // with the length limits raised, the scale limit still refuses 100,000 decimal places
    StrictJson longNumbers =
        StrictJson.builder().maxNumberLength(200_000).maxStringLength(200_000).build();
    assertThat(problems(() -> longNumbers.read("{\"amount\":0." + digits + "}", Price.class)))
        .singleElement()
        .asString()
        .startsWith("amount: the number's exponent is out of range");
  }

  @Test
  void read_unicodeText_keptExactlyAsSent() throws Exception {
    String text =
        "\u201CSmart quotes\u201D \u2014 caf\u00E9 \uD83D\uDE00 \u05E9\u05DC\u05D5\u05DD \u0000"
            .replace("\u0000", "");
    Scalars s =
        json.read(
            new ObjectMapper().writeValueAsBytes(Map.of("i", 1, "d", 1, "b", true, "s", text)),
            Scalars.class);
    assertThat(s.s()).isEqualTo(text);
    String escaped =
        json.read(
                "{\"i\":1,\"d\":1,\"b\":true,\"s\":\"\\u201Cq\\u201D \\uD83D\\uDE00\"}",
                Scalars.class)
            .s();
    assertThat(escaped).isEqualTo("\u201Cq\u201D \uD83D\uDE00");
  }

  @Test
  void read_pojoWithSetters_andUnknownField() {
    Pojo p = json.read("{\"name\":\"Ann\",\"age\":30}", Pojo.class);
    assertThat(p.getName()).isEqualTo("Ann");
    assertThat(problems(() -> json.read("{\"name\":1,\"agee\":30}", Pojo.class)))
        .containsExactlyInAnyOrder(
            "name: expected a string, got a whole number", "agee: is not a known field");
  }

  @Test
  void read_ignoreUnknownAnnotation_respected() {
    assertThat(json.read("{\"a\":\"x\",\"b\":1}", Lenient.class).a()).isEqualTo("x");
  }

  @Test
  void read_missingPrimitiveCreatorProperty_reportedAsRequired() {
    assertThat(problems(() -> json.read("{\"d\":1}", Scalars.class)))
        .containsExactlyInAnyOrder("i: is required", "b: is required");
  }

  @Test
  void read_missingRequiredProperty_reported() {
    assertThat(problems(() -> json.read("{\"b\":\"x\"}", Required.class)))
        .containsExactly("a: is required");
  }

  @Test
  void read_genericRootList_reportsIndexedPaths() {
    List<Item> items =
        json.read(
            "[{\"sku\":\"A\",\"quantity\":1,\"amount\":1}]".getBytes(StandardCharsets.UTF_8),
            new TypeReference<List<Item>>() {});
    assertThat(items).hasSize(1);
    assertThat(
            problems(
                () ->
                    json.read(
                        "[{\"sku\":\"A\",\"quantity\":\"x\",\"amount\":1}]"
                            .getBytes(StandardCharsets.UTF_8),
                        new TypeReference<List<Item>>() {})))
        .containsExactly("$[0].quantity: expected a whole number, got a string");
  }

  @Test
  void read_mapOfValues_andOddKeys() {
    assertThat(
            problems(
                () ->
                    json.read(
                        "{\"a b\":\"x\"}".getBytes(StandardCharsets.UTF_8),
                        new TypeReference<Map<String, Integer>>() {})))
        .containsExactly("$['a b']: expected a whole number, got a string");
  }

  @Test
  void read_errorsCapped() {
    StrictJson capped = StrictJson.builder().maxErrors(2).build();
    assertThat(problems(() -> capped.read("{\"x\":1,\"y\":2,\"z\":3}", Scalars.class))).hasSize(2);
  }

  @Test
  void read_fieldErrorsCarryNoValue() {
    InvalidInput e =
        catchThrowableOfType(
            InvalidInput.class, () -> json.read("{\"s\":12345678}", Scalars.class));
    assertThat(e.fieldErrors())
        .extracting(FieldError::rejectedValue)
        .containsOnly(Optional.empty());
  }

  @Test
  void builder_rejectsNonPositiveLimits() {
    assertThatThrownBy(() -> StrictJson.builder().maxDepth(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max depth must be at least 1, but was 0");
  }
}
