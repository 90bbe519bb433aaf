/**
 * The shared vocabulary of Guardrails: who acts ({@link dev.guardrails.core.Actor}), in which
 * request ({@link dev.guardrails.core.GuardContext}), what went wrong (the {@link
 * dev.guardrails.core.GuardrailException} family), what happened ({@link
 * dev.guardrails.core.GuardrailEvent} and its sinks), exact {@link dev.guardrails.core.Money}, the
 * {@link dev.guardrails.core.Environment} the application runs in and the classification of API
 * keys ({@link dev.guardrails.core.ApiKeys}).
 *
 * <p>Every type in this package is non-null by default: a parameter or return value that may be
 * null is annotated {@code @Nullable}, and a null argument anywhere else fails at once with a
 * {@link java.lang.NullPointerException} naming it.
 */
@NullMarked
package dev.guardrails.core;

import org.jspecify.annotations.NullMarked;
