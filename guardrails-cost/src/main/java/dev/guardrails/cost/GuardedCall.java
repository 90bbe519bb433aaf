package dev.guardrails.cost;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.guardrails.core.Actor;
import dev.guardrails.core.BudgetExceeded;
import dev.guardrails.core.EventContext;
import dev.guardrails.core.EventSink;
import dev.guardrails.core.GuardContext;
import dev.guardrails.core.Money;
import dev.guardrails.core.RateLimited;
import dev.guardrails.core.UpstreamUnavailable;
import dev.guardrails.cost.spi.CostModel;
import dev.guardrails.cost.spi.FailureClassifier;
import dev.guardrails.cost.spi.FailureClassifier.Classification;
import dev.guardrails.cost.spi.Sleeper;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * A paid upstream call wrapped in every cost guardrail, configured once by a {@link Builder}.
 *
 * <p>The layers run in this order, each only if configured:
 *
 * <ol>
 *   <li><b>cache</b> (Caffeine): a hit returns at once, costs nothing and is metered as a hit;
 *       concurrent identical misses wait for one upstream call (coalescing). Keys are per tenant
 *       unless {@link Builder#cacheSharedAcrossTenants()} is called. A response is served while
 *       less than its time to live has passed since it was written, by the builder's clock. On the
 *       system clock (the default) a hit reads a copy of it that a daemon thread ({@code
 *       guardrails-coarse-clock}, stopped after a second without hits) refreshes every millisecond,
 *       which is cheaper than the clock; within 20 ms of the end of the time to live it reads the
 *       clock itself, so the expiry stays exact unless that thread is starved for longer. A hit is
 *       counted on the day of the reading it used;
 *   <li><b>budget reservation</b>: the cost model's estimate is reserved in every budget that
 *       applies, or core's {@link BudgetExceeded} is thrown and nothing else happens;
 *   <li><b>rate limit</b> per operation, and per actor or tenant with a bounded map of limiters:
 *       fixed windows of the period on the builder's clock (Resilience4j's semantics, but testable
 *       by moving the clock), refused with core's {@link RateLimited} whose retry-after is the time
 *       to the next window;
 *   <li><b>circuit breaker</b> (Resilience4j) per operation, or per tenant or actor with a bounded
 *       map of breakers: while open, every attempt is refused at once with core's {@link
 *       UpstreamUnavailable};
 *   <li><b>retry</b> of failures the {@link FailureClassifier} calls retryable, with exponential
 *       backoff and jitter, {@code Retry-After} honoured up to a cap, within a retry budget;
 *   <li><b>the call</b>, optionally on an executor with a timeout after which the caller stops
 *       waiting, the attempt is cancelled and an {@link UpstreamEvent} reports it;
 *   <li><b>settle and meter</b>: the actual cost is settled in the budgets and recorded in the
 *       meter, on the day the call started (the clock is read once per call, before it). A failed
 *       call settles zero, except a timed-out one, which settles its estimate (the upstream may
 *       have done and billed the work).
 * </ol>
 *
 * <p>Errors: upstream failures (after retries) become {@link UpstreamUnavailable}; the caller's own
 * errors pass through, checked ones wrapped once in {@link PaidCallException}.
 *
 * <p>A reservation must outlast its call: with a timeout, {@link Builder#build()} checks that the
 * budgets' reservation timeout exceeds the longest call (timeout times attempts plus waits);
 * without one, a call running longer than the reservation timeout lets its reservation expire early
 * and the budget may be overspent by that call.
 *
 * <p>Thread-safe; one instance serves every thread.
 *
 * @param <Q> the request type
 * @param <R> the response type
 */
public final class GuardedCall<Q, R> {

  private final String operation;
  private final PaidCall<Q, R> call;
  private final Clock clock;
  private final EventSink events;
  private final @Nullable RandomGenerator random;
  private final @Nullable BudgetGuard budgets;
  private final @Nullable CostModel<Q, R> costModel;
  private final @Nullable Money zero;
  private final @Nullable CostMeter meter;
  private final CostMeter.@Nullable HitCounter hitCounter;
  private final @Nullable Cache<Object, Stamped<R>> cache;

  /**
   * How long a cached response is served, in whole milliseconds rounded up: fresh while {@code now
   * - written < ttlMillis}, by {@link #clock} (the same rule as Caffeine's expire-after-write on a
   * millisecond ticker).
   */
  private final long ttlMillis;

  /**
   * The cache's Caffeine ticker: the latest clock reading seen (in nanoseconds), advanced by every
   * write and by hits at most once a second, never ahead of the clock. Caffeine only uses it to
   * reclaim expired entries; whether a response is still fresh is decided on each hit from one
   * clock reading ({@link #ttlMillis}, {@link #onSystemClock}), so a hit reads the clock once.
   */
  private final AtomicLong cacheTickerNanos = new AtomicLong(Long.MIN_VALUE / 2);

  /**
   * Whether {@link #clock} is the system clock, so that a hit reads {@link CoarseSystemClock}
   * instead, except near the end of a time to live ({@link #hitTime}).
   */
  private final boolean onSystemClock;

  /** Whether the budgets use this call's clock, so one reading serves both. */
  private final boolean budgetsShareClock;

  /** Whether the meter uses this call's clock, so one reading serves both. */
  private final boolean meterSharesClock;

  /**
   * Whether the meter uses the clock a call's start is read from (the budgets', or the meter's own
   * when there are no budgets), so the start is also the meter's time.
   */
  private final boolean meterSharesStartClock;

  private final ConcurrentHashMap<Object, Flight<R>> inflight = new ConcurrentHashMap<>();
  private final @Nullable Function<? super Q, ?> cacheKey;
  private final boolean cachePerTenant;
  private final @Nullable WindowRateLimiter operationLimiter;
  private final @Nullable Cache<Object, WindowRateLimiter> keyedLimiters;
  private final WindowRateLimiter.@Nullable Limit keyedLimit;
  private final boolean limitPerActor;
  private final CircuitBreakerConfig breakerConfig;
  private final CircuitBreaker breaker;
  private final @Nullable Cache<Object, CircuitBreaker> keyedBreakers;
  private final boolean breakerPerActor;
  private final RetryPolicy retry;
  private final FailureClassifier classifier;
  private final Sleeper sleeper;
  private final @Nullable Duration timeout;
  private final @Nullable Executor executor;
  private final AtomicLong retryTokens;
  private final long retryTokenCap;
  private final long retryDeposit;
  private final String callIdPrefix = newCallIdPrefix();
  private final AtomicLong callIds = new AtomicLong();
  private final Supplier<String> callIdSupplier = this::newCallId;

  /** How far the clock moves past the cache's ticker before a hit advances it. */
  private static final long TICKER_STEP_NANOS = TimeUnit.SECONDS.toNanos(1);

  /**
   * How close to the end of a time to live a hit reads the system clock itself rather than its
   * millisecond copy: the copy lags by about a millisecond, so the expiry stays exact unless the
   * copy's thread falls this far behind.
   */
  private static final long EXACT_NEAR_EXPIRY_MILLIS = 20;

  /** No settle time was read. */
  private static final long NO_TIME = Long.MIN_VALUE;

  private GuardedCall(Builder<Q, R> b) {
    this.operation = b.operation;
    this.call = b.call;
    this.clock = b.clock;
    this.events = b.events;
    this.random = b.random;
    this.budgets = b.budgets;
    this.costModel = b.costModel;
    this.meter = b.meter;
    Money z = null;
    if (b.budgets != null) {
      z = Money.zero(b.budgets.currency());
    } else if (b.meter != null) {
      z = Money.zero(b.meter.currency());
    }
    this.zero = z;
    this.hitCounter = b.meter == null ? null : b.meter.hitCounter(b.operation);
    if (b.cacheKey != null) {
      Duration ttl = Objects.requireNonNull(b.cacheTtl);
      long nanos = ttl.toNanos();
      this.ttlMillis = nanos / 1_000_000L + (nanos % 1_000_000L == 0 ? 0 : 1);
      AtomicLong ticker = cacheTickerNanos;
      ticker.set(TimeUnit.MILLISECONDS.toNanos(b.clock.millis()));
      this.cache =
          Caffeine.newBuilder()
              .maximumSize(b.cacheMaxSize)
              .expireAfterWrite(ttl)
              .ticker(ticker::get)
              .executor(Runnable::run)
              .<Object, Stamped<R>>build();
    } else {
      this.ttlMillis = 0;
      this.cache = null;
    }
    this.onSystemClock = b.clock.equals(Clock.system(b.clock.getZone()));
    this.budgetsShareClock = b.budgets != null && b.budgets.clock().equals(b.clock);
    this.meterSharesClock = b.meter != null && b.meter.clock().equals(b.clock);
    this.meterSharesStartClock =
        b.meter != null && (b.budgets == null || b.budgets.clock().equals(b.meter.clock()));
    this.cacheKey = b.cacheKey;
    this.cachePerTenant = b.cachePerTenant;
    this.operationLimiter =
        b.operationLimit == null
            ? null
            : new WindowRateLimiter(b.operationLimit, b.clock, b.clock.millis());
    this.keyedLimit = b.keyedLimit;
    this.limitPerActor = b.limitPerActor;
    this.keyedLimiters =
        b.keyedLimit == null
            ? null
            : Caffeine.newBuilder()
                .maximumSize(b.maxTrackedKeys)
                .executor(Runnable::run)
                .<Object, WindowRateLimiter>build();
    this.breakerConfig =
        CircuitBreakerConfig.from(b.breakerConfig)
            .clock(b.clock)
            .recordException(t -> true)
            .build();
    this.breaker = newBreaker(b.operation);
    this.breakerPerActor = b.breakerPerActor;
    this.keyedBreakers =
        b.breakerPerTenant || b.breakerPerActor
            ? Caffeine.newBuilder()
                .maximumSize(b.maxTrackedKeys)
                .executor(Runnable::run)
                .<Object, CircuitBreaker>build()
            : null;
    this.retry = b.retry;
    this.classifier = b.classifier;
    this.sleeper = b.sleeper;
    this.timeout = b.timeout;
    this.executor = b.executor;
    this.retryTokenCap = Math.max(1, retry.retryBudgetBurst()) * 1000L;
    this.retryTokens = new AtomicLong(retry.retryBudgetBurst() * 1000L);
    this.retryDeposit = retry.retryBudgetPercent() * 10L;
  }

  /**
   * Starts a guarded call.
   *
   * @param operation the operation's stable name, e.g. {@code "openai.chat"}; names the breaker,
   *     limiters, budgets' operation scope and meter rows
   * @param call the upstream call
   * @param <Q> the request type
   * @param <R> the response type
   * @return a builder
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the operation name is blank
   */
  public static <Q, R> Builder<Q, R> builder(String operation, PaidCall<Q, R> call) {
    return new Builder<>(operation, call);
  }

  /**
   * Calls on behalf of the actor of the {@link GuardContext} bound to this thread.
   *
   * @param request the request
   * @return the response
   * @throws IllegalStateException if no context is bound
   * @throws BudgetExceeded if a budget would be exceeded; the call did not happen
   * @throws RateLimited if a rate limit refused the call
   * @throws UpstreamUnavailable if the breaker is open, the call timed out, it failed with an
   *     upstream failure after the retries allowed, or the thread was interrupted while waiting for
   *     a retry or an identical call (its interrupt status is kept)
   * @throws PaidCallException if the call threw a checked exception that is not an upstream failure
   * @throws IllegalArgumentException if the cost model's estimate is negative or not in the
   *     budgets' (or meter's) currency; nothing was reserved or called
   * @throws NullPointerException if the request is null
   */
  public R call(Q request) {
    return call(GuardContext.current().actor(), request);
  }

  /**
   * Calls on behalf of an actor.
   *
   * @param actor who makes the call; decides the budgets, limiters and meter rows
   * @param request the request
   * @return the response
   * @throws BudgetExceeded if a budget would be exceeded; the call did not happen
   * @throws RateLimited if a rate limit refused the call
   * @throws UpstreamUnavailable if the breaker is open, the call timed out, it failed with an
   *     upstream failure after the retries allowed, or the thread was interrupted while waiting for
   *     a retry or an identical call (its interrupt status is kept)
   * @throws PaidCallException if the call threw a checked exception that is not an upstream failure
   * @throws IllegalArgumentException if the cost model's estimate is negative or not in the
   *     budgets' (or meter's) currency; nothing was reserved or called
   * @throws NullPointerException if an argument is null
   */
  public R call(Actor actor, Q request) {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(request, "request");
    Cache<Object, Stamped<R>> c = cache;
    if (c == null) {
      return guarded(actor, request, NO_TIME);
    }
    Object key = cacheKey(actor, request);
    Stamped<R> cached = c.getIfPresent(key);
    if (cached != null) {
      long now = hitTime(cached.writtenMillis);
      if (now - cached.writtenMillis < ttlMillis) {
        if (TimeUnit.MILLISECONDS.toNanos(now) - cacheTickerNanos.get() >= TICKER_STEP_NANOS) {
          advanceTicker(now);
        }
        countHit(now);
        return cached.value;
      }
    }
    return miss(c, key, actor, request, clock.millis());
  }

  /**
   * The time a hit on a response written at {@code writtenMillis} is judged by: on the system clock
   * its millisecond copy, unless that copy is within {@link #EXACT_NEAR_EXPIRY_MILLIS} of the end
   * of the response's time to live, where the clock itself decides; any other clock, read exactly.
   */
  private long hitTime(long writtenMillis) {
    if (onSystemClock) {
      long copy = CoarseSystemClock.millis();
      if (copy - writtenMillis < ttlMillis - EXACT_NEAR_EXPIRY_MILLIS) {
        return copy;
      }
    }
    return clock.millis();
  }

  /** Moves the cache's ticker up to {@code nowMillis}, never back. */
  private void advanceTicker(long nowMillis) {
    long nanos = TimeUnit.MILLISECONDS.toNanos(nowMillis);
    if (nanos > cacheTickerNanos.get()) {
      cacheTickerNanos.accumulateAndGet(nanos, Math::max);
    }
  }

  /** A cached response and when it was written, in epoch milliseconds by {@link #clock}. */
  private record Stamped<R>(R value, long writtenMillis) {}

  private R miss(Cache<Object, Stamped<R>> c, Object key, Actor actor, Q request, long now) {
    Flight<R> mine = new Flight<>();
    Flight<R> leader = inflight.putIfAbsent(key, mine);
    if (leader != null) {
      if (leader.owner == Thread.currentThread()) {
        // the paid call re-entered itself with the same key: waiting would wait for ourselves
        return guarded(actor, request, now);
      }
      return awaitCoalesced(actor, request, leader, now);
    }
    try {
      // a leader that finished between our lookup and our registration has cached its response
      Stamped<R> cached = c.getIfPresent(key);
      R response;
      if (cached != null && now - cached.writtenMillis < ttlMillis) {
        response = cached.value;
        countHit(now);
      } else {
        response = guarded(actor, request, now);
        // stamped with the call's start: it expires a little early, never late
        advanceTicker(now);
        c.put(key, new Stamped<>(response, now));
      }
      inflight.remove(key, mine);
      mine.complete(response);
      return response;
    } catch (RuntimeException | Error e) {
      inflight.remove(key, mine);
      mine.ownerInterrupted = Thread.currentThread().isInterrupted() || interruption(e);
      mine.completeExceptionally(e);
      throw e;
    }
  }

  /**
   * Returns this call as a function, on behalf of the actor of the {@link GuardContext} bound to
   * the calling thread (see {@link #call(Object)}).
   *
   * @return the function
   */
  public Function<Q, R> asFunction() {
    return this::call;
  }

  /** {@return the operation's name} */
  public String operation() {
    return operation;
  }

  /**
   * Returns the state of the operation's circuit breaker.
   *
   * @return the state
   * @throws IllegalStateException if the breakers are per tenant or per actor (use {@link
   *     #circuitState(Actor)})
   */
  public CircuitBreaker.State circuitState() {
    if (keyedBreakers != null) {
      throw new IllegalStateException(
          "circuit breakers of "
              + operation
              + " are per "
              + (breakerPerActor ? "actor" : "tenant")
              + ": ask circuitState(actor)");
    }
    return breaker.getState();
  }

  /**
   * Returns the state of the circuit breaker that guards an actor's calls: its own, its tenant's or
   * the operation's, as configured.
   *
   * @param actor the actor
   * @return the state; {@code CLOSED} for a key without a breaker yet
   * @throws NullPointerException if the actor is null
   */
  public CircuitBreaker.State circuitState(Actor actor) {
    Objects.requireNonNull(actor, "actor");
    Cache<Object, CircuitBreaker> keyed = keyedBreakers;
    if (keyed == null) {
      return breaker.getState();
    }
    CircuitBreaker b = keyed.getIfPresent(breakerKey(actor));
    return b == null ? CircuitBreaker.State.CLOSED : b.getState();
  }

  /** {@return the retries the retry budget allows right now} */
  public long retryBudgetAvailable() {
    return retryTokens.get() / 1000L;
  }

  /** {@return the number of cached responses (an estimate)} */
  public long cachedResponses() {
    Cache<Object, Stamped<R>> c = cache;
    if (c == null) {
      return 0;
    }
    long now = clock.millis();
    advanceTicker(now);
    c.cleanUp();
    c.asMap().values().removeIf(s -> now - s.writtenMillis >= ttlMillis);
    return c.estimatedSize();
  }

  /** {@return the number of per-actor or per-tenant rate limiters held (bounded)} */
  public long keyedLimiters() {
    Cache<Object, WindowRateLimiter> k = keyedLimiters;
    if (k == null) {
      return 0;
    }
    k.cleanUp();
    return k.estimatedSize();
  }

  @Override
  public String toString() {
    return "GuardedCall{"
        + operation
        + (keyedBreakers == null ? ", circuit " + breaker.getState() : ", circuits per key")
        + "}";
  }

  private R awaitCoalesced(Actor actor, Q request, Flight<R> leader, long now) {
    try {
      // get(), not join(): an interrupted waiter stops waiting instead of ignoring the interrupt
      R response = leader.get();
      countHit(now);
      return response;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UpstreamUnavailable(
          operation, "interrupted while waiting for an identical call of " + operation, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof BudgetExceeded
          || cause instanceof RateLimited
          || leader.ownerInterrupted) {
        // the leader's own budget, limit or cancellation stopped it; this caller has its own
        return guarded(actor, request, now);
      }
      throw rethrow(cause);
    }
  }

  private void countHit(long nowMillis) {
    CostMeter.HitCounter h = hitCounter;
    if (h != null) {
      if (meterSharesClock) {
        h.increment(nowMillis);
      } else {
        h.increment();
      }
    }
  }

  private Object cacheKey(Actor actor, Q request) {
    Object key =
        Objects.requireNonNull(
            Objects.requireNonNull(cacheKey).apply(request), "cache key of the request");
    return cachePerTenant ? new TenantKey(actor.tenantId(), key) : key;
  }

  private record TenantKey(String tenantId, Object key) {}

  private record ActorKey(String tenantId, String actorId) {}

  /** Whether a failure comes from an interrupt of the failing thread (its cause chain). */
  private static boolean interruption(Throwable failure) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
      if (t instanceof InterruptedException) {
        return true;
      }
    }
    return false;
  }

  /** The upstream call of a cache miss that identical concurrent misses wait for. */
  private static final class Flight<R> extends CompletableFuture<R> {
    final Thread owner = Thread.currentThread();

    /** Whether the owner failed because it was interrupted; written before completion. */
    boolean ownerInterrupted;
  }

  /**
   * The guarded call; {@code now} is the clock reading of the cache lookup, or {@link #NO_TIME}.
   */
  private R guarded(Actor actor, Q request, long now) {
    BudgetGuard b = budgets;
    CostModel<Q, R> model = costModel;
    Money estimate = model == null ? zero : checkedEstimate(model, request);
    // one clock read per call: the budgets' period and the meter's day are those of the start
    long startMillis = NO_TIME;
    Object reservation = null;
    if (b != null) {
      startMillis = now != NO_TIME && budgetsShareClock ? now : b.clock().millis();
      reservation =
          b.reserveCall(
              callIdSupplier, actor, operation, Objects.requireNonNull(estimate), startMillis);
    } else if (meter != null) {
      startMillis = now != NO_TIME && meterSharesClock ? now : meter.clock().millis();
    }
    boolean reachedUpstream = false;
    boolean timedOut = false;
    R response = null;
    try {
      acquireRateLimits(actor, now != NO_TIME ? now : startOnCallClock(startMillis));
      CircuitBreaker breaker = breakerFor(actor);
      for (int attempt = 1; response == null; attempt++) {
        CircuitBreaker.State before = breaker.getState();
        boolean permitted = breaker.tryAcquirePermission();
        reportTransition(breaker, before);
        if (!permitted) {
          throw circuitOpen(breaker);
        }
        reachedUpstream = true;
        long start = breaker.getCurrentTimestamp();
        Throwable failure;
        try {
          response = Objects.requireNonNull(invoke(request), "response of the paid call");
          before = breaker.getState();
          breaker.onSuccess(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit());
          reportTransition(breaker, before);
          continue;
        } catch (TimeoutException e) {
          timedOut = true;
          failure = e;
        } catch (Exception | Error e) {
          failure = e;
        }
        Classification classification = classifier.classify(failure);
        long elapsed = breaker.getCurrentTimestamp() - start;
        before = breaker.getState();
        if (classification.isUpstreamFailure()) {
          breaker.onError(elapsed, breaker.getTimestampUnit(), failure);
          reportTransition(breaker, before);
        } else {
          breaker.onSuccess(elapsed, breaker.getTimestampUnit());
          reportTransition(breaker, before);
          throw rethrow(failure);
        }
        if (!classification.isRetryable() || attempt >= retry.maxAttempts()) {
          throw upstreamFailed(failure, classification.retryAfter(), attempt);
        }
        Optional<Duration> retryAfter = classification.retryAfter();
        if (retryAfter.isPresent() && retryAfter.get().compareTo(retry.maxRetryAfter()) > 0) {
          throw upstreamFailed(failure, retryAfter, attempt);
        }
        if (!takeRetryToken()) {
          report(
              UpstreamEvent.Kind.RETRY_BUDGET_EXHAUSTED,
              "retry budget exhausted after attempt " + attempt);
          throw upstreamFailed(failure, retryAfter, attempt);
        }
        RandomGenerator r = random;
        double draw = r == null ? ThreadLocalRandom.current().nextDouble() : r.nextDouble();
        long waitNanos = retry.backoffNanos(attempt, draw);
        if (retryAfter.isPresent()) {
          waitNanos = Math.max(waitNanos, retryAfter.get().toNanos());
        }
        try {
          sleeper.sleep(Duration.ofNanos(waitNanos));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new UpstreamUnavailable(
              operation, "interrupted while waiting to retry " + operation, e);
        }
      }
    } catch (RuntimeException | Error e) {
      Money cost = timedOut ? estimate : zero;
      if (reservation != null) {
        Objects.requireNonNull(b).settleCall(reservation, Objects.requireNonNull(cost));
      }
      CostMeter m = meter;
      if (m != null && reachedUpstream) {
        m.record(
            actor,
            correlationId(),
            operation,
            Objects.requireNonNull(cost),
            true,
            meterTime(startMillis));
      }
      throw e;
    } finally {
      depositRetryToken();
    }
    settleAndMeter(actor, request, response, estimate, reservation, startMillis);
    return response;
  }

  /**
   * The cost model's estimate, refused before anything is reserved or called unless it is a
   * non-negative amount in the budgets' (or meter's) currency: reserving the micro-units of another
   * currency would spend, say, euros from a dollar budget.
   */
  private Money checkedEstimate(CostModel<Q, R> model, Q request) {
    Money estimate = model.estimate(request);
    Money z = Objects.requireNonNull(zero);
    if (estimate == null || estimate.micros() < 0 || !estimate.currency().equals(z.currency())) {
      throw new IllegalArgumentException(
          "estimate of "
              + operation
              + " must be a non-negative amount in "
              + z.currency()
              + ", but was "
              + estimate);
    }
    return estimate;
  }

  /** Settles and meters a call that succeeded; never throws for a faulty cost model. */
  private void settleAndMeter(
      Actor actor,
      Q request,
      R response,
      @Nullable Money estimate,
      @Nullable Object reservation,
      long start) {
    CostModel<Q, R> model = costModel;
    Money z = zero;
    if (model == null || z == null) {
      return;
    }
    Money actual;
    try {
      actual = Objects.requireNonNull(model.actual(request, response), "actual cost");
      if (actual.micros() < 0 || !actual.currency().equals(z.currency())) {
        throw new IllegalArgumentException(
            "actual cost must be a non-negative amount in " + z.currency() + ", but was " + actual);
      }
    } catch (RuntimeException e) {
      actual = estimate == null ? z : estimate;
      report(
          UpstreamEvent.Kind.COST_MODEL_FAILED,
          "the cost model failed ("
              + e.getClass().getSimpleName()
              + "); charged the estimate "
              + actual);
    }
    if (estimate != null && actual.compareTo(estimate) > 0) {
      report(
          UpstreamEvent.Kind.COST_ABOVE_ESTIMATE,
          "actual cost " + actual + " above the estimate " + estimate);
    }
    if (reservation != null) {
      Objects.requireNonNull(budgets).settleCall(reservation, actual);
    }
    CostMeter m = meter;
    if (m != null) {
      m.record(actor, correlationId(), operation, actual, false, meterTime(start));
    }
  }

  /**
   * The meter's time of a call that started at {@code start}, read from the budgets' clock if there
   * are budgets, else from the meter's: the same time when the meter shares that clock, so a call
   * reads the clock once.
   */
  private long meterTime(long start) {
    return start != NO_TIME && meterSharesStartClock
        ? start
        : Objects.requireNonNull(meter).clock().millis();
  }

  private @Nullable R invoke(Q request) throws Exception {
    Duration t = timeout;
    if (t == null) {
      return call.apply(request);
    }
    Callable<R> task = () -> call.apply(request);
    Optional<GuardContext> context = GuardContext.currentIfBound();
    if (context.isPresent()) {
      task = context.get().wrap(task);
    }
    FutureTask<R> future = new FutureTask<>(task);
    Objects.requireNonNull(executor).execute(future);
    try {
      return future.get(t.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      report(UpstreamEvent.Kind.TIMEOUT, "attempt timed out after " + t);
      TimeoutException timeoutException =
          new TimeoutException("paid call '" + operation + "' timed out after " + t);
      timeoutException.initCause(e);
      throw timeoutException;
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw e;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception exception) {
        throw exception;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  /** {@return the call's start if it was read from this call's clock, else {@link #NO_TIME}} */
  private long startOnCallClock(long startMillis) {
    boolean shared = budgets != null ? budgetsShareClock : meterSharesClock;
    return shared ? startMillis : NO_TIME;
  }

  /** Takes a permit of every rate limit at {@code now}, read from the clock here if NO_TIME. */
  private void acquireRateLimits(Actor actor, long now) {
    WindowRateLimiter op = operationLimiter;
    Cache<Object, WindowRateLimiter> keyed = keyedLimiters;
    WindowRateLimiter.Limit limit = keyedLimit;
    if (op == null && (keyed == null || limit == null)) {
      return;
    }
    long at = now != NO_TIME ? now : clock.millis();
    if (op != null) {
      long waitMillis = op.tryAcquire(at);
      if (waitMillis > 0) {
        throw new RateLimited(operation, Duration.ofMillis(waitMillis));
      }
    }
    if (keyed != null && limit != null) {
      Object key = limitPerActor ? new ActorKey(actor.tenantId(), actor.id()) : actor.tenantId();
      WindowRateLimiter limiter = keyed.get(key, k -> new WindowRateLimiter(limit, clock, at));
      long waitMillis = limiter.tryAcquire(at);
      if (waitMillis > 0) {
        throw new RateLimited(
            operation + (limitPerActor ? " per actor" : " per tenant"),
            Duration.ofMillis(waitMillis));
      }
    }
  }

  private UpstreamUnavailable circuitOpen(CircuitBreaker breaker) {
    long waitMillis = breakerConfig.getWaitIntervalFunctionInOpenState().apply(1);
    return new UpstreamUnavailable(
        operation,
        Duration.ofMillis(waitMillis),
        "the circuit breaker " + breaker.getName() + " is " + breaker.getState(),
        null);
  }

  private CircuitBreaker breakerFor(Actor actor) {
    Cache<Object, CircuitBreaker> keyed = keyedBreakers;
    return keyed == null
        ? breaker
        : keyed.get(breakerKey(actor), key -> newBreaker(operation + "/" + key));
  }

  private Object breakerKey(Actor actor) {
    return breakerPerActor ? new ActorKey(actor.tenantId(), actor.id()) : actor.tenantId();
  }

  /**
   * Creates a breaker without event consumers: once one is registered, Resilience4j builds a
   * timestamped event on every call. Transitions are reported by {@link #reportTransition} instead,
   * from the only calls on the call path that change the state.
   */
  private CircuitBreaker newBreaker(String name) {
    return CircuitBreaker.of(name, breakerConfig);
  }

  /** Reports the breaker's state change, if any, since {@code before} was read. */
  private void reportTransition(CircuitBreaker breaker, CircuitBreaker.State before) {
    CircuitBreaker.State after = breaker.getState();
    if (after == before) {
      return;
    }
    UpstreamEvent.Kind kind =
        switch (after) {
          case OPEN, FORCED_OPEN -> UpstreamEvent.Kind.CIRCUIT_OPENED;
          case HALF_OPEN -> UpstreamEvent.Kind.CIRCUIT_HALF_OPEN;
          default -> UpstreamEvent.Kind.CIRCUIT_CLOSED;
        };
    report(
        kind, "circuit " + breaker.getName() + " state transition from " + before + " to " + after);
  }

  private UpstreamUnavailable upstreamFailed(
      Throwable failure, Optional<Duration> retryAfter, int attempts) {
    if (failure instanceof UpstreamUnavailable unavailable && attempts == 1) {
      return unavailable;
    }
    String reason =
        operation
            + " failed after "
            + attempts
            + (attempts == 1 ? " attempt: " : " attempts: ")
            + failure;
    return retryAfter.isPresent()
        ? new UpstreamUnavailable(operation, retryAfter.get(), reason, failure)
        : new UpstreamUnavailable(operation, reason, failure);
  }

  private RuntimeException rethrow(Throwable failure) {
    if (failure instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (failure instanceof Error error) {
      throw error;
    }
    return new PaidCallException(operation, (Exception) failure);
  }

  private boolean takeRetryToken() {
    while (true) {
      long tokens = retryTokens.get();
      if (tokens < 1000L) {
        return false;
      }
      if (retryTokens.compareAndSet(tokens, tokens - 1000L)) {
        return true;
      }
    }
  }

  private void depositRetryToken() {
    if (retryDeposit == 0) {
      return;
    }
    while (true) {
      long tokens = retryTokens.get();
      if (tokens >= retryTokenCap) {
        return;
      }
      if (retryTokens.compareAndSet(tokens, Math.min(retryTokenCap, tokens + retryDeposit))) {
        return;
      }
    }
  }

  /** A call id unique across instances and JVMs: a random 128-bit prefix and a counter. */
  private String newCallId() {
    return callIdPrefix + Long.toString(callIds.incrementAndGet(), Character.MAX_RADIX);
  }

  private static String newCallIdPrefix() {
    SecureRandom r = new SecureRandom();
    return Long.toHexString(r.nextLong()) + Long.toHexString(r.nextLong()) + "-";
  }

  private static @Nullable String correlationId() {
    Optional<GuardContext> context = GuardContext.currentIfBound();
    return context.isPresent() ? context.get().correlationId() : null;
  }

  private void report(UpstreamEvent.Kind kind, String detail) {
    events.publish(new UpstreamEvent(EventContext.capture(clock), operation, kind, detail));
  }

  /**
   * Builds a {@link GuardedCall}; not thread-safe, {@link #build()} copies. Defaults: no cache, no
   * budget, no rate limit, a circuit breaker (50% failures of the last 20 calls, at least 10, opens
   * it for 30 s), {@link RetryPolicy#defaults()}, {@link FailureClassifier#defaults()}, no timeout.
   *
   * @param <Q> the request type
   * @param <R> the response type
   */
  public static final class Builder<Q, R> {
    private final String operation;
    private final PaidCall<Q, R> call;
    private Clock clock = Clock.systemUTC();
    private EventSink events = EventSink.noop();
    private @Nullable RandomGenerator random;
    private @Nullable BudgetGuard budgets;
    private @Nullable CostModel<Q, R> costModel;
    private @Nullable CostMeter meter;
    private @Nullable Function<? super Q, ?> cacheKey;
    private long cacheMaxSize;
    private @Nullable Duration cacheTtl;
    private boolean cachePerTenant = true;
    private WindowRateLimiter.@Nullable Limit operationLimit;
    private WindowRateLimiter.@Nullable Limit keyedLimit;
    private boolean limitPerActor;
    private long maxTrackedKeys = 10_000;
    private boolean breakerPerTenant;
    private boolean breakerPerActor;
    private CircuitBreakerConfig breakerConfig =
        CircuitBreakerConfig.custom()
            .slidingWindowSize(20)
            .minimumNumberOfCalls(10)
            .failureRateThreshold(50)
            .waitDurationInOpenState(Duration.ofSeconds(30))
            .permittedNumberOfCallsInHalfOpenState(2)
            .build();
    private RetryPolicy retry = RetryPolicy.defaults();
    private FailureClassifier classifier = FailureClassifier.defaults();
    private Sleeper sleeper = Sleeper.threadSleep();
    private @Nullable Duration timeout;
    private @Nullable Executor executor;

    private final Set<String> optionsSet = new HashSet<>();

    private Builder(String operation, PaidCall<Q, R> call) {
      Objects.requireNonNull(operation, "operation");
      if (operation.isBlank()) {
        throw new IllegalArgumentException("operation must not be blank");
      }
      this.operation = operation;
      this.call = Objects.requireNonNull(call, "call");
    }

    /**
     * Sets the clock of the cache's expiry, the breaker's open time, the meter's days and events. A
     * system clock ({@link Clock#system}, any zone) is read through a millisecond copy on cache
     * hits (see the class documentation); any other clock, a test's included, exactly.
     *
     * @param clock the clock; default the system UTC clock
     * @return this builder
     * @throws NullPointerException if the clock is null
     * @throws IllegalStateException if this option was already set
     */
    public Builder<Q, R> clock(Clock clock) {
      Objects.requireNonNull(clock, "clock");
      once("clock");
      this.clock = clock;
      return this;
    }

    /**
     * Sets where timeouts, circuit changes and retry-budget exhaustion are reported.
     *
     * @param events the sink; default drops events
     * @return this builder
     * @throws NullPointerException if the sink is null
     * @throws IllegalStateException if this option was already set
     */
    public Builder<Q, R> events(EventSink events) {
      Objects.requireNonNull(events, "events");
      once("events");
      this.events = events;
      return this;
    }

    /**
     * Sets the randomness of the backoff jitter; it must be thread-safe (e.g. {@link
     * java.util.Random}) as every calling thread draws from it.
     *
     * @param random the source; default {@link ThreadLocalRandom}
     * @return this builder
     * @throws NullPointerException if the source is null
     * @throws IllegalStateException if this option was already set
     */
    public Builder<Q, R> random(RandomGenerator random) {
      Objects.requireNonNull(random, "random");
      once("random");
      this.random = random;
      return this;
    }

    /**
     * Reserves every call's estimated cost in the budgets before it and settles the actual cost
     * after it.
     *
     * @param budgets the budgets
     * @param costModel prices a call, in the budgets' currency
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalStateException if budgets were already set
     */
    public Builder<Q, R> budgets(BudgetGuard budgets, CostModel<Q, R> costModel) {
      Objects.requireNonNull(budgets, "budgets");
      Objects.requireNonNull(costModel, "costModel");
      if (this.budgets != null) {
        throw new IllegalStateException("budgets were already set");
      }
      this.budgets = budgets;
      this.costModel = costModel;
      return this;
    }

    /**
     * Records every call's cost in a meter; without {@link #budgets} its cost model must be set
     * with {@link #costModel}.
     *
     * @param meter the meter
     * @return this builder
     * @throws NullPointerException if the meter is null
     * @throws IllegalStateException if this option was already set
     */
    public Builder<Q, R> meter(CostMeter meter) {
      Objects.requireNonNull(meter, "meter");
      once("meter");
      this.meter = meter;
      return this;
    }

    /**
     * Sets the cost model for the meter when no budgets are used.
     *
     * @param costModel prices a call
     * @return this builder
     * @throws NullPointerException if the model is null
     * @throws IllegalStateException if {@link #budgets} already set a cost model
     */
    public Builder<Q, R> costModel(CostModel<Q, R> costModel) {
      Objects.requireNonNull(costModel, "costModel");
      if (this.costModel != null) {
        throw new IllegalStateException("a cost model was already set");
      }
      this.costModel = costModel;
      return this;
    }

    /**
     * Caches responses by a key of the request, per tenant.
     *
     * @param key derives the cache key from a request (equal requests, equal keys); not null
     * @param maxSize the most responses kept, positive
     * @param ttl how long a response is kept after it was written, positive
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a bound is not positive
     * @throws IllegalStateException if a cache was already set
     */
    public Builder<Q, R> cache(Function<? super Q, ?> key, long maxSize, Duration ttl) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(ttl, "ttl");
      if (cacheKey != null) {
        throw new IllegalStateException("a cache was already set");
      }
      if (maxSize <= 0) {
        throw new IllegalArgumentException("cache max size must be positive, but was " + maxSize);
      }
      if (ttl.isNegative() || ttl.isZero()) {
        throw new IllegalArgumentException("cache ttl must be positive, but was " + ttl);
      }
      this.cacheKey = key;
      this.cacheMaxSize = maxSize;
      this.cacheTtl = ttl;
      return this;
    }

    /**
     * Loosens the cache: one tenant's cached response may answer another tenant's identical key.
     * Only for responses that contain nothing tenant-specific.
     *
     * @return this builder
     */
    public Builder<Q, R> cacheSharedAcrossTenants() {
      this.cachePerTenant = false;
      return this;
    }

    /**
     * Limits the calls of this operation, across all actors.
     *
     * @param permits calls allowed per period, positive
     * @param period the refresh period, at least one millisecond
     * @return this builder
     * @throws NullPointerException if the period is null
     * @throws IllegalArgumentException if an argument is out of range
     * @throws IllegalStateException if this option was already set
     */
    public Builder<Q, R> rateLimit(int permits, Duration period) {
      once("rate limit");
      this.operationLimit = new WindowRateLimiter.Limit(permits, period);
      return this;
    }

    /**
     * Limits the calls of each actor (within its tenant) to this operation.
     *
     * @param permits calls allowed per period, positive
     * @param period the refresh period, at least one millisecond
     * @return this builder
     * @throws NullPointerException if the period is null
     * @throws IllegalArgumentException if an argument is out of range
     * @throws IllegalStateException if this option was already set, or if a per-tenant limit was
     *     set
     */
    public Builder<Q, R> rateLimitPerActor(int permits, Duration period) {
      if (keyedLimit != null && !limitPerActor) {
        throw new IllegalStateException(
            "a per-tenant rate limit cannot be combined with a per-actor one");
      }
      once("per-key rate limit");
      this.keyedLimit = new WindowRateLimiter.Limit(permits, period);
      this.limitPerActor = true;
      return this;
    }

    /**
     * Limits the calls of each tenant to this operation.
     *
     * @param permits calls allowed per period, positive
     * @param period the refresh period, at least one millisecond
     * @return this builder
     * @throws NullPointerException if the period is null
     * @throws IllegalArgumentException if an argument is out of range
     * @throws IllegalStateException if this option was already set, or if a per-actor limit was set
     */
    public Builder<Q, R> rateLimitPerTenant(int permits, Duration period) {
      if (keyedLimit != null && limitPerActor) {
        throw new IllegalStateException(
            "a per-actor rate limit cannot be combined with a per-tenant one");
      }
      once("per-key rate limit");
      this.keyedLimit = new WindowRateLimiter.Limit(permits, period);
      this.limitPerActor = false;
      return this;
    }

    /**
     * Bounds the per-actor or per-tenant rate limiters, and the per-tenant circuit breakers, kept
     * in memory; the least recently used are dropped (and start afresh when that key calls again).
     *
     * @param max positive; default 10,000
     * @return this builder
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if this option was already set
     */
    public Builder<Q, R> maxTrackedKeys(long max) {
      if (max <= 0) {
        throw new IllegalArgumentException("max tracked keys must be positive, but was " + max);
      }
      once("max tracked keys");
      this.maxTrackedKeys = max;
      return this;
    }

    /**
     * Gives each tenant its own circuit breaker, so one tenant's failing calls (e.g. its own
     * upstream credentials) do not stop every tenant's; bounded by {@link #maxTrackedKeys}.
     *
     * @return this builder
     * @throws IllegalStateException if this or {@link #circuitBreakerPerActor()} was already set
     */
    public Builder<Q, R> circuitBreakerPerTenant() {
      once("circuit breaker per key");
      this.breakerPerTenant = true;
      return this;
    }

    /**
     * Gives each actor (within its tenant) its own circuit breaker; bounded by {@link
     * #maxTrackedKeys}.
     *
     * @return this builder
     * @throws IllegalStateException if this or {@link #circuitBreakerPerTenant()} was already set
     */
    public Builder<Q, R> circuitBreakerPerActor() {
      once("circuit breaker per key");
      this.breakerPerActor = true;
      return this;
    }

    /**
     * Replaces the circuit breaker's configuration; its clock is always the builder's clock and it
     * records the failures the classifier calls upstream failures.
     *
     * @param config the configuration
     * @return this builder
     * @throws NullPointerException if the configuration is null
     * @throws IllegalStateException if this option was already set
     */
    public Builder<Q, R> circuitBreaker(CircuitBreakerConfig config) {
      Objects.requireNonNull(config, "config");
      once("circuit breaker");
      this.breakerConfig = config;
      return this;
    }

    /**
     * Sets the retry policy.
     *
     * @param policy the policy; {@link RetryPolicy#none()} disables retries
     * @return this builder
     * @throws NullPointerException if the policy is null
     * @throws IllegalStateException if this option was already set
     */
    public Builder<Q, R> retry(RetryPolicy policy) {
      Objects.requireNonNull(policy, "policy");
      once("retry");
      this.retry = policy;
      return this;
    }

    /**
     * Sets how failures are classified.
     *
     * @param classifier the classifier
     * @return this builder
     * @throws NullPointerException if the classifier is null
     * @throws IllegalStateException if this option was already set
     */
    public Builder<Q, R> failureClassifier(FailureClassifier classifier) {
      Objects.requireNonNull(classifier, "classifier");
      once("failure classifier");
      this.classifier = classifier;
      return this;
    }

    /**
     * Sets how the waits between retries are made; tests inject one that does not block.
     *
     * @param sleeper the sleeper; default {@link Sleeper#threadSleep()}
     * @return this builder
     * @throws NullPointerException if the sleeper is null
     * @throws IllegalStateException if this option was already set
     */
    public Builder<Q, R> sleeper(Sleeper sleeper) {
      Objects.requireNonNull(sleeper, "sleeper");
      once("sleeper");
      this.sleeper = sleeper;
      return this;
    }

    /**
     * Runs each attempt on the executor and stops waiting for it after the timeout: the attempt is
     * cancelled (interrupted), an {@link UpstreamEvent} reports it and it counts as an upstream
     * failure (not retried by the default classifier).
     *
     * @param timeout positive
     * @param executor runs the attempts; must not run them on the calling thread
     * @return this builder
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the timeout is not positive
     * @throws IllegalStateException if this option was already set
     */
    public Builder<Q, R> timeout(Duration timeout, Executor executor) {
      Objects.requireNonNull(timeout, "timeout");
      Objects.requireNonNull(executor, "executor");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, but was " + timeout);
      }
      once("timeout");
      this.timeout = timeout;
      this.executor = executor;
      return this;
    }

    /**
     * Builds the guarded call.
     *
     * @return the guarded call
     * @throws IllegalStateException if the meter and the budgets use different currencies, or a
     *     meter has no cost model
     */
    public GuardedCall<Q, R> build() {
      if (meter != null && costModel == null) {
        throw new IllegalStateException(
            "a meter needs a cost model: call budgets(...) or costModel(...)");
      }
      if (meter != null && budgets != null && !meter.currency().equals(budgets.currency())) {
        throw new IllegalStateException(
            "meter currency "
                + meter.currency()
                + " must equal the budgets' currency "
                + budgets.currency());
      }
      if (budgets != null) {
        Duration longest = longestCall();
        if (longest != null && budgets.reservationTimeout().compareTo(longest) <= 0) {
          throw new IllegalStateException(
              "the budgets' reservation timeout "
                  + budgets.reservationTimeout()
                  + " must outlast the longest guarded call "
                  + longest
                  + " (timeout times attempts plus backoff), or reservations expire mid-call");
        }
      }
      if (costModel != null && budgets == null && meter == null) {
        throw new IllegalStateException("a cost model needs budgets or a meter to be useful");
      }
      return new GuardedCall<>(this);
    }

    private void once(String option) {
      if (!optionsSet.add(option)) {
        throw new IllegalStateException(option + " was already set");
      }
    }

    /** The longest a call can take with its timeout and retries; null without a timeout. */
    private @Nullable Duration longestCall() {
      Duration t = timeout;
      if (t == null) {
        return null;
      }
      Duration total = t.multipliedBy(retry.maxAttempts());
      for (int i = 1; i < retry.maxAttempts(); i++) {
        Duration backoff = Duration.ofNanos(retry.backoffNanos(i, 1.0));
        total =
            total.plus(
                backoff.compareTo(retry.maxRetryAfter()) > 0 ? backoff : retry.maxRetryAfter());
      }
      return total;
    }
  }
}
