package dev.guardrails.core;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.spi.MDCAdapter;

/** A plain thread-local MDC, like logback's: nothing is inherited by child threads. */
final class ThreadLocalMdcAdapter implements MDCAdapter {

  private final ThreadLocal<Map<String, String>> values = ThreadLocal.withInitial(HashMap::new);
  private final ThreadLocal<Map<String, Deque<String>>> deques =
      ThreadLocal.withInitial(HashMap::new);

  @Override
  public void put(String key, String val) {
    values.get().put(key, val);
  }

  @Override
  public String get(String key) {
    return values.get().get(key);
  }

  @Override
  public void remove(String key) {
    values.get().remove(key);
  }

  @Override
  public void clear() {
    values.get().clear();
  }

  @Override
  public Map<String, String> getCopyOfContextMap() {
    return new HashMap<>(values.get());
  }

  @Override
  public void setContextMap(Map<String, String> contextMap) {
    values.set(new HashMap<>(contextMap));
  }

  @Override
  public void pushByKey(String key, String value) {
    deques.get().computeIfAbsent(key, k -> new ArrayDeque<>()).push(value);
  }

  @Override
  public String popByKey(String key) {
    Deque<String> deque = deques.get().get(key);
    return deque == null ? null : deque.poll();
  }

  @Override
  public Deque<String> getCopyOfDequeByKey(String key) {
    Deque<String> deque = deques.get().get(key);
    return deque == null ? null : new ArrayDeque<>(deque);
  }

  @Override
  public void clearDequeByKey(String key) {
    Deque<String> deque = deques.get().get(key);
    if (deque != null) {
      deque.clear();
    }
  }
}
