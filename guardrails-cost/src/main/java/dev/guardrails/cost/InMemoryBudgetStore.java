package dev.guardrails.cost;

import dev.guardrails.cost.spi.BudgetLine;
import dev.guardrails.cost.spi.BudgetStore;
import dev.guardrails.cost.spi.BudgetUsage;
import dev.guardrails.cost.spi.ReserveOutcome;
import dev.guardrails.cost.spi.SpendChange;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Currency;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A {@link BudgetStore} in this JVM's memory, for one instance of an application (or tests). Its
 * totals are lost on restart; use {@link PostgresBudgetStore} to share budgets between instances.
 *
 * <p>Thread-safe. Each running total has its own lock; a reservation locks its totals in one global
 * order, checks every line and writes them, so it is atomic across scopes without a store-wide
 * lock. Expired reservations are released lazily, at most once per second of the callers' clock,
 * and by {@link #expireReservations}. Supports rolling windows, keeping one entry per settled call
 * inside the window.
 */
public final class InMemoryBudgetStore implements BudgetStore {

  private static final int RESERVED = 0;
  private static final int EXPIRED = 1;
  private static final int SETTLED = 2;
  private static final long SWEEP_INTERVAL_MILLIS = 1_000L;
  private static final Duration LATE_SETTLE_RETENTION = Duration.ofDays(1);

  private final ConcurrentHashMap<TotalKey, Total> totals = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();

  private final AtomicLong totalIds = new AtomicLong();
  private final AtomicLong nextSweepMillis = new AtomicLong(Long.MIN_VALUE);

  private InMemoryBudgetStore() {}

  /** {@return a new, empty store} */
  public static InMemoryBudgetStore create() {
    return new InMemoryBudgetStore();
  }

  @Override
  public boolean supportsRollingWindows() {
    return true;
  }

  @Override
  public ReserveOutcome reserve(
      String callId, List<BudgetLine> lines, Instant now, Instant expiresAt) {
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(lines, "lines");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("lines must not be empty");
    }
    maybeSweep(now);
    int n = lines.size();
    long[] amounts = new long[n];
    Pending claim = new Pending(new Total[n], amounts, ceilMillis(expiresAt));
    if (pending.putIfAbsent(callId, claim) != null) {
      throw new IllegalArgumentException("call id is already reserved: " + callId);
    }
    Total[] locked = claim.totals;
    while (true) {
      for (int i = 0; i < n; i++) {
        BudgetLine line = lines.get(i);
        amounts[i] = line.amountMicros();
        locked[i] =
            totals.computeIfAbsent(
                TotalKey.of(line), k -> new Total(totalIds.incrementAndGet(), line));
      }
      Total[] order = locked.clone();
      sortById(order);
      lockAll(order);
      try {
        if (anyDead(order)) {
          continue;
        }
        for (int i = 0; i < n; i++) {
          BudgetLine line = lines.get(i);
          Total t = locked[i];
          t.limit = line.limitMicros();
          long spent = t.spent(line.periodStart());
          if (line.enforced() && line.amountMicros() > line.limitMicros() - spent - t.reserved) {
            pending.remove(callId, claim);
            return ReserveOutcome.refused(
                i, spent, t.reserved, t.rolling ? t.rollingResetsAt(line) : null);
          }
        }
        for (int i = 0; i < n; i++) {
          locked[i].reserved += amounts[i];
        }
        return ReserveOutcome.granted();
      } finally {
        unlockAll(order);
      }
    }
  }

  @Override
  public List<SpendChange> settle(String callId, long actualMicros, Instant now) {
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(now, "now");
    if (actualMicros < 0) {
      throw new IllegalArgumentException(
          "actualMicros must not be negative, but was " + actualMicros);
    }
    Pending p = pending.get(callId);
    if (p == null) {
      return List.of();
    }
    int state = p.settle();
    if (state == SETTLED) {
      return List.of();
    }
    pending.remove(callId, p);
    boolean release = state == RESERVED;
    List<SpendChange> changes = new ArrayList<>(p.totals.length);
    for (int i = 0; i < p.totals.length; i++) {
      Total t = p.totals[i];
      t.lock.lock();
      try {
        Instant windowStart = t.rolling ? now.minus(t.window) : t.periodStart;
        long before = t.spent(windowStart);
        if (release) {
          t.reserved -= p.amounts[i];
        }
        t.add(now, actualMicros);
        changes.add(
            new SpendChange(
                t.budgetName,
                t.scopeKey,
                t.currency,
                t.limit,
                windowStart,
                t.rolling ? now : t.periodEnd,
                before,
                t.spent));
      } finally {
        t.lock.unlock();
      }
    }
    return changes;
  }

  @Override
  public int expireReservations(Instant now) {
    Objects.requireNonNull(now, "now");
    int released = 0;
    Instant forgetBefore = now.minus(LATE_SETTLE_RETENTION);
    long nowMillis = now.toEpochMilli();
    long forgetMillis = forgetBefore.toEpochMilli();
    for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
      Pending p = it.next();
      if (p.expiresAtMillis > nowMillis) {
        continue;
      }
      if (p.expire()) {
        released++;
      } else if (p.state() == EXPIRED && p.expiresAtMillis < forgetMillis) {
        it.remove();
      }
    }
    // handles of reserveCalendar: linked in their first total, unlinked here or when settled
    List<Pending> expired = new ArrayList<>();
    for (Total t : totals.values()) {
      t.lock.lock();
      try {
        for (Pending p = t.inFlight; p != null; ) {
          Pending next = p.next;
          if (p.expiresAtMillis <= nowMillis) {
            t.unlink(p);
            expired.add(p);
          }
          p = next;
        }
      } finally {
        t.lock.unlock();
      }
    }
    for (Pending p : expired) {
      if (p.expire()) {
        released++;
      }
    }
    for (Iterator<Total> it = totals.values().iterator(); it.hasNext(); ) {
      Total t = it.next();
      t.lock.lock();
      try {
        if (t.reserved == 0 && t.isOver(now)) {
          t.dead = true;
          it.remove();
        }
      } finally {
        t.lock.unlock();
      }
    }
    return released;
  }

  @Override
  public BudgetUsage usage(BudgetLine line) {
    Objects.requireNonNull(line, "line");
    Total t = totals.get(TotalKey.of(line));
    if (t == null) {
      return new BudgetUsage(0, 0);
    }
    t.lock.lock();
    try {
      return new BudgetUsage(t.spent(line.periodStart()), t.reserved);
    } finally {
      t.lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "InMemoryBudgetStore{totals=" + totals.size() + ", pending=" + pending.size() + "}";
  }

  private void maybeSweep(Instant now) {
    maybeSweep(now.toEpochMilli());
  }

  private void maybeSweep(long millis) {
    long next = nextSweepMillis.get();
    if (millis >= next && nextSweepMillis.compareAndSet(next, millis + SWEEP_INTERVAL_MILLIS)) {
      expireReservations(Instant.ofEpochMilli(millis));
    }
  }

  /**
   * The running total of a calendar budget's period, created if new; for {@link #reserveCalendar},
   * which a {@link BudgetGuard} on this store uses to skip building {@link BudgetLine}s, call ids
   * and change lists on every call. Shared with the totals {@link #reserve} uses for the same
   * budget, scope key and period.
   */
  Total calendarTotal(
      String budgetName,
      String scopeKey,
      Currency currency,
      long limitMicros,
      boolean enforced,
      Instant periodStart,
      Instant periodEnd) {
    TotalKey key = new TotalKey(budgetName, scopeKey, periodStart);
    Total t = totals.get(key);
    if (t != null) {
      return t;
    }
    BudgetLine line =
        new BudgetLine(
            budgetName,
            scopeKey,
            currency,
            limitMicros,
            enforced,
            false,
            periodStart,
            periodEnd,
            0);
    return totals.computeIfAbsent(key, k -> new Total(totalIds.incrementAndGet(), line));
  }

  /**
   * Reserves {@code amount} in every calendar total or in none, like {@link #reserve}, and returns
   * the handle to settle with; null if a total refused or has been retired (the caller then takes
   * the general path, which re-reads the totals and explains a refusal).
   *
   * @param totals the totals, from {@link #calendarTotal}, at most one per running total
   * @param limits each total's limit
   * @param enforced whether each limit refuses
   */
  @Nullable Pending reserveCalendar(
      Total[] totals,
      long[] limits,
      boolean[] enforced,
      long amount,
      long nowMillis,
      long expiresAtMillis) {
    maybeSweep(nowMillis);
    int n = totals.length;
    if (n == 1) {
      Total t = totals[0];
      t.lock.lock();
      try {
        if (t.dead || (enforced[0] && amount > limits[0] - t.spent - t.reserved)) {
          return null;
        }
        t.limit = limits[0];
        t.reserved += amount;
        Pending p = new Pending(totals, new long[] {amount}, expiresAtMillis);
        t.link(p);
        return p;
      } finally {
        t.lock.unlock();
      }
    } else {
      Total[] order = totals.clone();
      sortById(order);
      lockAll(order);
      try {
        if (anyDead(order)) {
          return null;
        }
        for (int i = 0; i < n; i++) {
          Total t = totals[i];
          if (enforced[i] && amount > limits[i] - t.spent - t.reserved) {
            return null;
          }
        }
        long[] amounts = new long[n];
        for (int i = 0; i < n; i++) {
          totals[i].limit = limits[i];
          totals[i].reserved += amount;
          amounts[i] = amount;
        }
        Pending p = new Pending(totals, amounts, expiresAtMillis);
        totals[0].link(p);
        return p;
      } finally {
        unlockAll(order);
      }
    }
  }

  /** Told each total's settled spend after a {@link #settleCalendar}, outside the total's lock. */
  interface SettleListener {
    void settled(Total total, long spentBefore, long spentAfter);
  }

  /**
   * Settles a reservation of {@link #reserveCalendar}: adds the actual cost to every total and
   * releases the reserved amount unless it expired; tells the listener each total's spend before
   * and after the change. Idempotent: false if it was settled before.
   */
  boolean settleCalendar(Pending p, long actualMicros, @Nullable SettleListener listener) {
    int state = p.settle();
    if (state == SETTLED) {
      return false;
    }
    boolean release = state == RESERVED;
    for (int i = 0; i < p.totals.length; i++) {
      Total t = p.totals[i];
      long after;
      t.lock.lock();
      try {
        if (i == 0) {
          t.unlink(p);
        }
        if (release) {
          t.reserved -= p.amounts[i];
        }
        if (actualMicros != 0) {
          t.spent = Math.addExact(t.spent, actualMicros);
        }
        after = t.spent;
      } finally {
        t.lock.unlock();
      }
      if (listener != null) {
        listener.settled(t, after - actualMicros, after);
      }
    }
    return true;
  }

  private static long ceilMillis(Instant instant) {
    long millis = instant.toEpochMilli();
    return Instant.ofEpochMilli(millis).equals(instant) ? millis : millis + 1;
  }

  private static void sortById(Total[] order) {
    for (int i = 1; i < order.length; i++) {
      Total t = order[i];
      int j = i - 1;
      while (j >= 0 && order[j].id > t.id) {
        order[j + 1] = order[j];
        j--;
      }
      order[j + 1] = t;
    }
  }

  private static void lockAll(Total[] order) {
    for (Total t : order) {
      t.lock.lock();
    }
  }

  private static void unlockAll(Total[] order) {
    for (int i = order.length - 1; i >= 0; i--) {
      order[i].lock.unlock();
    }
  }

  private static boolean anyDead(Total[] order) {
    for (Total t : order) {
      if (t.dead) {
        return true;
      }
    }
    return false;
  }

  private record TotalKey(String budgetName, String scopeKey, Instant periodStart) {
    static TotalKey of(BudgetLine line) {
      return new TotalKey(
          line.budgetName(), line.scopeKey(), line.rolling() ? Instant.EPOCH : line.periodStart());
    }
  }

  /** A reservation in flight; its state moves once from reserved to settled or expired. */
  static final class Pending {
    private static final VarHandle STATE;

    static {
      try {
        STATE = MethodHandles.lookup().findVarHandle(Pending.class, "state", int.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    final Total[] totals;
    final long[] amounts;
    final long expiresAtMillis;
    private volatile int state = RESERVED;

    /** Neighbours in the in-flight list of {@code totals[0]}, guarded by its lock. */
    @Nullable Pending prev;

    @Nullable Pending next;
    boolean linked;

    Pending(Total[] totals, long[] amounts, long expiresAtMillis) {
      this.totals = totals;
      this.amounts = amounts;
      this.expiresAtMillis = expiresAtMillis;
    }

    int state() {
      return state;
    }

    /** Moves to settled; returns the state before, {@code SETTLED} if it was already. */
    int settle() {
      while (true) {
        int s = state;
        if (s == SETTLED || STATE.compareAndSet(this, s, SETTLED)) {
          return s;
        }
      }
    }

    /** Releases the reserved amounts if still reserved; returns whether it did. */
    boolean expire() {
      if (!STATE.compareAndSet(this, RESERVED, EXPIRED)) {
        return false;
      }
      for (int i = 0; i < totals.length; i++) {
        Total t = totals[i];
        t.lock.lock();
        try {
          t.reserved -= amounts[i];
        } finally {
          t.lock.unlock();
        }
      }
      return true;
    }
  }

  /** One running total; every field but the final ones is guarded by {@link #lock}. */
  static final class Total {
    final long id;
    final ReentrantLock lock = new ReentrantLock();
    final String budgetName;
    final String scopeKey;
    final Currency currency;
    final boolean rolling;
    final Instant periodStart;
    final Instant periodEnd;
    final Duration window;
    final @Nullable ArrayDeque<Entry> entries;
    long limit;
    long spent;
    long reserved;
    boolean dead;

    /** Head of the handles of {@link #reserveCalendar} whose first total this is. */
    @Nullable Pending inFlight;

    void link(Pending p) {
      Pending head = inFlight;
      p.next = head;
      p.prev = null;
      if (head != null) {
        head.prev = p;
      }
      inFlight = p;
      p.linked = true;
    }

    void unlink(Pending p) {
      if (!p.linked) {
        return;
      }
      Pending prev = p.prev;
      Pending next = p.next;
      if (prev == null) {
        inFlight = next;
      } else {
        prev.next = next;
      }
      if (next != null) {
        next.prev = prev;
      }
      p.prev = null;
      p.next = null;
      p.linked = false;
    }

    Total(long id, BudgetLine line) {
      this.id = id;
      this.budgetName = line.budgetName();
      this.scopeKey = line.scopeKey();
      this.currency = line.currency();
      this.rolling = line.rolling();
      this.periodStart = line.periodStart();
      this.periodEnd = line.periodEnd();
      this.window = Duration.between(line.periodStart(), line.periodEnd());
      this.entries = line.rolling() ? new ArrayDeque<>() : null;
      this.limit = line.limitMicros();
    }

    /** Spend within the window starting after {@code windowStart}; prunes older entries. */
    long spent(Instant windowStart) {
      ArrayDeque<Entry> e = entries;
      if (e != null) {
        while (!e.isEmpty() && !e.peekFirst().at.isAfter(windowStart)) {
          spent -= e.pollFirst().micros;
        }
      }
      return spent;
    }

    void add(Instant at, long micros) {
      if (micros == 0) {
        return;
      }
      spent = Math.addExact(spent, micros);
      ArrayDeque<Entry> e = entries;
      if (e != null) {
        e.addLast(new Entry(at, micros));
      }
    }

    @Nullable Instant rollingResetsAt(BudgetLine line) {
      ArrayDeque<Entry> e = entries;
      if (e == null) {
        return null;
      }
      long excess = spent + reserved + line.amountMicros() - line.limitMicros();
      long freed = 0;
      for (Entry entry : e) {
        freed += entry.micros;
        if (freed >= excess) {
          return entry.at.plus(window);
        }
      }
      return null;
    }

    boolean isOver(Instant now) {
      if (rolling) {
        spent(now.minus(window));
        ArrayDeque<Entry> e = entries;
        return e == null || e.isEmpty();
      }
      return !periodEnd.isAfter(now);
    }
  }

  private record Entry(Instant at, long micros) {}
}
