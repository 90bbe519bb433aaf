package dev.guardrails.benchmarks.cost;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.guardrails.core.Actor;
import dev.guardrails.core.Money;
import dev.guardrails.cost.Budget;
import dev.guardrails.cost.BudgetGuard;
import dev.guardrails.cost.BudgetPeriod;
import dev.guardrails.cost.BudgetScope;
import dev.guardrails.cost.CostMeter;
import dev.guardrails.cost.GuardedCall;
import dev.guardrails.cost.InMemoryBudgetStore;
import dev.guardrails.cost.RetryPolicy;
import dev.guardrails.cost.spi.CostModel;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.decorators.Decorators;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Currency;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link GuardedCall} on one thread, side by side with the baselines the issue names, in one run.
 *
 * <ul>
 *   <li>Miss path: {@link #guardedMissNoCache} (no cache configured, so every call is a miss:
 *       budget reserve and settle in an {@link InMemoryBudgetStore}, operation rate limiter,
 *       circuit breaker, retry, {@link CostMeter}) and {@link #guardedMissDistinctKeys} (the same
 *       plus a cache, every call with a new key, so it also pays the lookup, the in-flight
 *       registration and the insert) against {@link #resilience4jChain}: a Resilience4j {@code
 *       Decorators} chain of rate limiter, circuit breaker and retry around the same upstream
 *       supplier. <b>Target: each guarded miss at most 2 times {@code resilience4jChain}.</b>
 *   <li>Hit path: {@link #guardedHit} (per-tenant cache, the default) and {@link
 *       #guardedHitSharedAcrossTenants} against {@link #caffeineGetIfPresent}, a bare Caffeine
 *       {@code getIfPresent} on the same {@code Long} key type. <b>Target: the hit at most 1.5
 *       times {@code caffeineGetIfPresent}.</b>
 *   <li>Attribution only (no target): {@link #guardedLayersOnly} is the guarded call with just the
 *       layers of the Resilience4j chain; {@link #caffeineWithTtlGetIfPresent} is Caffeine with
 *       expire-after-write on a ticker from the system clock; {@link #guardedHitUnmetered} is a hit
 *       that counts nothing and {@link #longAdderIncrement} what the meter's count of a hit costs.
 * </ul>
 *
 * <p>The rate limits allow 100 million calls a second (never refused at one thread) and the budget
 * is 10^9 USD against a cost of one micro-dollar a call, so nothing is refused during a run.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar
 * 'dev.guardrails.benchmarks.cost.GuardedCallBenchmark'}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class GuardedCallBenchmark {

  private static final Currency USD = Currency.getInstance("USD");
  private static final int PERMITS = 100_000_000;
  private static final Long HIT_KEY = 42L;

  private final Actor actor = Actor.person("user-42", "tenant-7", "clerk");

  private final GuardedCall<Long, String> noCache = guarded(false, false);
  private final GuardedCall<Long, String> layersOnly =
      GuardedCall.<Long, String>builder("bench.layers", GuardedCallBenchmark::upstream)
          .rateLimit(PERMITS, Duration.ofSeconds(1))
          .retry(RetryPolicy.defaults())
          .build();
  private final GuardedCall<Long, String> budgetOnly = layered(true, false);
  private final GuardedCall<Long, String> meterOnly = layered(false, true);
  private final GuardedCall<Long, String> cached = guarded(true, false);
  private final GuardedCall<Long, String> cachedShared = guarded(true, true);
  private final GuardedCall<Long, String> cachedUnmetered =
      GuardedCall.<Long, String>builder("bench.unmetered", GuardedCallBenchmark::upstream)
          .cache(Function.identity(), 10_000, Duration.ofHours(1))
          .cacheSharedAcrossTenants()
          .build();
  private final LongAdder hitCount = new LongAdder();
  private final Cache<Long, String> caffeine = Caffeine.newBuilder().maximumSize(10_000).build();
  private final Cache<Long, String> caffeineTtl = caffeineWithSystemClockTtl();
  private final Supplier<String> chain = resilience4j();
  private final Clock systemClock = Clock.systemUTC();
  private long nextKey;

  /**
   * Quiets Logback (Resilience4j logs every call at DEBUG, which Logback's default configuration
   * prints), fills the hit key in the caches and starts the miss keys above it.
   */
  @Setup(Level.Trial)
  public void setUp() {
    QuietLogging.rootAtWarn();
    cached.call(actor, HIT_KEY);
    cachedShared.call(actor, HIT_KEY);
    cachedUnmetered.call(actor, HIT_KEY);
    caffeine.put(HIT_KEY, upstream(HIT_KEY));
    caffeineTtl.put(HIT_KEY, upstream(HIT_KEY));
    nextKey = 1_000_000L;
  }

  private static Supplier<String> resilience4j() {
    RateLimiter limiter =
        RateLimiter.of(
            "baseline",
            RateLimiterConfig.custom()
                .limitForPeriod(PERMITS)
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ZERO)
                .build());
    CircuitBreaker breaker =
        CircuitBreaker.of(
            "baseline",
            CircuitBreakerConfig.custom()
                .slidingWindowSize(20)
                .minimumNumberOfCalls(10)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(30))
                .permittedNumberOfCallsInHalfOpenState(2)
                .build());
    Retry retry = Retry.of("baseline", RetryConfig.custom().maxAttempts(3).build());
    Supplier<String> call = () -> upstream(HIT_KEY);
    return Decorators.ofSupplier(call)
        .withRateLimiter(limiter)
        .withCircuitBreaker(breaker)
        .withRetry(retry)
        .decorate();
  }

  /**
   * Miss path without a cache: every layer but the cache.
   *
   * @return the response
   */
  @Benchmark
  public String guardedMissNoCache() {
    return noCache.call(actor, nextKey++);
  }

  /**
   * Miss path with a cache and a new key every call.
   *
   * @return the response
   */
  @Benchmark
  public String guardedMissDistinctKeys() {
    return cached.call(actor, nextKey++);
  }

  /**
   * Attribution of the miss path: the guarded call with only the layers the Resilience4j chain has
   * (rate limiter, breaker, retry), no budget, meter or cache.
   *
   * @return the response
   */
  @Benchmark
  public String guardedLayersOnly() {
    return layersOnly.call(actor, nextKey++);
  }

  /**
   * Attribution of the miss path: the chain's layers plus the in-memory budget (reserve, settle),
   * without meter or cache.
   *
   * @return the response
   */
  @Benchmark
  public String guardedLayersAndBudget() {
    return budgetOnly.call(actor, nextKey++);
  }

  /**
   * Attribution of the miss path: the chain's layers plus the meter, without budget or cache.
   *
   * @return the response
   */
  @Benchmark
  public String guardedLayersAndMeter() {
    return meterOnly.call(actor, nextKey++);
  }

  /**
   * Attribution of the hit path: one read of the system clock in milliseconds, the least a cache
   * entry with a time to live needs to know it is still fresh (by {@code Clock.systemUTC()}).
   *
   * @return the time
   */
  @Benchmark
  public long systemClockMillis() {
    return systemClock.millis();
  }

  /**
   * Attribution of the hit path: one {@code System.nanoTime()}, Caffeine's default ticker.
   *
   * @return the time
   */
  @Benchmark
  public long systemNanoTime() {
    return System.nanoTime();
  }

  /**
   * Baseline of the miss path: rate limiter, breaker and retry of Resilience4j.
   *
   * @return the response
   */
  @Benchmark
  public String resilience4jChain() {
    return chain.get();
  }

  /**
   * Hit path, per-tenant cache (the default).
   *
   * @return the cached response
   */
  @Benchmark
  public String guardedHit() {
    return cached.call(actor, HIT_KEY);
  }

  /**
   * Hit path, cache shared across tenants (no per-tenant key wrapper).
   *
   * @return the cached response
   */
  @Benchmark
  public String guardedHitSharedAcrossTenants() {
    return cachedShared.call(actor, HIT_KEY);
  }

  /**
   * Attribution of the hit path: a hit of a cache shared across tenants with no meter and no
   * budget, so nothing is counted.
   *
   * @return the cached response
   */
  @Benchmark
  public String guardedHitUnmetered() {
    return cachedUnmetered.call(actor, HIT_KEY);
  }

  /**
   * Attribution of the hit path: one {@link LongAdder} increment, what the meter's exact count of
   * hits across threads costs on each hit.
   */
  @Benchmark
  public void longAdderIncrement() {
    hitCount.increment();
  }

  /**
   * Baseline of the hit path: a bare Caffeine lookup of the same key type.
   *
   * @return the cached response
   */
  @Benchmark
  public String caffeineGetIfPresent() {
    String value = caffeine.getIfPresent(HIT_KEY);
    if (value == null) {
      throw new IllegalStateException("the hit key must be cached");
    }
    return value;
  }

  /**
   * Attribution of the hit path: a Caffeine lookup with expire-after-write whose ticker reads the
   * system clock, as a Caffeine cache with a time to live reads it on every lookup.
   *
   * @return the cached response
   */
  @Benchmark
  public String caffeineWithTtlGetIfPresent() {
    String value = caffeineTtl.getIfPresent(HIT_KEY);
    if (value == null) {
      throw new IllegalStateException("the hit key must be cached");
    }
    return value;
  }

  /**
   * Attribution of the cached miss: the insert of a new key into Caffeine with a time to live
   * (10,000 entries, so every insert also evicts one), the floor under {@link
   * #guardedMissDistinctKeys} that no guardrail code adds to.
   *
   * @return the key inserted
   */
  @Benchmark
  public long caffeineWithTtlPutDistinctKeys() {
    long key = nextKey++;
    caffeineTtl.put(key, "odd");
    return key;
  }

  private static Cache<Long, String> caffeineWithSystemClockTtl() {
    Clock clock = Clock.systemUTC();
    return Caffeine.newBuilder()
        .maximumSize(10_000)
        .expireAfterWrite(Duration.ofHours(1))
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
        .executor(Runnable::run)
        .build();
  }

  private static GuardedCall<Long, String> layered(boolean withBudget, boolean withMeter) {
    Clock clock = Clock.systemUTC();
    GuardedCall.Builder<Long, String> builder =
        GuardedCall.<Long, String>builder("bench.attribution", GuardedCallBenchmark::upstream)
            .clock(clock)
            .rateLimit(PERMITS, Duration.ofSeconds(1))
            .retry(RetryPolicy.defaults());
    CostModel<Long, String> model = CostModel.flat(Money.ofMicros(1, USD));
    if (withBudget) {
      builder.budgets(
          BudgetGuard.builder(InMemoryBudgetStore.create())
              .budget(
                  Budget.builder("per-actor-monthly")
                      .scope(BudgetScope.ACTOR)
                      .limit(Money.of("1000000000", USD))
                      .period(BudgetPeriod.month(ZoneOffset.UTC))
                      .build())
              .clock(clock)
              .build(),
          model);
    } else {
      builder.costModel(model);
    }
    if (withMeter) {
      builder.meter(CostMeter.create(USD, clock, ZoneOffset.UTC));
    }
    return builder.build();
  }

  private static GuardedCall<Long, String> guarded(boolean cache, boolean shared) {
    Clock clock = Clock.systemUTC();
    BudgetGuard budgets =
        BudgetGuard.builder(InMemoryBudgetStore.create())
            .budget(
                Budget.builder("per-actor-monthly")
                    .scope(BudgetScope.ACTOR)
                    .limit(Money.of("1000000000", USD))
                    .period(BudgetPeriod.month(ZoneOffset.UTC))
                    .build())
            .clock(clock)
            .build();
    GuardedCall.Builder<Long, String> builder =
        GuardedCall.<Long, String>builder("bench.upstream", GuardedCallBenchmark::upstream)
            .clock(clock)
            .budgets(budgets, CostModel.flat(Money.ofMicros(1, USD)))
            .meter(CostMeter.create(USD, clock, ZoneOffset.UTC))
            .rateLimit(PERMITS, Duration.ofSeconds(1))
            .retry(RetryPolicy.defaults());
    if (cache) {
      builder.cache(Function.identity(), 10_000, Duration.ofHours(1));
      if (shared) {
        builder.cacheSharedAcrossTenants();
      }
    }
    return builder.build();
  }

  /** The upstream: cheap and allocation-free, so the guardrails' own cost is what is measured. */
  private static String upstream(Long request) {
    return (request & 1) == 0 ? "even" : "odd";
  }
}
