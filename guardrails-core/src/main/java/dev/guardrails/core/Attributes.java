package dev.guardrails.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Builds the ordered, immutable attribute maps of the core events. */
final class Attributes {

  private final Map<String, String> map = new LinkedHashMap<>();

  Attributes put(String key, Object value) {
    map.put(key, String.valueOf(value));
    return this;
  }

  Attributes putIfPresent(String key, Optional<String> value) {
    value.ifPresent(v -> map.put(key, v));
    return this;
  }

  Map<String, String> build() {
    return Collections.unmodifiableMap(map);
  }
}
