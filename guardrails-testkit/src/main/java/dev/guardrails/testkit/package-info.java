/**
 * jqwik arbitraries and JUnit assertions that consumers run in their own suites to check the
 * guardrails hold.
 *
 * <p>All types are non-null by default; {@code @Nullable} marks the exceptions.
 */
@NullMarked
package dev.guardrails.testkit;

import org.jspecify.annotations.NullMarked;
