package dev.guardrails.errors.alerts;

import dev.guardrails.core.EventSink;
import dev.guardrails.core.FailureEvent;
import dev.guardrails.core.GuardrailEvent;
import dev.guardrails.core.GuardrailException;
import dev.guardrails.core.Severity;
import dev.guardrails.errors.internal.Fingerprints;
import dev.guardrails.errors.spi.AlertSink;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns failures and events into alerts: fingerprints each occurrence, sends the first of a
 * fingerprint at once, folds further occurrences within the {@linkplain Builder#dedupWindow
 * deduplication window} into a count, holds back alerts over the per-fingerprint or global rate
 * limit, and hands what remains to the sinks. Nothing is lost silently: held-back occurrences are
 * reported with their count by the next alert of their fingerprint (or by {@link #flush()}), and
 * every fold, hold and sink failure is counted in {@link #stats()}.
 *
 * <p>As an {@link EventSink} it alerts on events at or above a severity (ERROR by default), except
 * {@link FailureEvent}s from an error boundary, which alerts directly.
 *
 * <p>Sinks are called on the raising thread and must not block; the pipeline catches and reports
 * whatever they throw. Thread-safe: raise from any number of threads. Time comes from the injected
 * {@link Clock}; call {@link #flush()} periodically (e.g. every minute) to send the counts of
 * windows that have closed without a further occurrence.
 */
public final class AlertPipeline implements EventSink, AutoCloseable {

  /** The {@link FailureEvent#component()} of failures an error boundary has already alerted. */
  public static final String BOUNDARY_COMPONENT = "error-boundary";

  private static final Logger LOG = LoggerFactory.getLogger(AlertPipeline.class);
  private static final String OVERFLOW_FINGERPRINT = "overflow";

  private final Clock clock;
  private final Duration dedupWindow;
  private final int perFingerprintMax;
  private final Duration perFingerprintPeriod;
  private final int maxFingerprints;
  private final Severity eventThreshold;
  private final List<AlertSink> sinks;
  private final Fingerprints fingerprints;
  private final FixedWindow global;
  private final Map<String, State> states = new ConcurrentHashMap<>();
  private final State overflow = new State();
  private volatile @Nullable Instant lastEviction;

  private final AtomicLong received = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong deduplicated = new AtomicLong();
  private final AtomicLong rateLimited = new AtomicLong();
  private final AtomicLong overflowed = new AtomicLong();
  private final AtomicLong sinkFailures = new AtomicLong();

  private AlertPipeline(Builder b) {
    this.clock = b.clock;
    this.dedupWindow = b.dedupWindow;
    this.perFingerprintMax = b.perFingerprintMax;
    this.perFingerprintPeriod = b.perFingerprintPeriod;
    this.maxFingerprints = b.maxFingerprints;
    this.eventThreshold = b.eventThreshold;
    this.sinks = b.sinks.isEmpty() ? List.of(AlertSinks.log()) : List.copyOf(b.sinks);
    this.fingerprints = new Fingerprints(b.applicationPackages);
    this.global = new FixedWindow(b.globalMax, b.globalPeriod);
  }

  /** {@return a builder with production defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Raises an alert for a failure; returns at once.
   *
   * @param failure the exception; its type and top frames make the fingerprint
   * @param severity how urgent it is
   * @param source what raised it, e.g. {@code "error-boundary"}
   * @param incidentId the incident id given to the user, or null
   * @param correlationId the request's correlation id, or null
   * @throws NullPointerException if failure, severity or source is null
   */
  public void raise(
      Throwable failure,
      Severity severity,
      String source,
      @Nullable String incidentId,
      @Nullable String correlationId) {
    Objects.requireNonNull(failure, "failure");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(source, "source");
    Fingerprints.Parts parts = fingerprints.of(failure);
    String where = parts.frames().isEmpty() ? "" : " at " + shortFrame(parts.frames().get(0));
    String what =
        failure instanceof GuardrailException g
            ? g.code()
            : parts.exceptionType().substring(parts.exceptionType().lastIndexOf('.') + 1);
    accept(
        new Signal(
            parts.fingerprint(),
            severity,
            source + ": " + what + where,
            source,
            parts.exceptionType(),
            parts.frames(),
            incidentId,
            correlationId));
  }

  /**
   * Raises an alert that has no exception, e.g. a job that has not succeeded for too long; returns
   * at once.
   *
   * @param source what raised it, e.g. {@code "job:nightly-invoices"}
   * @param key what identifies it within the source, e.g. {@code "stale"}
   * @param severity how urgent it is
   * @param title a one-line summary, without secrets or personal data
   * @param correlationId a correlation id, or null
   * @throws NullPointerException if an argument other than the correlation id is null
   */
  public void raise(
      String source, String key, Severity severity, String title, @Nullable String correlationId) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(title, "title");
    accept(
        new Signal(
            Fingerprints.of(source, key),
            severity,
            title,
            source,
            null,
            List.of(),
            null,
            correlationId));
  }

  /**
   * Alerts on an event at or above the event threshold, fingerprinted by its type and, for a
   * failure event, its component and error code.
   *
   * @param event the event
   * @throws NullPointerException if the event is null
   */
  @Override
  public void publish(GuardrailEvent event) {
    Objects.requireNonNull(event, "event");
    if (event.severity().compareTo(eventThreshold) < 0) {
      return;
    }
    String key = event.type();
    String title = "event " + event.type();
    if (event instanceof FailureEvent f) {
      if (BOUNDARY_COMPONENT.equals(f.component())) {
        return;
      }
      key += "|" + f.component() + "|" + f.errorCode();
      title = f.component() + ": " + f.errorCode();
    }
    accept(
        new Signal(
            Fingerprints.of("event", key),
            event.severity(),
            title,
            "event:" + event.type(),
            null,
            List.of(),
            event instanceof FailureEvent f ? f.incidentId().orElse(null) : null,
            event.context().correlationId().orElse(null)));
  }

  /**
   * Sends the count of every window that has closed with occurrences not yet reported (as far as
   * the rate limits allow), and forgets fingerprints that have been quiet for a whole window.
   *
   * @return the number of alerts sent
   */
  public int flush() {
    Instant now = clock.instant();
    int flushed = 0;
    for (Iterator<Map.Entry<String, State>> it = states.entrySet().iterator(); it.hasNext(); ) {
      State state = it.next().getValue();
      Alert alert;
      synchronized (state) {
        if (state.windowOpen(now, dedupWindow)) {
          continue;
        }
        if (state.pending == 0) {
          if (state.rateQuiet(now, perFingerprintPeriod)) {
            state.evicted = true;
            it.remove();
          }
          continue;
        }
        alert = tryRelease(state, now, 0);
      }
      if (alert != null) {
        dispatch(alert);
        flushed++;
      }
    }
    Alert overflowAlert;
    synchronized (overflow) {
      overflowAlert =
          overflow.pending > 0 && !overflow.windowOpen(now, dedupWindow)
              ? tryRelease(overflow, now, 0)
              : null;
    }
    if (overflowAlert != null) {
      dispatch(overflowAlert);
      flushed++;
    }
    return flushed;
  }

  /** {@return a snapshot of the counters} */
  public AlertStats stats() {
    return new AlertStats(
        received.get(),
        sent.get(),
        deduplicated.get(),
        rateLimited.get(),
        overflowed.get(),
        sinkFailures.get());
  }

  /**
   * Returns how many occurrences of a fingerprint are held back (deduplicated or rate-limited) and
   * not yet reported by an alert.
   *
   * @param fingerprint the fingerprint
   * @return the count, 0 for an unknown fingerprint
   */
  public long pending(String fingerprint) {
    State state = states.get(Objects.requireNonNull(fingerprint, "fingerprint"));
    if (state == null) {
      return 0;
    }
    synchronized (state) {
      return state.pending;
    }
  }

  /** Closes every sink that is {@link AutoCloseable}; failures are logged, not thrown. */
  @Override
  public void close() {
    for (AlertSink sink : sinks) {
      if (sink instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception e) {
          LOG.warn("alert sink '{}' failed to close", sink.name(), e);
        }
      }
    }
  }

  private void accept(Signal signal) {
    received.incrementAndGet();
    Instant now = clock.instant();
    while (true) {
      State state = states.get(signal.fingerprint);
      Signal current = signal;
      if (state == null) {
        if (states.size() >= maxFingerprints) {
          evictQuiet(now);
        }
        if (states.size() >= maxFingerprints) {
          overflowed.incrementAndGet();
          state = overflow;
          current = signal.asOverflow();
        } else {
          state = states.computeIfAbsent(signal.fingerprint, k -> new State());
        }
      }
      Alert alert;
      synchronized (state) {
        if (state.evicted) {
          continue; // evicted between lookup and lock: look up again so nothing is counted in limbo
        }
        state.last = current;
        if (state.windowOpen(now, dedupWindow)) {
          state.hold(now);
          deduplicated.incrementAndGet();
          return;
        }
        alert = tryRelease(state, now, 1);
      }
      if (alert != null) {
        dispatch(alert);
      }
      return;
    }
  }

  /** Called with the state's lock held; returns the alert to send, or null if rate-limited. */
  private @Nullable Alert tryRelease(State state, Instant now, int current) {
    Signal signal = Objects.requireNonNull(state.last, "a state always has a last signal");
    if (current > 0) {
      state.hold(now);
    }
    state.windowStart = now;
    // the global limit is asked only when the fingerprint has room, and a global refusal takes
    // nothing of the fingerprint's own budget
    if (!state.rateHasRoom(now, perFingerprintMax, perFingerprintPeriod)
        || !global.tryAcquire(now)) {
      rateLimited.addAndGet(current);
      return null;
    }
    state.rateTake(now, perFingerprintPeriod);
    Alert alert =
        new Alert(
            signal.fingerprint,
            signal.severity,
            signal.title,
            signal.source,
            signal.exceptionType,
            signal.frames,
            signal.incidentId,
            signal.correlationId,
            Objects.requireNonNull(state.pendingFirst, "pending first"),
            Objects.requireNonNull(state.pendingLast, "pending last"),
            state.pending);
    state.pending = 0;
    state.pendingFirst = null;
    state.pendingLast = null;
    return alert;
  }

  private void evictQuiet(Instant now) {
    Instant last = lastEviction;
    if (last != null && now.isBefore(last.plusSeconds(1))) {
      return; // a full table is scanned at most once per second, so a flood of new fingerprints
      // stays cheap
    }
    lastEviction = now;
    states
        .entrySet()
        .removeIf(
            e -> {
              State s = e.getValue();
              synchronized (s) {
                s.evicted =
                    s.pending == 0
                        && !s.windowOpen(now, dedupWindow)
                        && s.rateQuiet(now, perFingerprintPeriod);
                return s.evicted;
              }
            });
  }

  private void dispatch(Alert alert) {
    sent.incrementAndGet();
    for (AlertSink sink : sinks) {
      try {
        sink.send(alert);
      } catch (RuntimeException | LinkageError | AssertionError e) {
        sinkFailures.incrementAndGet();
        LOG.warn(
            "alert sink '{}' failed to accept alert {} ({}); the other sinks still got it",
            sink.name(),
            alert.fingerprint(),
            alert.title(),
            e);
      }
    }
  }

  private static String shortFrame(String frame) {
    int method = frame.lastIndexOf('.');
    int type = method > 0 ? frame.lastIndexOf('.', method - 1) : -1;
    return frame.substring(type + 1);
  }

  /** What one occurrence contributes to an alert. */
  private static final class Signal {
    final String fingerprint;
    final Severity severity;
    final String title;
    final String source;
    final @Nullable String exceptionType;
    final List<String> frames;
    final @Nullable String incidentId;
    final @Nullable String correlationId;

    Signal(
        String fingerprint,
        Severity severity,
        String title,
        String source,
        @Nullable String exceptionType,
        List<String> frames,
        @Nullable String incidentId,
        @Nullable String correlationId) {
      this.fingerprint = fingerprint;
      this.severity = severity;
      this.title = title;
      this.source = source;
      this.exceptionType = exceptionType;
      this.frames = frames;
      this.incidentId = incidentId;
      this.correlationId = correlationId;
    }

    Signal asOverflow() {
      return new Signal(
          OVERFLOW_FINGERPRINT,
          Severity.ERROR,
          "too many distinct failures to track; latest: " + title,
          source,
          exceptionType,
          frames,
          incidentId,
          correlationId);
    }
  }

  /** The deduplication and rate state of one fingerprint; guarded by its own monitor. */
  private static final class State {
    @Nullable Signal last;
    @Nullable Instant windowStart;
    long pending;
    @Nullable Instant pendingFirst;
    @Nullable Instant pendingLast;
    @Nullable Instant rateStart;
    int rateCount;
    boolean evicted;

    boolean windowOpen(Instant now, Duration window) {
      return windowStart != null && now.isBefore(windowStart.plus(window));
    }

    void hold(Instant now) {
      pending++;
      if (pendingFirst == null) {
        pendingFirst = now;
      }
      pendingLast = now;
    }

    boolean rateHasRoom(Instant now, int max, Duration period) {
      return rateQuiet(now, period) || rateCount < max;
    }

    void rateTake(Instant now, Duration period) {
      if (rateQuiet(now, period)) {
        rateStart = now;
        rateCount = 0;
      }
      rateCount++;
    }

    boolean rateQuiet(Instant now, Duration period) {
      return rateStart == null || !now.isBefore(rateStart.plus(period));
    }
  }

  /** A fixed-window counter shared by all fingerprints. */
  private static final class FixedWindow {
    private final int max;
    private final Duration period;
    private @Nullable Instant start;
    private int count;

    FixedWindow(int max, Duration period) {
      this.max = max;
      this.period = period;
    }

    synchronized boolean tryAcquire(Instant now) {
      if (start == null || !now.isBefore(start.plus(period))) {
        start = now;
        count = 0;
      }
      if (count >= max) {
        return false;
      }
      count++;
      return true;
    }
  }

  /**
   * Builds an {@link AlertPipeline}. Defaults: the system UTC clock, a 5-minute deduplication
   * window, at most 6 alerts per fingerprint per hour and 30 per minute in all, 1,000 tracked
   * fingerprints, events alerted from ERROR, and the {@linkplain AlertSinks#log() log sink} when no
   * sink is added.
   *
   * <p>Not thread-safe; {@link #build()} copies, so later changes never affect a built pipeline.
   */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private Duration dedupWindow = Duration.ofMinutes(5);
    private int perFingerprintMax = 6;
    private Duration perFingerprintPeriod = Duration.ofHours(1);
    private int globalMax = 30;
    private Duration globalPeriod = Duration.ofMinutes(1);
    private int maxFingerprints = 1_000;
    private Severity eventThreshold = Severity.ERROR;
    private final List<AlertSink> sinks = new ArrayList<>();
    private List<String> applicationPackages = List.of();

    private Builder() {}

    /**
     * Sets the clock that times windows and alerts.
     *
     * @param value the clock
     * @return this builder
     * @throws NullPointerException if the clock is null
     */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * Sets how long after an alert further occurrences of its fingerprint are only counted.
     *
     * @param value the window, positive
     * @return this builder
     * @throws NullPointerException if the window is null
     * @throws IllegalArgumentException if the window is not positive
     */
    public Builder dedupWindow(Duration value) {
      this.dedupWindow = positive(value, "dedup window");
      return this;
    }

    /**
     * Limits the alerts of one fingerprint.
     *
     * @param max the most alerts per period, at least 1
     * @param period the period, positive
     * @return this builder
     * @throws NullPointerException if the period is null
     * @throws IllegalArgumentException if max is less than 1 or the period is not positive
     */
    public Builder perFingerprintLimit(int max, Duration period) {
      this.perFingerprintMax = atLeastOne(max, "per-fingerprint limit");
      this.perFingerprintPeriod = positive(period, "per-fingerprint period");
      return this;
    }

    /**
     * Limits the alerts of all fingerprints together.
     *
     * @param max the most alerts per period, at least 1
     * @param period the period, positive
     * @return this builder
     * @throws NullPointerException if the period is null
     * @throws IllegalArgumentException if max is less than 1 or the period is not positive
     */
    public Builder globalLimit(int max, Duration period) {
      this.globalMax = atLeastOne(max, "global limit");
      this.globalPeriod = positive(period, "global period");
      return this;
    }

    /**
     * Bounds the memory of the pipeline: beyond this many distinct fingerprints, occurrences are
     * reported under one overflow fingerprint.
     *
     * @param value the most fingerprints tracked, at least 1
     * @return this builder
     * @throws IllegalArgumentException if the value is less than 1
     */
    public Builder maxFingerprints(int value) {
      this.maxFingerprints = atLeastOne(value, "max fingerprints");
      return this;
    }

    /**
     * Sets the lowest severity of an event that raises an alert when the pipeline is used as an
     * {@link EventSink}.
     *
     * @param value the severity
     * @return this builder
     * @throws NullPointerException if the severity is null
     */
    public Builder eventThreshold(Severity value) {
      this.eventThreshold = Objects.requireNonNull(value, "eventThreshold");
      return this;
    }

    /**
     * Adds a sink; sinks receive alerts in the order added.
     *
     * @param sink the sink; must not block
     * @return this builder
     * @throws NullPointerException if the sink is null
     * @throws IllegalArgumentException if the same sink was already added
     */
    public Builder sink(AlertSink sink) {
      Objects.requireNonNull(sink, "sink");
      for (AlertSink existing : sinks) {
        if (existing == sink) {
          throw new IllegalArgumentException("alert sink '" + sink.name() + "' is already added");
        }
      }
      sinks.add(sink);
      return this;
    }

    /**
     * Sets the package prefixes of application code, whose top frames make a failure's fingerprint;
     * by default every frame outside the JDK and well-known libraries counts.
     *
     * @param prefixes package prefixes, e.g. {@code "com.acme."}
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a prefix is blank
     */
    public Builder applicationPackages(String... prefixes) {
      for (String prefix : Objects.requireNonNull(prefixes, "prefixes")) {
        if (Objects.requireNonNull(prefix, "prefix").isBlank()) {
          throw new IllegalArgumentException(
              "application package must not be blank, but was " + Arrays.toString(prefixes));
        }
      }
      this.applicationPackages = List.of(prefixes);
      return this;
    }

    /** {@return the pipeline; this builder can still be changed without affecting it} */
    public AlertPipeline build() {
      return new AlertPipeline(this);
    }

    private static Duration positive(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, but was " + value);
      }
      return value;
    }

    private static int atLeastOne(int value, String name) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be at least 1, but was " + value);
      }
      return value;
    }
  }
}
