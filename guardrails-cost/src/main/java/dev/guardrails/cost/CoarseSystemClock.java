package dev.guardrails.cost;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * The system clock's epoch milliseconds, read from a field that one daemon thread refreshes every
 * millisecond while it is being read: a read costs a memory load instead of a clock call (about 25
 * ns on a virtual machine's {@code kvm-clock}).
 *
 * <p>A reading is a past reading of {@link System#currentTimeMillis()}: never ahead of it, and
 * behind it by about a millisecond plus however late the thread was scheduled. The thread stops
 * after a second in which nothing read the field; the next read then reads the system clock itself
 * and starts the thread again, so an idle application keeps no thread.
 */
final class CoarseSystemClock {

  /** The thread's name, for thread dumps. */
  static final String THREAD_NAME = "guardrails-coarse-clock";

  private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final int IDLE_TICKS_BEFORE_STOP = 1_000;
  private static final Object LOCK = new Object();

  private static volatile long millis;

  /** Whether a thread refreshes {@link #millis}; written under {@link #LOCK}. */
  private static volatile boolean ticking;

  /** Set by readers, cleared by the thread on every tick: whether the field was read lately. */
  private static volatile boolean read;

  /** The refreshing thread, or null; guarded by {@link #LOCK}. */
  private static @Nullable Thread ticker;

  private CoarseSystemClock() {}

  /** {@return the system clock's epoch milliseconds, as of at most about a millisecond ago} */
  static long millis() {
    if (ticking) {
      if (!read) {
        read = true;
      }
      return millis;
    }
    return startTicking();
  }

  private static long startTicking() {
    synchronized (LOCK) {
      long now = System.currentTimeMillis();
      if (ticker == null) {
        millis = now;
        read = true;
        Thread thread = new Thread(CoarseSystemClock::tick, THREAD_NAME);
        thread.setDaemon(true);
        ticker = thread;
        ticking = true;
        try {
          thread.start();
        } catch (RuntimeException | Error e) {
          // no thread (none may be created now): readers keep reading the clock itself
          ticker = null;
          ticking = false;
          throw e;
        }
      }
      return now;
    }
  }

  private static void tick() {
    try {
      int idleTicks = 0;
      // an interrupt stops the thread: an interrupted park would return at once and spin
      while (!Thread.currentThread().isInterrupted()) {
        LockSupport.parkNanos(TICK_NANOS);
        millis = System.currentTimeMillis();
        if (read) {
          read = false;
          idleTicks = 0;
        } else if (++idleTicks >= IDLE_TICKS_BEFORE_STOP) {
          synchronized (LOCK) {
            if (!read) {
              ticking = false;
              ticker = null;
              return;
            }
          }
          idleTicks = 0;
        }
      }
    } finally {
      // however the loop ended, readers must not keep reading a copy nobody refreshes
      synchronized (LOCK) {
        if (ticker == Thread.currentThread()) {
          ticking = false;
          ticker = null;
        }
      }
    }
  }
}
