/**
 * jqwik arbitraries and JUnit assertions that consumers run in their own suites to check the
 * guardrails hold.
 *
 * <ul>
 *   <li>authorization: {@link dev.guardrails.testkit.GuardrailsArbitraries} and {@link
 *       dev.guardrails.testkit.OwnershipInvariant} (no actor reaches another owner's or tenant's
 *       record without the permission that allows it);
 *   <li>secrets: {@link dev.guardrails.testkit.SecretAssertions#assertNoSecretsIn};
 *   <li>cost: {@link dev.guardrails.testkit.BudgetArbitraries}, {@link
 *       dev.guardrails.testkit.BudgetInvariants} and the fake {@link
 *       dev.guardrails.testkit.TestClock};
 *   <li>data: {@link dev.guardrails.testkit.GuardrailsPostgres}, {@link
 *       dev.guardrails.testkit.AuditCompleteness} (every committed change has exactly one audit
 *       row) and {@link dev.guardrails.testkit.TenantIsolation} (no tenant reaches another's rows
 *       through row-level security, also without a tenant or on a reused connection);
 *   <li>errors and HTTP: {@link dev.guardrails.testkit.MalformedJson}, {@link
 *       dev.guardrails.testkit.ProblemAssertions}.
 * </ul>
 *
 * <p>All types are non-null by default; {@code @Nullable} marks the exceptions.
 */
@NullMarked
package dev.guardrails.testkit;

import org.jspecify.annotations.NullMarked;
