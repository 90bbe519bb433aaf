package dev.guardrails.data;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** Conversions between Java values and JDBC parameters and columns, the same on every driver. */
final class JdbcValues {

  /** A parameter value that binds as SQL NULL typed as text (e.g. an absent JSON document). */
  static final Object NULL_TEXT = new Object();

  private JdbcValues() {}

  static void bind(PreparedStatement ps, int index, @Nullable Object value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.NULL);
    } else if (value instanceof String text) {
      ps.setString(index, text);
    } else if (value == NULL_TEXT) {
      ps.setNull(index, Types.VARCHAR);
    } else if (value instanceof Instant instant) {
      ps.setObject(index, instant.atOffset(ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
    } else if (value instanceof Enum<?> e) {
      ps.setString(index, e.name());
    } else {
      ps.setObject(index, value);
    }
  }

  /** Reads a column as the given Java type; primitives are read as their boxes. */
  static @Nullable Object read(ResultSet rs, String column, Class<?> type) throws SQLException {
    Class<?> boxed = box(type);
    Object value;
    if (boxed == Instant.class) {
      OffsetDateTime odt = rs.getObject(column, OffsetDateTime.class);
      value = odt == null ? null : odt.toInstant();
    } else if (boxed.isEnum()) {
      String name = rs.getString(column);
      value = name == null ? null : enumValue(boxed, name);
    } else if (boxed == String.class
        || boxed == Long.class
        || boxed == Integer.class
        || boxed == Short.class
        || boxed == Boolean.class
        || boxed == Double.class
        || boxed == Float.class
        || boxed == BigDecimal.class
        || boxed == UUID.class
        || boxed == LocalDate.class
        || boxed == LocalDateTime.class
        || boxed == OffsetDateTime.class
        || boxed == byte[].class) {
      value = rs.getObject(column, boxed);
    } else {
      throw new IllegalArgumentException(
          "column type must be a supported JDBC value type, but was " + type.getName());
    }
    if (value == null && type.isPrimitive()) {
      throw new IllegalStateException(
          "column '" + column + "' is null but maps to primitive " + type.getName());
    }
    return value;
  }

  /** The value as it appears in audit JSON: text for time, ids and enums, numbers as they are. */
  static @Nullable Object forJson(@Nullable Object value) {
    if (value == null
        || value instanceof String
        || value instanceof Number
        || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Enum<?> e) {
      return e.name();
    }
    if (value instanceof Instant instant) {
      return instant.toString();
    }
    if (value instanceof OffsetDateTime odt) {
      return odt.toInstant().toString();
    }
    if (value instanceof byte[] bytes) {
      return java.util.Base64.getEncoder().encodeToString(bytes);
    }
    return value.toString();
  }

  static Class<?> box(Class<?> type) {
    if (!type.isPrimitive()) {
      return type;
    }
    if (type == long.class) {
      return Long.class;
    }
    if (type == int.class) {
      return Integer.class;
    }
    if (type == short.class) {
      return Short.class;
    }
    if (type == boolean.class) {
      return Boolean.class;
    }
    if (type == double.class) {
      return Double.class;
    }
    if (type == float.class) {
      return Float.class;
    }
    throw new IllegalArgumentException(
        "column type must be a supported JDBC value type, but was " + type.getName());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object enumValue(Class<?> type, String name) {
    return Enum.valueOf((Class) type, name);
  }
}
