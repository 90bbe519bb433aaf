/**
 * A bounded cost model for paid API calls: a cache, rate limits, a circuit breaker, retries with a
 * retry budget, timeouts, and budgets with a hard stop, a meter and spend alerts; plus a no-overlap
 * lock for scheduled jobs and a guard against live keys outside production.
 *
 * <pre>{@code
 * BudgetGuard budgets = BudgetGuard.builder(PostgresBudgetStore.create(dataSource))
 *     .budget(Budget.builder("openai-per-user-daily").scope(BudgetScope.ACTOR)
 *         .limit(Money.of("2.00", usd)).period(BudgetPeriod.day(ZoneId.of("Europe/Berlin"))).build())
 *     .budget(Budget.builder("openai-monthly").limit(Money.of("500", usd))
 *         .period(BudgetPeriod.month(ZoneOffset.UTC)).build())
 *     .events(eventSink)
 *     .build();
 * GuardedCall<Prompt, Completion> chat = GuardedCall.builder("openai.chat", client::complete)
 *     .cache(Prompt::text, 10_000, Duration.ofHours(1))
 *     .budgets(budgets, CostModel.perMillionTokens(inPrice, outPrice, Prompt::maxTokens, Completion::usage))
 *     .rateLimitPerActor(30, Duration.ofMinutes(1))
 *     .timeout(Duration.ofSeconds(30), executor)
 *     .meter(meter)
 *     .build();
 * Completion answer = chat.call(actor, prompt);
 * }</pre>
 *
 * <p>Entry points: {@link dev.guardrails.cost.GuardedCall} (the wrapped call and its layer order),
 * {@link dev.guardrails.cost.BudgetGuard} (reserve then settle), {@link
 * dev.guardrails.cost.CostMeter} (what was spent, by whom), {@link dev.guardrails.cost.JobGuard}
 * (no-overlap job runs) and {@link dev.guardrails.cost.ApiKeyGuard}. Stores: {@link
 * dev.guardrails.cost.InMemoryBudgetStore} and {@link dev.guardrails.cost.PostgresBudgetStore};
 * {@link dev.guardrails.cost.InMemoryJobLockStore} and {@link
 * dev.guardrails.cost.PostgresJobLockStore}.
 *
 * <p>All types are non-null by default; {@code @Nullable} marks the exceptions.
 */
@NullMarked
package dev.guardrails.cost;

import org.jspecify.annotations.NullMarked;
