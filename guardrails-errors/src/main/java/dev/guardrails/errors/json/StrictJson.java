package dev.guardrails.errors.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.guardrails.core.FieldError;
import dev.guardrails.core.InvalidInput;
import dev.guardrails.errors.internal.Utf8;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A preset Jackson reader for untrusted JSON. Unknown properties, nulls for primitives, scalar
 * coercions (string to number, number to boolean or string, float to int, empty string to null or
 * object), trailing tokens, duplicate keys, invalid UTF-8 (including overlong forms, encoded
 * surrogates and UTF-16 documents), escapes of unpaired surrogates (<code>"&#92;ud800"</code>,
 * which is not Unicode text), numbers too large for their type (a double, a float, or a {@code
 * java.time} value, which Jackson would read as infinity or as 1970-01-01), decimal numbers whose
 * exponent is beyond the {@linkplain Builder#maxNumberScale(int) scale limit} ({@code 1e1000000},
 * which costs a million digits of work once used), and documents over the size, nesting, string,
 * number or name limits all fail.
 *
 * <p>A failure is core's {@link InvalidInput} listing every bad field that can be found (not just
 * the first), each with its path ({@code items[2].amount}) and what was expected, in words an end
 * user can act on ({@code "expected a number, got a string"}); no Jackson class name appears. Text
 * is kept exactly as sent. Valid input is bound in one pass by a cached {@link ObjectReader}; only
 * invalid input is read a second time to collect all its errors.
 *
 * <p>{@code java.time} values are read by Jackson's {@code JavaTimeModule}, registered by default:
 * ISO-8601 strings ({@code "2026-12-05"}, {@code "2026-12-05T14:20:00Z"}, {@code "PT1H30M"}), and
 * what that module also accepts (epoch seconds for an {@code Instant}).
 *
 * <pre>{@code
 * StrictJson json = StrictJson.defaults();
 * Order order = json.read(requestBody, Order.class); // or throws InvalidInput
 * }</pre>
 *
 * <p>Immutable and thread-safe; build one and share it.
 */
public final class StrictJson {

  /**
   * The default of {@link Builder#maxNumberScale(int)}: 1,000 decimal places either way, beyond the
   * range of a double (whose exponents reach 308 and -324) yet cheap to use.
   */
  public static final int DEFAULT_MAX_NUMBER_SCALE = 1_000;

  private static final int MAX_DOCUMENT_LIMIT = 1 << 30;
  private static final StrictJson DEFAULTS = builder().build();

  private final ObjectMapper mapper;
  private final ObjectReader treeReader;
  private final int maxDocumentBytes;
  private final int maxDepth;
  private final int maxStringLength;
  private final int maxNumberLength;
  private final int maxNumberScale;
  private final int maxNameLength;
  private final int maxErrors;
  private final Map<Type, Binding> bindings = new ConcurrentHashMap<>();
  private final ShapeChecker checker;

  private StrictJson(Builder b) {
    this.maxDocumentBytes = b.maxDocumentBytes;
    this.maxDepth = b.maxDepth;
    this.maxStringLength = b.maxStringLength;
    this.maxNumberLength = b.maxNumberLength;
    this.maxNumberScale = b.maxNumberScale;
    this.maxNameLength = b.maxNameLength;
    this.maxErrors = b.maxErrors;
    JsonFactoryBuilder factoryBuilder = new JsonFactoryBuilder();
    factoryBuilder
        .streamReadConstraints(
            StreamReadConstraints.builder()
                .maxDocumentLength(b.maxDocumentBytes)
                .maxNestingDepth(b.maxDepth)
                .maxStringLength(b.maxStringLength)
                .maxNumberLength(b.maxNumberLength)
                .maxNameLength(b.maxNameLength)
                .build())
        .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION);
    // duplicate keys: see DuplicateKeyParser
    JsonFactory factory = new StrictJsonFactory(factoryBuilder, b.maxNumberScale);
    JsonMapper.Builder mb =
        JsonMapper.builder(factory)
            .addModule(new JavaTimeModule())
            .enable(
                DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
                DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
                DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS,
                DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY,
                DeserializationFeature.FAIL_ON_INVALID_SUBTYPE)
            .disable(
                DeserializationFeature.ACCEPT_FLOAT_AS_INT,
                DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY,
                DeserializationFeature.UNWRAP_SINGLE_VALUE_ARRAYS,
                DeserializationFeature.ACCEPT_EMPTY_STRING_AS_NULL_OBJECT,
                DeserializationFeature.ACCEPT_EMPTY_ARRAY_AS_NULL_OBJECT,
                DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL,
                DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .withCoercionConfigDefaults(
                c ->
                    c.setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.EmptyArray, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.EmptyObject, CoercionAction.Fail))
            .withCoercionConfig(
                LogicalType.Integer,
                c ->
                    c.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .withCoercionConfig(
                LogicalType.Float,
                c ->
                    c.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .withCoercionConfig(
                LogicalType.Boolean,
                c ->
                    c.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail))
            .withCoercionConfig(
                LogicalType.Textual,
                c ->
                    c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .withCoercionConfig(
                LogicalType.Enum,
                c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail));
    mb.addModule(
        new SimpleModule("guardrails-strict-time-numbers")
            .setDeserializerModifier(new TimeNumberLimit()));
    for (Module module : b.modules) {
      mb.addModule(module);
    }
    this.mapper = mb.build();
    // numbers as BigDecimal, so that one too large for a double is reported where it is
    this.treeReader = mapper.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    this.checker = new ShapeChecker(mapper, b.maxErrors);
  }

  /** {@return the reader with the default limits} */
  public static StrictJson defaults() {
    return DEFAULTS;
  }

  /** {@return a builder with the default limits} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads a UTF-8 JSON document as a value of the type.
   *
   * @param json the document
   * @param type the type to bind
   * @param <T> the type
   * @return the value; never null (a {@code null} document is invalid)
   * @throws InvalidInput if the document is not valid JSON of the type, listing every bad field
   * @throws NullPointerException if an argument is null
   */
  public <T> T read(byte[] json, Class<T> type) {
    Objects.requireNonNull(type, "type");
    return type.cast(bind(json, type));
  }

  /**
   * Reads a UTF-8 JSON document as a value of a generic type, e.g. {@code new
   * TypeReference<List<Item>>() {}}.
   *
   * @param json the document
   * @param type the type to bind
   * @param <T> the type
   * @return the value; never null
   * @throws InvalidInput if the document is not valid JSON of the type, listing every bad field
   * @throws NullPointerException if an argument is null
   */
  public <T> T read(byte[] json, TypeReference<T> type) {
    Objects.requireNonNull(type, "type");
    @SuppressWarnings("unchecked") // the reader was built for exactly this type
    T value = (T) bind(json, type.getType());
    return value;
  }

  /**
   * Reads a JSON document given as text.
   *
   * @param json the document
   * @param type the type to bind
   * @param <T> the type
   * @return the value; never null
   * @throws InvalidInput if the document is not valid JSON of the type, listing every bad field
   * @throws NullPointerException if an argument is null
   */
  public <T> T read(String json, Class<T> type) {
    Objects.requireNonNull(json, "json");
    return read(json.getBytes(StandardCharsets.UTF_8), type);
  }

  /**
   * Reads a UTF-8 JSON document from a stream, reading at most the document limit plus one byte;
   * the stream is not closed.
   *
   * @param json the stream
   * @param type the type to bind
   * @param <T> the type
   * @return the value; never null
   * @throws InvalidInput if the document is too large or not valid JSON of the type
   * @throws UncheckedIOException if reading the stream fails
   * @throws NullPointerException if an argument is null
   */
  public <T> T read(InputStream json, Class<T> type) {
    Objects.requireNonNull(json, "json");
    Objects.requireNonNull(type, "type");
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(8_192, maxDocumentBytes + 1));
    byte[] buffer = new byte[8_192];
    try {
      int n;
      while ((n = json.read(buffer, 0, Math.min(buffer.length, maxDocumentBytes + 1 - out.size())))
          > 0) {
        out.write(buffer, 0, n);
        if (out.size() > maxDocumentBytes) {
          throw tooLarge();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("the JSON document could not be read", e);
    }
    return read(out.toByteArray(), type);
  }

  /** {@return the limits} */
  @Override
  public String toString() {
    return "StrictJson[maxDocumentBytes="
        + maxDocumentBytes
        + ", maxDepth="
        + maxDepth
        + ", maxStringLength="
        + maxStringLength
        + ", maxNumberLength="
        + maxNumberLength
        + ", maxNumberScale="
        + maxNumberScale
        + ", maxNameLength="
        + maxNameLength
        + ", maxErrors="
        + maxErrors
        + "]";
  }

  /** A cached reader for one type, with the type for explaining failures. */
  private record Binding(JavaType type, ObjectReader reader) {}

  private Object bind(byte[] json, Type key) {
    Objects.requireNonNull(json, "json");
    if (json.length > maxDocumentBytes) {
      throw tooLarge();
    }
    int bad = Utf8.firstInvalid(json);
    if (bad >= 0) {
      throw invalid("$", "the text is not valid UTF-8 (at byte " + bad + ")");
    }
    Binding binding = bindings.get(key);
    if (binding == null) {
      binding =
          bindings.computeIfAbsent(
              key,
              k -> {
                JavaType javaType = mapper.constructType(k);
                return new Binding(javaType, mapper.readerFor(javaType));
              });
    }
    Object value;
    try {
      value = binding.reader().readValue(json);
    } catch (IOException | DateTimeException | ArithmeticException e) {
      // a java.time value out of its range fails with the JDK's exceptions, not Jackson's
      throw explain(json, binding.type(), e);
    }
    if (value == null) {
      throw invalid("$", "expected " + ShapeChecker.expected(binding.type()) + ", got null");
    }
    return value;
  }

  private InvalidInput tooLarge() {
    return invalid("$", "the document is larger than " + maxDocumentBytes + " bytes");
  }

  private static InvalidInput invalid(String path, String problem) {
    return InvalidInput.of(FieldError.withoutValue(path, problem));
  }

  private InvalidInput explain(byte[] json, JavaType type, Exception failure) {
    InvalidInput syntax = syntaxError(json, failure);
    if (syntax != null) {
      return syntax;
    }
    List<FieldError> errors = new ArrayList<>();
    try (JsonParser parser = treeReader.createParser(json)) {
      // numbers beyond the scale limit are noted, not thrown, so that every other error is found
      List<FieldError> outOfScale = new ArrayList<>();
      if (parser instanceof DuplicateKeyParser strict) {
        strict.collectScaleErrorsIn(outOfScale);
      }
      JsonNode tree = treeReader.readTree(parser);
      if (tree != null) {
        checker.check(tree, type, new ArrayList<>(), errors);
      }
      for (FieldError error : outOfScale) {
        if (errors.size() < maxErrors
            && errors.stream().noneMatch(e -> e.path().equals(error.path()))) {
          errors.add(error);
        }
      }
    } catch (IOException e) {
      InvalidInput second = syntaxError(json, e);
      if (second != null) {
        return second;
      }
    }
    if (errors.isEmpty()) {
      errors.add(ShapeChecker.fromException(failure));
    }
    return InvalidInput.of(errors);
  }

  /** Returns the error for a document that is not well-formed or over a limit, or null. */
  private @Nullable InvalidInput syntaxError(byte[] json, Exception failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof InvalidValueException v) {
        // a number beyond the scale limit is found again, with every other error, by explain
        return v.isTextError() ? invalid(v.path(), v.problem()) : null;
      }
      if (t instanceof StreamConstraintsException c) {
        return invalid("$", limitProblem(c.getOriginalMessage()));
      }
      if (t instanceof InputCoercionException) {
        return null;
      }
      if (t instanceof JsonEOFException) {
        return invalid("$", "the JSON ends unexpectedly");
      }
      if (t instanceof JsonProcessingException p
          && p.getOriginalMessage() != null
          && p.getOriginalMessage().startsWith("Duplicate field")) {
        String path = "$";
        String name = null;
        if (p.getProcessor() instanceof JsonParser parser) {
          JsonStreamContext context = parser.getParsingContext();
          name = context.getCurrentName();
          path = ShapeChecker.render(DuplicateKeyParser.pathOf(context.getParent()));
        }
        String field = name == null ? "a field" : "the field '" + name + "'";
        return invalid(path, field + " appears more than once");
      }
      if (t instanceof MismatchedInputException m && m.getOriginalMessage() != null) {
        String message = m.getOriginalMessage();
        if (message.startsWith("Trailing token")) {
          return invalid("$", "there is more content after the JSON value");
        }
        if (message.startsWith("No content to map")) {
          return invalid("$", "the document is empty");
        }
      }
      if (t instanceof com.fasterxml.jackson.core.JsonParseException p) {
        if (isBlank(json)) {
          return invalid("$", "the document is empty");
        }
        var location = p.getLocation();
        String where =
            location == null
                ? ""
                : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
        return invalid("$", "the JSON is not well formed" + where);
      }
    }
    return null;
  }

  private static boolean isBlank(byte[] json) {
    for (byte b : json) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }

  private String limitProblem(@Nullable String message) {
    String m = message == null ? "" : message;
    if (m.contains("nesting depth")) {
      return "the JSON is nested deeper than " + maxDepth + " levels";
    }
    if (m.startsWith("String value length")) {
      return "a text value is longer than " + maxStringLength + " characters";
    }
    if (m.startsWith("Number value length")) {
      return "a number is longer than " + maxNumberLength + " digits";
    }
    if (m.startsWith("Name length")) {
      return "a field name is longer than " + maxNameLength + " characters";
    }
    if (m.startsWith("Document length")) {
      return "the document is larger than " + maxDocumentBytes + " bytes";
    }
    return "the JSON exceeds a size limit";
  }

  /**
   * Builds a {@link StrictJson}. Defaults: documents up to 1 MiB, nesting up to 64 levels, strings
   * up to 65,536 characters, numbers up to 100 digits, decimal exponents up to {@value
   * #DEFAULT_MAX_NUMBER_SCALE} either way, field names up to 256 characters, up to 50 field errors
   * reported.
   *
   * <p>Not thread-safe; {@link #build()} copies.
   */
  public static final class Builder {
    private int maxDocumentBytes = 1 << 20;
    private int maxDepth = 64;
    private int maxStringLength = 65_536;
    private int maxNumberLength = 100;
    private int maxNumberScale = DEFAULT_MAX_NUMBER_SCALE;
    private int maxNameLength = 256;
    private int maxErrors = 50;
    private final List<Module> modules = new ArrayList<>();

    private Builder() {}

    /**
     * Sets the largest document accepted, in bytes.
     *
     * @param value the limit, 1 to 1 GiB
     * @return this builder
     * @throws IllegalArgumentException if the value is less than 1 or more than 1 GiB
     */
    public Builder maxDocumentBytes(int value) {
      if (value > MAX_DOCUMENT_LIMIT) {
        throw new IllegalArgumentException(
            "max document bytes must be at most " + MAX_DOCUMENT_LIMIT + ", but was " + value);
      }
      this.maxDocumentBytes = atLeast(value, 1, "max document bytes");
      return this;
    }

    /**
     * Sets the deepest nesting of arrays and objects accepted.
     *
     * @param value the limit, at least 1
     * @return this builder
     * @throws IllegalArgumentException if the value is less than 1
     */
    public Builder maxDepth(int value) {
      this.maxDepth = atLeast(value, 1, "max depth");
      return this;
    }

    /**
     * Sets the longest text value accepted, in characters.
     *
     * @param value the limit, at least 1
     * @return this builder
     * @throws IllegalArgumentException if the value is less than 1
     */
    public Builder maxStringLength(int value) {
      this.maxStringLength = atLeast(value, 1, "max string length");
      return this;
    }

    /**
     * Sets the longest number accepted, in characters.
     *
     * @param value the limit, at least 1
     * @return this builder
     * @throws IllegalArgumentException if the value is less than 1
     */
    public Builder maxNumberLength(int value) {
      this.maxNumberLength = atLeast(value, 1, "max number length");
      return this;
    }

    /**
     * Sets the largest decimal exponent accepted for a number read as a {@link
     * java.math.BigDecimal} (a {@code BigDecimal} field, or any decimal number when the input is
     * explained): the absolute value of its scale, so {@code 1e400} (scale -400) and {@code
     * 0.5e-400} (scale 401) are both beyond a limit of 400. Such a number is a few characters to
     * send and cheap to parse, but each use of it (plain text, arithmetic, rounding, a conversion
     * to an integer) works on as many digits as its exponent says, so {@code 1e1000000} costs a
     * million digits of work. The number of digits is bounded by {@link #maxNumberLength(int)}.
     *
     * @param value the limit, at least 1; default {@value #DEFAULT_MAX_NUMBER_SCALE}
     * @return this builder
     * @throws IllegalArgumentException if the value is less than 1
     */
    public Builder maxNumberScale(int value) {
      this.maxNumberScale = atLeast(value, 1, "max number scale");
      return this;
    }

    /**
     * Sets the longest field name accepted, in characters.
     *
     * @param value the limit, at least 1
     * @return this builder
     * @throws IllegalArgumentException if the value is less than 1
     */
    public Builder maxNameLength(int value) {
      this.maxNameLength = atLeast(value, 1, "max name length");
      return this;
    }

    /**
     * Sets how many field errors one failure lists at most.
     *
     * @param value the limit, at least 1
     * @return this builder
     * @throws IllegalArgumentException if the value is less than 1
     */
    public Builder maxErrors(int value) {
      this.maxErrors = atLeast(value, 1, "max errors");
      return this;
    }

    /**
     * Registers a further Jackson module (the {@code java.time} one is registered by default).
     *
     * @param module the module
     * @return this builder
     * @throws NullPointerException if the module is null
     */
    public Builder module(Module module) {
      modules.add(Objects.requireNonNull(module, "module"));
      return this;
    }

    /** {@return the reader; this builder can still be changed without affecting it} */
    public StrictJson build() {
      return new StrictJson(this);
    }

    private static int atLeast(int value, int min, String name) {
      if (value < min) {
        throw new IllegalArgumentException(
            name + " must be at least " + min + ", but was " + value);
      }
      return value;
    }
  }
}
