package dev.guardrails.data;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/** Checks names that end up in SQL text, so that no caller can inject SQL through them. */
final class Identifiers {

  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final Pattern QUALIFIED = Pattern.compile(NAME + "(\\." + NAME + ")?");

  private Identifiers() {}

  /** A lower-case, unquoted SQL identifier of at most 63 characters. */
  static String name(String value, String what) {
    Objects.requireNonNull(value, what);
    if (!NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(
          what
              + " must be a lower-case SQL identifier ([a-z_][a-z0-9_]*, at most 63 characters),"
              + " but was '"
              + value
              + "'");
    }
    return value;
  }

  /** A table name, optionally qualified by a schema: {@code notes} or {@code app.notes}. */
  static String table(String value, String what) {
    Objects.requireNonNull(value, what);
    if (!QUALIFIED.matcher(value).matches()) {
      throw new IllegalArgumentException(
          what
              + " must be a lower-case SQL identifier, optionally schema-qualified, but was '"
              + value
              + "'");
    }
    return value;
  }

  /** The table's name without its schema. */
  static String unqualified(String table) {
    int dot = table.indexOf('.');
    return dot < 0 ? table : table.substring(dot + 1);
  }

  /** camelCase to snake_case: {@code createdAt} becomes {@code created_at}. */
  static String snakeCase(String camel) {
    StringBuilder out = new StringBuilder(camel.length() + 4);
    for (int i = 0; i < camel.length(); i++) {
      char c = camel.charAt(i);
      if (Character.isUpperCase(c)) {
        if (i > 0) {
          out.append('_');
        }
        out.append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString().toLowerCase(Locale.ROOT);
  }
}
