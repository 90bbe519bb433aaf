package dev.guardrails.errors.alerts;

import dev.guardrails.errors.spi.AlertSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A sink that keeps every alert in memory, for tests.
 *
 * <p>Thread-safe; {@link #await(int, Duration)} lets a test wait for alerts sent from other threads
 * without sleeping.
 */
public final class InMemoryAlertSink implements AlertSink {

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();
  private final List<Alert> alerts = new ArrayList<>();

  InMemoryAlertSink() {}

  @Override
  public void send(Alert alert) {
    Objects.requireNonNull(alert, "alert");
    lock.lock();
    try {
      alerts.add(alert);
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** {@return a snapshot of the alerts received, oldest first} */
  public List<Alert> alerts() {
    lock.lock();
    try {
      return List.copyOf(alerts);
    } finally {
      lock.unlock();
    }
  }

  /** Forgets every alert received. */
  public void clear() {
    lock.lock();
    try {
      alerts.clear();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until at least {@code count} alerts have arrived.
   *
   * @param count the number of alerts to wait for
   * @param timeout the longest wait
   * @return true if they arrived, false on timeout
   * @throws InterruptedException if the thread is interrupted while waiting
   * @throws NullPointerException if the timeout is null
   */
  public boolean await(int count, Duration timeout) throws InterruptedException {
    long remaining = Objects.requireNonNull(timeout, "timeout").toNanos();
    lock.lock();
    try {
      while (alerts.size() < count) {
        if (remaining <= 0) {
          return false;
        }
        remaining = arrived.awaitNanos(remaining);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String name() {
    return "in-memory";
  }

  /** {@return the number of alerts received} */
  @Override
  public String toString() {
    return "InMemoryAlertSink[" + alerts().size() + " alerts]";
  }
}
