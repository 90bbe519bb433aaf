package dev.guardrails.errors.alerts;

import dev.guardrails.errors.spi.AlertSink;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sink that never blocks: {@link #send(Alert)} puts the alert in a bounded queue and returns; one
 * worker thread hands queued alerts to the delegate, which may block (a webhook). When the queue is
 * full the alert is dropped, counted and logged (the first drop and then at every power of two),
 * never silently lost. A delegate that throws (an exception or an error) is counted and logged, and
 * the worker goes on.
 *
 * <p>Thread-safe. {@link #close()} stops taking alerts, lets the worker deliver what is queued for
 * at most the {@linkplain Builder#closeTimeout close timeout}, and counts the rest as dropped.
 */
public final class AsyncAlertSink implements AlertSink, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AsyncAlertSink.class);

  private final AlertSink delegate;
  private final BlockingQueue<Alert> queue;
  private final Duration closeTimeout;
  private final Thread worker;
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private volatile boolean closed;
  private volatile boolean abandoned;
  private final Object wake = new Object();
  private boolean idle;

  private AsyncAlertSink(Builder b) {
    this.delegate = b.delegate;
    this.queue = new LinkedBlockingQueue<>(b.capacity);
    this.closeTimeout = b.closeTimeout;
    this.worker = b.threadFactory.newThread(this::drain);
    worker.start();
  }

  /**
   * Returns a builder for a queue in front of the delegate.
   *
   * @param delegate the sink that may block
   * @return the builder
   * @throws NullPointerException if the delegate is null
   */
  public static Builder builder(AlertSink delegate) {
    return new Builder(delegate);
  }

  /**
   * Queues the alert and returns at once; drops and counts it if the queue is full or the sink is
   * closed.
   *
   * @param alert the alert
   * @throws NullPointerException if the alert is null
   */
  @Override
  public void send(Alert alert) {
    Objects.requireNonNull(alert, "alert");
    if (closed || !queue.offer(alert)) {
      long count = dropped.incrementAndGet();
      if (Long.bitCount(count) == 1) {
        LOG.warn(
            "alert sink '{}' dropped alert {} ({}): {}; {} dropped so far",
            delegate.name(),
            alert.fingerprint(),
            alert.title(),
            closed ? "the sink is closed" : "its queue is full",
            count);
      }
    }
  }

  @Override
  public String name() {
    return delegate.name();
  }

  /** {@return a snapshot of the counters} */
  public SinkStats stats() {
    return new SinkStats(delivered.get(), failed.get(), dropped.get(), queue.size());
  }

  /**
   * Stops taking alerts and waits at most the close timeout for the queued ones to be delivered;
   * what remains is counted as dropped. Closing twice does nothing more.
   */
  @Override
  public void close() {
    synchronized (wake) {
      if (closed) {
        return;
      }
      closed = true;
      if (idle) {
        worker.interrupt();
      }
    }
    try {
      worker.join(closeTimeout.toMillis() + 1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (worker.isAlive()) {
      abandoned = true;
      worker.interrupt();
    }
    int left = queue.size();
    queue.clear();
    if (left > 0) {
      dropped.addAndGet(left);
      LOG.warn(
          "alert sink '{}' closed with {} alerts undelivered; they are counted as dropped",
          delegate.name(),
          left);
    }
  }

  private void drain() {
    while (!abandoned) {
      boolean wait;
      synchronized (wake) {
        wait = !closed;
        idle = wait;
      }
      Alert alert;
      if (wait) {
        try {
          alert = queue.take();
        } catch (InterruptedException e) {
          alert = null; // woken by close(): drain what is left without waiting
        } finally {
          synchronized (wake) {
            idle = false;
            // an interrupt meant to wake an idle worker must not abort the next delivery
            Thread.interrupted();
          }
        }
        if (alert == null) {
          continue;
        }
      } else {
        alert = queue.poll();
        if (alert == null) {
          return;
        }
      }
      deliver(alert);
    }
  }

  private void deliver(Alert alert) {
    try {
      delegate.send(alert);
      delivered.incrementAndGet();
    } catch (RuntimeException | Error e) {
      // an Error too: a worker that died would leave every later alert to fill the queue
      failed.incrementAndGet();
      LOG.warn(
          "alert sink '{}' failed to deliver alert {} ({}); {} failed so far",
          delegate.name(),
          alert.fingerprint(),
          alert.title(),
          failed.get(),
          e);
    }
  }

  /** {@return the delegate's name and the counters} */
  @Override
  public String toString() {
    return "AsyncAlertSink[" + delegate.name() + " " + stats() + "]";
  }

  /**
   * Builds an {@link AsyncAlertSink}. Defaults: a queue of 1,000 alerts, a 5-second close timeout,
   * a daemon worker thread named {@code guardrails-alerts-<sink>}.
   *
   * <p>Not thread-safe.
   */
  public static final class Builder {
    private final AlertSink delegate;
    private int capacity = 1_000;
    private Duration closeTimeout = Duration.ofSeconds(5);
    private ThreadFactory threadFactory;

    private Builder(AlertSink delegate) {
      this.delegate = Objects.requireNonNull(delegate, "delegate");
      String name = "guardrails-alerts-" + delegate.name();
      this.threadFactory =
          r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
          };
    }

    /**
     * Sets how many alerts may wait; beyond that they are dropped and counted.
     *
     * @param value the capacity, at least 1
     * @return this builder
     * @throws IllegalArgumentException if the value is less than 1
     */
    public Builder capacity(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("queue capacity must be at least 1, but was " + value);
      }
      this.capacity = value;
      return this;
    }

    /**
     * Sets how long {@link #close()} waits for queued alerts.
     *
     * @param value the timeout, zero or positive
     * @return this builder
     * @throws NullPointerException if the value is null
     * @throws IllegalArgumentException if the value is negative
     */
    public Builder closeTimeout(Duration value) {
      Objects.requireNonNull(value, "closeTimeout");
      if (value.isNegative()) {
        throw new IllegalArgumentException("close timeout must not be negative, but was " + value);
      }
      this.closeTimeout = value;
      return this;
    }

    /**
     * Sets the factory of the worker thread.
     *
     * @param value the factory
     * @return this builder
     * @throws NullPointerException if the value is null
     */
    public Builder threadFactory(ThreadFactory value) {
      this.threadFactory = Objects.requireNonNull(value, "threadFactory");
      return this;
    }

    /** {@return the sink, with its worker started} */
    public AsyncAlertSink build() {
      return new AsyncAlertSink(this);
    }
  }
}
