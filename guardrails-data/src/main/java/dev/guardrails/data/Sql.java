package dev.guardrails.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** One SQL statement with its bind parameters in order. */
final class Sql {
  final String text;
  final List<@Nullable Object> params;

  Sql(String text, List<@Nullable Object> params) {
    this.text = text;
    this.params = Collections.unmodifiableList(new ArrayList<>(params));
  }

  static Sql of(String text, @Nullable Object... params) {
    return new Sql(text, Arrays.asList(params));
  }

  @Override
  public String toString() {
    return text;
  }
}
