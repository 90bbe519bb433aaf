package dev.guardrails.cost;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.guardrails.core.Actor;
import dev.guardrails.core.Money;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Records what every guarded call cost, per day, tenant, actor and operation, and answers "how much
 * per user, per call, per day" through {@link #query()} and "how much did this request cost"
 * through {@link #costOfRequest}; {@link #summary()} prints a table for an operator.
 *
 * <p>Cache hits cost nothing and are counted per operation and day ({@link #hits}), without the
 * actor, to keep the hit path as cheap as a cache lookup.
 *
 * <p>Thread-safe; recording is lock-free. Rows stay until {@link #purgeBefore} removes old days.
 */
public final class CostMeter {

  /** How many recent requests {@link #costOfRequest} remembers. */
  public static final int RECENT_REQUESTS = 10_000;

  private final Currency currency;
  private final Clock clock;
  private final ZoneId zone;
  private final ConcurrentHashMap<RowKey, Cell> rows = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<HitKey, LongAdder> hits = new ConcurrentHashMap<>();
  private final Cache<String, LongAdder> requests =
      Caffeine.newBuilder().maximumSize(RECENT_REQUESTS).executor(Runnable::run).build();

  private volatile @Nullable Day today;
  private volatile @Nullable LastRow lastRow;

  private CostMeter(Currency currency, Clock clock, ZoneId zone) {
    this.currency = currency;
    this.clock = clock;
    this.zone = zone;
  }

  /**
   * Creates a meter.
   *
   * @param currency the currency of every cost recorded
   * @param clock decides the day of each record
   * @param zone the time zone of the days
   * @return the meter
   * @throws NullPointerException if an argument is null
   */
  public static CostMeter create(Currency currency, Clock clock, ZoneId zone) {
    return new CostMeter(
        Objects.requireNonNull(currency, "currency"),
        Objects.requireNonNull(clock, "clock"),
        Objects.requireNonNull(zone, "zone"));
  }

  /** {@return the currency of every cost} */
  public Currency currency() {
    return currency;
  }

  /**
   * Records one call that reached the upstream, outside any request.
   *
   * @param actor who made it
   * @param operation the operation
   * @param cost its actual cost
   * @param failed whether it failed
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the cost is negative or in another currency
   */
  public void record(Actor actor, String operation, Money cost, boolean failed) {
    record(actor, null, operation, cost, failed);
  }

  /**
   * Records one call that reached the upstream, made while serving a request.
   *
   * @param actor who made it
   * @param correlationId the request's correlation id (see core's {@code GuardContext}), or null
   * @param operation the operation
   * @param cost its actual cost
   * @param failed whether it failed
   * @throws NullPointerException if the actor, operation or cost is null
   * @throws IllegalArgumentException if the cost is negative or in another currency
   */
  public void record(
      Actor actor, @Nullable String correlationId, String operation, Money cost, boolean failed) {
    record(actor, correlationId, operation, cost, failed, clock.instant());
  }

  /** {@link #record(Actor, String, String, Money, boolean)} at a time read from {@link #clock}. */
  void record(
      Actor actor,
      @Nullable String correlationId,
      String operation,
      Money cost,
      boolean failed,
      Instant now) {
    record(actor, correlationId, operation, cost, failed, now.toEpochMilli());
  }

  /**
   * {@link #record(Actor, String, String, Money, boolean)} at epoch millis read from {@link
   * #clock}.
   */
  void record(
      Actor actor,
      @Nullable String correlationId,
      String operation,
      Money cost,
      boolean failed,
      long nowMillis) {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(cost, "cost");
    if (!cost.currency().equals(currency) || cost.micros() < 0) {
      throw new IllegalArgumentException(
          "metered cost must be a non-negative amount in " + currency + ", but was " + cost);
    }
    LocalDate day = day(nowMillis);
    Cell cell = cell(day, actor.tenantId(), actor.id(), operation);
    cell.calls.increment();
    if (failed) {
      cell.failures.increment();
    }
    cell.micros.add(cost.micros());
    if (correlationId != null) {
      requests.get(correlationId, k -> new LongAdder()).add(cost.micros());
    }
  }

  /** The row of a day, tenant, actor and operation; remembers the last one to skip the lookup. */
  private Cell cell(LocalDate day, String tenantId, String actorId, String operation) {
    LastRow last = lastRow;
    if (last != null
        && last.day.equals(day)
        && last.tenantId.equals(tenantId)
        && last.actorId.equals(actorId)
        && last.operation.equals(operation)) {
      return last.cell;
    }
    Cell cell =
        rows.computeIfAbsent(new RowKey(day, tenantId, actorId, operation), k -> new Cell());
    lastRow = new LastRow(day, tenantId, actorId, operation, cell);
    return cell;
  }

  private record LastRow(
      LocalDate day, String tenantId, String actorId, String operation, Cell cell) {}

  /**
   * Returns what the calls made while serving one request cost, for the most recent {@value
   * #RECENT_REQUESTS} requests.
   *
   * @param correlationId the request's correlation id
   * @return the cost, or empty if the request made no metered call or is no longer remembered
   * @throws NullPointerException if the id is null
   */
  public Optional<Money> costOfRequest(String correlationId) {
    LongAdder adder = requests.getIfPresent(Objects.requireNonNull(correlationId, "correlationId"));
    return adder == null ? Optional.empty() : Optional.of(Money.ofMicros(adder.sum(), currency));
  }

  /**
   * Counts a cache hit (or a call coalesced into another identical one).
   *
   * @param operation the operation
   * @throws NullPointerException if the operation is null
   */
  public void recordHit(String operation) {
    Objects.requireNonNull(operation, "operation");
    hitCounter(operation).increment();
  }

  /**
   * Returns the cache hits of an operation on a day.
   *
   * @param operation the operation
   * @param day the day in the meter's zone
   * @return the number of hits
   * @throws NullPointerException if an argument is null
   */
  public long hits(String operation, LocalDate day) {
    LongAdder adder =
        hits.get(
            new HitKey(
                Objects.requireNonNull(day, "day"),
                Objects.requireNonNull(operation, "operation")));
    return adder == null ? 0 : adder.sum();
  }

  /** {@return a query over every row; narrow it with its methods} */
  public Query query() {
    return new Query(this, null, null, null, null, null);
  }

  /**
   * Removes every row and hit count of days before {@code day}.
   *
   * @param day the first day to keep
   * @throws NullPointerException if the day is null
   */
  public void purgeBefore(LocalDate day) {
    Objects.requireNonNull(day, "day");
    lastRow = null;
    rows.keySet().removeIf(k -> k.day.isBefore(day));
    hits.keySet().removeIf(k -> k.day.isBefore(day));
  }

  /** {@return a table of every row, ordered by day, tenant, actor and operation, with a total} */
  public String summary() {
    return query().summary();
  }

  /** {@return the clock that decides the day of each record} */
  Clock clock() {
    return clock;
  }

  /** {@return the day, in the meter's zone, of an instant; caches the current day} */
  private LocalDate day(long epochMillis) {
    Day d = today;
    if (d == null || epochMillis < d.startMillis || epochMillis >= d.endMillis) {
      d = Day.of(epochMillis, zone);
      today = d;
    }
    return d.day;
  }

  HitCounter hitCounter(String operation) {
    return new HitCounter(operation);
  }

  @Override
  public String toString() {
    return "CostMeter{" + currency + ", zone " + zone + ", rows=" + rows.size() + "}";
  }

  /** Counts hits of one operation, caching the current day's counter. Thread-safe. */
  final class HitCounter {
    private final String operation;
    private volatile @Nullable DayAdder current;

    private HitCounter(String operation) {
      this.operation = operation;
    }

    void increment() {
      increment(clock.millis());
    }

    /** Counts a hit at {@code now}, epoch milliseconds read from the meter's clock. */
    void increment(long now) {
      DayAdder c = current;
      if (c == null || now < c.startMillis || now >= c.endMillis) {
        Instant instant = Instant.ofEpochMilli(now);
        LocalDate day = LocalDate.ofInstant(instant, zone);
        long start = day.atStartOfDay(zone).toInstant().toEpochMilli();
        long end = day.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
        c =
            new DayAdder(
                start, end, hits.computeIfAbsent(new HitKey(day, operation), k -> new LongAdder()));
        current = c;
      }
      c.adder.increment();
    }
  }

  private record DayAdder(long startMillis, long endMillis, LongAdder adder) {}

  /** A day in a zone, with the epoch milliseconds it starts and ends at. */
  private record Day(LocalDate day, long startMillis, long endMillis) {
    static Day of(long epochMillis, ZoneId zone) {
      LocalDate day = LocalDate.ofInstant(Instant.ofEpochMilli(epochMillis), zone);
      return new Day(
          day,
          day.atStartOfDay(zone).toInstant().toEpochMilli(),
          day.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli());
    }
  }

  private record RowKey(LocalDate day, String tenantId, String actorId, String operation) {}

  private record HitKey(LocalDate day, String operation) {}

  private static final class Cell {
    final LongAdder calls = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder micros = new LongAdder();
  }

  /**
   * A selection of meter rows: each method returns a narrower query. Immutable and thread-safe; the
   * results are a snapshot of the counts at the time of reading.
   */
  public static final class Query {
    private final CostMeter meter;
    private final @Nullable String tenantId;
    private final @Nullable String actorId;
    private final @Nullable String operation;
    private final @Nullable LocalDate from;
    private final @Nullable LocalDate to;

    private Query(
        CostMeter meter,
        @Nullable String tenantId,
        @Nullable String actorId,
        @Nullable String operation,
        @Nullable LocalDate from,
        @Nullable LocalDate to) {
      this.meter = meter;
      this.tenantId = tenantId;
      this.actorId = actorId;
      this.operation = operation;
      this.from = from;
      this.to = to;
    }

    /**
     * Narrows to one tenant.
     *
     * @param id the tenant id
     * @return the narrower query
     * @throws NullPointerException if the id is null
     */
    public Query tenant(String id) {
      return new Query(meter, Objects.requireNonNull(id, "id"), actorId, operation, from, to);
    }

    /**
     * Narrows to one actor (of any tenant, unless {@link #tenant} is also given).
     *
     * @param id the actor id
     * @return the narrower query
     * @throws NullPointerException if the id is null
     */
    public Query actor(String id) {
      return new Query(meter, tenantId, Objects.requireNonNull(id, "id"), operation, from, to);
    }

    /**
     * Narrows to one actor in its tenant.
     *
     * @param actor the actor
     * @return the narrower query
     * @throws NullPointerException if the actor is null
     */
    public Query actor(Actor actor) {
      Objects.requireNonNull(actor, "actor");
      return new Query(meter, actor.tenantId(), actor.id(), operation, from, to);
    }

    /**
     * Narrows to one operation.
     *
     * @param name the operation
     * @return the narrower query
     * @throws NullPointerException if the name is null
     */
    public Query operation(String name) {
      return new Query(meter, tenantId, actorId, Objects.requireNonNull(name, "name"), from, to);
    }

    /**
     * Narrows to one day.
     *
     * @param day the day in the meter's zone
     * @return the narrower query
     * @throws NullPointerException if the day is null
     */
    public Query day(LocalDate day) {
      Objects.requireNonNull(day, "day");
      return new Query(meter, tenantId, actorId, operation, day, day);
    }

    /**
     * Narrows to a range of days.
     *
     * @param first the first day, inclusive
     * @param last the last day, inclusive
     * @return the narrower query
     * @throws NullPointerException if a day is null
     * @throws IllegalArgumentException if {@code last} is before {@code first}
     */
    public Query days(LocalDate first, LocalDate last) {
      Objects.requireNonNull(first, "first");
      Objects.requireNonNull(last, "last");
      if (last.isBefore(first)) {
        throw new IllegalArgumentException(
            "last day must not be before the first " + first + ", but was " + last);
      }
      return new Query(meter, tenantId, actorId, operation, first, last);
    }

    /** {@return the selected rows ordered by day, tenant, actor and operation} */
    public List<MeterRow> rows() {
      List<MeterRow> out = new ArrayList<>();
      for (Map.Entry<RowKey, Cell> e : meter.rows.entrySet()) {
        RowKey k = e.getKey();
        if (matches(k)) {
          Cell c = e.getValue();
          out.add(
              new MeterRow(
                  k.day,
                  k.tenantId,
                  k.actorId,
                  k.operation,
                  c.calls.sum(),
                  c.failures.sum(),
                  Money.ofMicros(c.micros.sum(), meter.currency)));
        }
      }
      out.sort(
          Comparator.comparing(MeterRow::day)
              .thenComparing(MeterRow::tenantId)
              .thenComparing(MeterRow::actorId)
              .thenComparing(MeterRow::operation));
      return out;
    }

    /** {@return the sum of the selected rows} */
    public MeterTotals total() {
      long calls = 0;
      long failures = 0;
      long micros = 0;
      for (MeterRow r : rows()) {
        calls += r.calls();
        failures += r.failures();
        micros = Math.addExact(micros, r.cost().micros());
      }
      return new MeterTotals(calls, failures, Money.ofMicros(micros, meter.currency));
    }

    /** {@return the selected rows as a printable table with a total line} */
    public String summary() {
      List<MeterRow> rows = rows();
      StringBuilder sb = new StringBuilder();
      String format = "%-10s  %-20s  %-20s  %-24s  %8s  %8s  %16s%n";
      sb.append(
          String.format(
              java.util.Locale.ROOT,
              format,
              "day",
              "tenant",
              "actor",
              "operation",
              "calls",
              "failures",
              "cost"));
      long calls = 0;
      long failures = 0;
      long micros = 0;
      for (MeterRow r : rows) {
        sb.append(
            String.format(
                java.util.Locale.ROOT,
                format,
                r.day(),
                r.tenantId(),
                r.actorId(),
                r.operation(),
                r.calls(),
                r.failures(),
                r.cost()));
        calls += r.calls();
        failures += r.failures();
        micros = Math.addExact(micros, r.cost().micros());
      }
      sb.append(
          String.format(
              java.util.Locale.ROOT,
              format,
              "total",
              "",
              "",
              "",
              calls,
              failures,
              Money.ofMicros(micros, meter.currency)));
      return sb.toString();
    }

    private boolean matches(RowKey k) {
      return (tenantId == null || tenantId.equals(k.tenantId))
          && (actorId == null || actorId.equals(k.actorId))
          && (operation == null || operation.equals(k.operation))
          && (from == null || !k.day.isBefore(from))
          && (to == null || !k.day.isAfter(to));
    }
  }
}
