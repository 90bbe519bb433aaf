package dev.guardrails.errors.jobs;

import dev.guardrails.errors.MutableClock;
import dev.guardrails.errors.spi.JobScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A scheduler driven by a {@link MutableClock}: tasks run when the test advances time. */
final class ManualScheduler implements JobScheduler {

  private final MutableClock clock;
  private final List<Entry> entries = new ArrayList<>();
  private long sequence;

  ManualScheduler(MutableClock clock) {
    this.clock = clock;
  }

  private static final class Entry {
    final Instant due;
    final long order;
    final Runnable task;
    boolean cancelled;

    Entry(Instant due, long order, Runnable task) {
      this.due = due;
      this.order = order;
      this.task = task;
    }
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, Duration delay) {
    Entry entry = new Entry(clock.instant().plus(delay), sequence++, task);
    entries.add(entry);
    return () -> {
      synchronized (this) {
        entry.cancelled = true;
      }
    };
  }

  /** Moves time forward step by step, running every task that falls due on the way. */
  void advance(Duration total, Duration step) {
    Instant end = clock.instant().plus(total);
    while (clock.instant().isBefore(end)) {
      clock.advance(step);
      runDue();
    }
  }

  /** Runs every task due now, including tasks they schedule that are due now. */
  void runDue() {
    for (int guard = 0; guard < 10_000; guard++) {
      Entry next;
      synchronized (this) {
        next =
            entries.stream()
                .filter(e -> !e.cancelled && !e.due.isAfter(clock.instant()))
                .min(Comparator.comparing((Entry e) -> e.due).thenComparingLong(e -> e.order))
                .orElse(null);
        if (next == null) {
          return;
        }
        entries.remove(next);
      }
      next.task.run();
    }
    throw new AssertionError("tasks keep scheduling themselves with no delay");
  }

  synchronized long pending() {
    return entries.stream().filter(e -> !e.cancelled).count();
  }
}
