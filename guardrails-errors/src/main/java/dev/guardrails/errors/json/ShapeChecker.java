package dev.guardrails.errors.json;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyName;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.type.TypeFactory;
import dev.guardrails.core.FieldError;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.URL;
import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Walks a JSON tree against a Java type and collects every mismatch: wrong kinds, numbers out of
 * range, nulls for primitives, unknown and missing required fields, values a type rejects.
 *
 * <p>Thread-safe; caches the shape of each bean type.
 */
final class ShapeChecker {

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$-]*");
  private static final int MAX_ENUM_LISTED = 10;
  private static final String OUT_OF_RANGE = "the number is out of range";

  private final ObjectMapper mapper;
  private final int maxErrors;
  private final Map<JavaType, Optional<BeanShape>> shapes = new ConcurrentHashMap<>();

  ShapeChecker(ObjectMapper mapper, int maxErrors) {
    this.mapper = mapper;
    this.maxErrors = maxErrors;
  }

  /** The deserialisable properties of a bean type. */
  private record BeanShape(
      Map<String, JavaType> properties,
      Set<String> ignored,
      boolean acceptsUnknown,
      Set<String> required) {}

  void check(JsonNode node, JavaType type, List<Object> path, List<FieldError> errors) {
    if (errors.size() >= maxErrors) {
      return;
    }
    Class<?> raw = type.getRawClass();
    if (raw == Object.class || JsonNode.class.isAssignableFrom(raw)) {
      return;
    }
    if (node.isNull()) {
      if (raw.isPrimitive()) {
        add(errors, path, "expected " + expected(type) + ", got null");
      }
      return;
    }
    if (type.isReferenceType()) {
      check(node, type.getReferencedType(), path, errors);
      return;
    }
    if (raw.isPrimitive() || isScalar(raw)) {
      checkScalar(node, type, path, errors);
    } else if (raw.isEnum()) {
      convert(node, type, path, errors);
    } else if ((type.isArrayType() && raw != byte[].class) || type.isCollectionLikeType()) {
      if (!node.isArray()) {
        mismatch(node, type, path, errors);
        return;
      }
      JavaType content = type.getContentType();
      for (int i = 0; i < node.size() && errors.size() < maxErrors; i++) {
        path.add(i);
        check(node.get(i), content, path, errors);
        path.remove(path.size() - 1);
      }
    } else if (type.isMapLikeType()) {
      if (!node.isObject()) {
        mismatch(node, type, path, errors);
        return;
      }
      JavaType content = type.getContentType();
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        path.add(field.getKey());
        check(field.getValue(), content, path, errors);
        path.remove(path.size() - 1);
      }
    } else if (raw.getName().startsWith("java.") || raw == byte[].class) {
      convert(node, type, path, errors);
    } else {
      BeanShape shape = shapes.computeIfAbsent(type, this::shapeOf).orElse(null);
      if (shape == null || !node.isObject()) {
        convert(node, type, path, errors);
      } else {
        checkBean(node, shape, path, errors);
      }
    }
  }

  private void checkBean(
      JsonNode node, BeanShape shape, List<Object> path, List<FieldError> errors) {
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      String name = field.getKey();
      path.add(name);
      JavaType propertyType = shape.properties().get(name);
      if (propertyType != null) {
        check(field.getValue(), propertyType, path, errors);
      } else if (!shape.acceptsUnknown() && !shape.ignored().contains(name)) {
        add(errors, path, "is not a known field");
      }
      path.remove(path.size() - 1);
    }
    for (String required : shape.required()) {
      if (!node.has(required)) {
        path.add(required);
        add(errors, path, "is required");
        path.remove(path.size() - 1);
      }
    }
  }

  private void checkScalar(
      JsonNode node, JavaType type, List<Object> path, List<FieldError> errors) {
    Class<?> raw = type.getRawClass();
    boolean ok;
    String rangeProblem = null;
    if (raw == String.class || raw == CharSequence.class) {
      ok = node.isTextual();
    } else if (raw == char.class || raw == Character.class) {
      ok = node.isTextual() && node.textValue().length() == 1;
    } else if (raw == boolean.class || raw == Boolean.class) {
      ok = node.isBoolean();
    } else if (raw == int.class || raw == Integer.class) {
      ok = node.isIntegralNumber() && node.canConvertToInt();
      rangeProblem = range(node, Integer.MIN_VALUE, Integer.MAX_VALUE);
    } else if (raw == long.class || raw == Long.class) {
      ok = node.isIntegralNumber() && node.canConvertToLong();
      rangeProblem = range(node, Long.MIN_VALUE, Long.MAX_VALUE);
    } else if (raw == short.class || raw == Short.class) {
      ok =
          node.isIntegralNumber()
              && node.canConvertToInt()
              && node.intValue() == (short) node.intValue();
      rangeProblem = range(node, Short.MIN_VALUE, Short.MAX_VALUE);
    } else if (raw == byte.class || raw == Byte.class) {
      ok =
          node.isIntegralNumber()
              && node.canConvertToInt()
              && node.intValue() == (byte) node.intValue();
      rangeProblem = range(node, Byte.MIN_VALUE, Byte.MAX_VALUE);
    } else if (raw == BigInteger.class) {
      ok = node.isIntegralNumber();
    } else if (raw == double.class || raw == Double.class) {
      ok = node.isNumber() && Double.isFinite(node.doubleValue());
      rangeProblem = OUT_OF_RANGE;
    } else if (raw == float.class || raw == Float.class) {
      ok = node.isNumber() && Float.isFinite(node.floatValue());
      rangeProblem = OUT_OF_RANGE;
    } else {
      ok = node.isNumber();
    }
    if (ok) {
      return;
    }
    if (node.isNumber() && rangeProblem != null) {
      add(errors, path, rangeProblem);
    } else {
      mismatch(node, type, path, errors);
    }
  }

  private static @Nullable String range(JsonNode node, long min, long max) {
    if (!node.isIntegralNumber()) {
      return null;
    }
    return "expected a whole number between " + min + " and " + max + ", got " + sizeOf(node);
  }

  private static String sizeOf(JsonNode node) {
    BigInteger value = node.bigIntegerValue();
    return value.signum() < 0 ? "a smaller number" : "a larger number";
  }

  private void convert(JsonNode node, JavaType type, List<Object> path, List<FieldError> errors) {
    try {
      mapper.treeToValue(node, type);
    } catch (IOException | IllegalArgumentException | DateTimeException | ArithmeticException e) {
      mismatch(node, type, path, errors);
    }
  }

  private void mismatch(JsonNode node, JavaType type, List<Object> path, List<FieldError> errors) {
    String expected = expected(type);
    String got = kindOf(node);
    if (expected.startsWith("one of") && node.isTextual()) {
      add(errors, path, "expected " + expected + ", got an unknown value");
    } else if (expected.equals(got)) {
      add(errors, path, "is not valid");
    } else {
      add(errors, path, "expected " + expected + ", got " + got);
    }
  }

  private void add(List<FieldError> errors, List<Object> path, String problem) {
    if (errors.size() < maxErrors) {
      errors.add(FieldError.withoutValue(render(path), problem));
    }
  }

  private Optional<BeanShape> shapeOf(JavaType type) {
    DeserializationConfig config = mapper.getDeserializationConfig();
    BeanDescription description = config.introspect(type);
    if (description.getClassInfo().hasAnnotation(JsonTypeInfo.class)) {
      return Optional.empty();
    }
    List<BeanPropertyDefinition> definitions = description.findProperties();
    if (definitions.isEmpty()) {
      return Optional.empty();
    }
    Map<String, JavaType> properties = new HashMap<>();
    Set<String> required = new HashSet<>();
    for (BeanPropertyDefinition definition : definitions) {
      if (!definition.couldDeserialize()) {
        continue;
      }
      properties.put(definition.getName(), definition.getPrimaryType());
      for (PropertyName alias : definition.findAliases()) {
        properties.put(alias.getSimpleName(), definition.getPrimaryType());
      }
      if (definition.isRequired()
          || (definition.hasConstructorParameter()
              && definition.getRawPrimaryType().isPrimitive())) {
        required.add(definition.getName());
      }
    }
    JsonIgnoreProperties.Value ignorals =
        config.getDefaultPropertyIgnorals(type.getRawClass(), description.getClassInfo());
    Set<String> ignored = new HashSet<>(ignorals.findIgnoredForDeserialization());
    ignored.addAll(description.getIgnoredPropertyNames());
    boolean acceptsUnknown =
        ignorals.getIgnoreUnknown() || description.findAnySetterAccessor() != null;
    return Optional.of(
        new BeanShape(
            Map.copyOf(properties), Set.copyOf(ignored), acceptsUnknown, Set.copyOf(required)));
  }

  private static boolean isScalar(Class<?> raw) {
    return raw == String.class
        || raw == CharSequence.class
        || raw == Character.class
        || raw == Boolean.class
        || raw == BigDecimal.class
        || raw == BigInteger.class
        || (Number.class.isAssignableFrom(raw) && raw.getName().startsWith("java.lang."));
  }

  static String kindOf(JsonNode node) {
    if (node.isTextual()) {
      return "a string";
    }
    if (node.isIntegralNumber()) {
      return "a whole number";
    }
    if (node.isNumber()) {
      return "a decimal number";
    }
    if (node.isBoolean()) {
      return "true or false";
    }
    if (node.isArray()) {
      return "a list";
    }
    if (node.isObject()) {
      return "an object";
    }
    if (node.isNull()) {
      return "null";
    }
    return "an unsupported value";
  }

  static String expected(JavaType type) {
    Class<?> raw = type.getRawClass();
    if (type.isReferenceType()) {
      return expected(type.getReferencedType());
    }
    if (raw == String.class || raw == CharSequence.class) {
      return "a string";
    }
    if (raw == char.class || raw == Character.class) {
      return "a single character";
    }
    if (raw == boolean.class || raw == Boolean.class) {
      return "true or false";
    }
    if (raw == int.class
        || raw == Integer.class
        || raw == long.class
        || raw == Long.class
        || raw == short.class
        || raw == Short.class
        || raw == byte.class
        || raw == Byte.class
        || raw == BigInteger.class) {
      return "a whole number";
    }
    if (raw.isPrimitive() || Number.class.isAssignableFrom(raw)) {
      return "a number";
    }
    if (raw.isEnum()) {
      Object[] constants = raw.getEnumConstants();
      StringBuilder names = new StringBuilder("one of ");
      for (int i = 0; i < constants.length && i < MAX_ENUM_LISTED; i++) {
        names.append(i == 0 ? "" : ", ").append(((Enum<?>) constants[i]).name());
      }
      if (constants.length > MAX_ENUM_LISTED) {
        names.append(", ...");
      }
      return names.toString();
    }
    if (raw == byte[].class) {
      return "base64 text";
    }
    if (type.isArrayType() || type.isCollectionLikeType()) {
      return "a list";
    }
    if (raw == UUID.class) {
      return "a UUID";
    }
    if (raw == URI.class || raw == URL.class) {
      return "a URI";
    }
    if (raw.getName().startsWith("java.time.")) {
      return "a date or time in ISO-8601 format";
    }
    if (raw.getName().startsWith("java.")) {
      return "a valid value";
    }
    return "an object";
  }

  static String render(List<Object> path) {
    if (path.isEmpty()) {
      return "$";
    }
    StringBuilder out = new StringBuilder();
    for (Object segment : path) {
      if (segment instanceof Integer index) {
        if (out.length() == 0) {
          out.append('$');
        }
        out.append('[').append(index).append(']');
      } else {
        String name = String.valueOf(segment);
        if (IDENTIFIER.matcher(name).matches()) {
          if (out.length() > 0) {
            out.append('.');
          }
          out.append(name);
        } else {
          if (out.length() == 0) {
            out.append('$');
          }
          out.append("['").append(name.replace("\\", "\\\\").replace("'", "\\'")).append("']");
        }
      }
    }
    return out.toString();
  }

  static FieldError fromException(Exception failure) {
    List<Object> path = new ArrayList<>();
    if (failure instanceof JsonMappingException m) {
      for (JsonMappingException.Reference reference : m.getPath()) {
        if (reference.getFieldName() != null) {
          path.add(reference.getFieldName());
        } else if (reference.getIndex() >= 0) {
          path.add(reference.getIndex());
        }
      }
    }
    String where = render(path);
    if (failure instanceof UnrecognizedPropertyException) {
      return FieldError.withoutValue(where, "is not a known field");
    }
    if (failure instanceof InvalidNullException) {
      return FieldError.withoutValue(where, "must not be null");
    }
    if (failure instanceof InputCoercionException
        || failure.getCause() instanceof InputCoercionException) {
      return FieldError.withoutValue(where, OUT_OF_RANGE);
    }
    if (failure instanceof MismatchedInputException m && m.getTargetType() != null) {
      return FieldError.withoutValue(
          where,
          "expected " + expected(TypeFactory.defaultInstance().constructType(m.getTargetType())));
    }
    return FieldError.withoutValue(where, "is not valid");
  }
}
