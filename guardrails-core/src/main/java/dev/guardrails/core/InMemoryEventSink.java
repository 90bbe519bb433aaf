package dev.guardrails.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Keeps the most recent events in memory, for tests and diagnostics.
 *
 * <p>Bounded: once it holds {@link #capacity()} events, each new event drops the oldest one and
 * counts the drop. Thread-safe: {@link #publish}, {@link #events()} and {@link #clear()} may be
 * called from any thread, and the lists returned are immutable snapshots.
 */
public final class InMemoryEventSink implements EventSink {

  /** The capacity of a sink created with {@link #InMemoryEventSink()}. */
  public static final int DEFAULT_CAPACITY = 10_000;

  private final int capacity;
  private final ArrayDeque<GuardrailEvent> events;
  private long dropped;

  /** Creates a sink that keeps the {@value #DEFAULT_CAPACITY} most recent events. */
  public InMemoryEventSink() {
    this(DEFAULT_CAPACITY);
  }

  /**
   * Creates a sink that keeps the {@code capacity} most recent events.
   *
   * @param capacity how many events to keep, positive
   * @throws IllegalArgumentException if {@code capacity} is not positive
   */
  public InMemoryEventSink(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive, but was " + capacity);
    }
    this.capacity = capacity;
    this.events = new ArrayDeque<>(Math.min(capacity, 1024));
  }

  /**
   * Records the event, dropping the oldest one when the sink is full.
   *
   * @param event the event
   * @throws NullPointerException if {@code event} is null
   */
  @Override
  public void publish(GuardrailEvent event) {
    Objects.requireNonNull(event, "event");
    synchronized (events) {
      if (events.size() == capacity) {
        events.removeFirst();
        dropped++;
      }
      events.addLast(event);
    }
  }

  /** {@return a snapshot of the events kept, oldest first} */
  public List<GuardrailEvent> events() {
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  /**
   * Returns a snapshot of the events kept of one type (subtypes included), oldest first.
   *
   * @param type the event type
   * @param <E> the event type
   * @return an immutable list
   * @throws NullPointerException if {@code type} is null
   */
  public <E extends GuardrailEvent> List<E> events(Class<E> type) {
    Objects.requireNonNull(type, "type");
    List<E> matching = new ArrayList<>();
    synchronized (events) {
      for (GuardrailEvent event : events) {
        if (type.isInstance(event)) {
          matching.add(type.cast(event));
        }
      }
    }
    return List.copyOf(matching);
  }

  /** Removes every event kept and resets the {@linkplain #dropped() drop count}. */
  public void clear() {
    synchronized (events) {
      events.clear();
      dropped = 0;
    }
  }

  /**
   * {@return how many events were dropped to respect the capacity since creation or the last clear}
   */
  public long dropped() {
    synchronized (events) {
      return dropped;
    }
  }

  /** {@return how many events the sink keeps at most} */
  public int capacity() {
    return capacity;
  }

  @Override
  public String name() {
    return "inMemory";
  }

  @Override
  public String toString() {
    return "InMemoryEventSink[capacity=" + capacity + "]";
  }
}
