package dev.guardrails.samples;

import dev.guardrails.core.Actor;
import dev.guardrails.core.EventSink;
import dev.guardrails.core.Money;
import dev.guardrails.cost.Budget;
import dev.guardrails.cost.BudgetGuard;
import dev.guardrails.cost.BudgetPeriod;
import dev.guardrails.cost.BudgetScope;
import dev.guardrails.cost.BudgetStatus;
import dev.guardrails.cost.CostMeter;
import dev.guardrails.cost.GuardedCall;
import dev.guardrails.cost.RetryPolicy;
import dev.guardrails.cost.spi.BudgetStore;
import dev.guardrails.cost.spi.CostModel;
import dev.guardrails.cost.spi.TokenUsage;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The paid summary call with every cost guardrail, in the library's order: a per-firm cache of
 * identical prompts, a reservation in the per-user and per-firm daily budgets (a hard stop before
 * the call, never after the bill), a per-user rate limit, a circuit breaker, retries within a retry
 * budget honouring {@code Retry-After}, then settling the actual token cost and metering it per
 * user, firm, operation and day. The budgets live in PostgreSQL, so several instances of the app
 * share them.
 *
 * <p>Thread-safe.
 */
final class Summaries {

  /** The operation name in budgets, meter and events. */
  static final String OPERATION = "llm.summarize";

  /** The most output tokens a summary may use; the reservation prices this many. */
  static final int MAX_OUTPUT_TOKENS = 300;

  /** How long the breaker stays open before it lets a trial call through. */
  static final Duration BREAKER_OPEN = Duration.ofSeconds(30);

  static final String USER_BUDGET = "llm-per-user-daily";
  static final String FIRM_BUDGET = "llm-per-firm-daily";

  private final BudgetGuard budgets;
  private final CostMeter meter;
  private final GuardedCall<LlmClient.Prompt, LlmClient.Completion> call;

  Summaries(LlmClient client, BudgetStore store, DeskConfig config, Clock clock, EventSink events) {
    this.budgets =
        BudgetGuard.builder(store)
            .budget(
                Budget.builder(USER_BUDGET)
                    .scope(BudgetScope.ACTOR)
                    .limit(config.userDailyBudget())
                    .period(BudgetPeriod.day(ZoneOffset.UTC))
                    .onlyOperation(OPERATION)
                    .build())
            .budget(
                Budget.builder(FIRM_BUDGET)
                    .scope(BudgetScope.TENANT)
                    .limit(config.tenantDailyBudget())
                    .period(BudgetPeriod.day(ZoneOffset.UTC))
                    .onlyOperation(OPERATION)
                    .build())
            .clock(clock)
            .events(events)
            .build();
    this.meter = CostMeter.create(DeskConfig.USD, clock, ZoneOffset.UTC);
    this.call =
        GuardedCall.builder(OPERATION, client::complete)
            .clock(clock)
            .events(events)
            .cache(LlmClient.Prompt::text, 10_000, Duration.ofHours(12))
            .budgets(
                budgets,
                CostModel.perMillionTokens(
                    Money.of(FakeLlm.INPUT_PRICE_PER_MILLION, DeskConfig.USD),
                    Money.of(FakeLlm.OUTPUT_PRICE_PER_MILLION, DeskConfig.USD),
                    p -> new TokenUsage(p.inputTokens(), p.maxTokens()),
                    c -> new TokenUsage(c.inputTokens(), c.outputTokens())))
            .rateLimitPerActor(20, Duration.ofMinutes(1))
            .circuitBreaker(
                CircuitBreakerConfig.custom()
                    .slidingWindowSize(6)
                    .minimumNumberOfCalls(6)
                    .failureRateThreshold(50)
                    .waitDurationInOpenState(BREAKER_OPEN)
                    .permittedNumberOfCallsInHalfOpenState(1)
                    .build())
            .retry(
                RetryPolicy.builder()
                    .maxAttempts(3)
                    .backoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                    .maxRetryAfter(Duration.ofSeconds(2))
                    .retryBudget(10, 2)
                    .build())
            .meter(meter)
            .build();
  }

  /**
   * Summarizes an invoice for the actor of the bound context.
   *
   * @param prompt the prompt
   * @return the completion, from the cache or the upstream
   */
  LlmClient.Completion summarize(LlmClient.Prompt prompt) {
    return call.call(prompt);
  }

  /** {@return the state of the circuit breaker} */
  CircuitBreaker.State breakerState() {
    return call.circuitState();
  }

  /** {@return the retry tokens left} */
  long retryBudgetAvailable() {
    return call.retryBudgetAvailable();
  }

  /**
   * Releases the reservations of calls that never settled (an instance that died mid-call).
   *
   * @return how many were released
   */
  int expireReservations() {
    return budgets.expireReservations();
  }

  /** {@return the spend meter} */
  CostMeter meter() {
    return meter;
  }

  /**
   * Returns an actor's budget use.
   *
   * @param actor the actor
   * @return the status of each budget that applies
   */
  List<BudgetStatus> budgetStatus(Actor actor) {
    return budgets.status(actor, OPERATION);
  }
}
