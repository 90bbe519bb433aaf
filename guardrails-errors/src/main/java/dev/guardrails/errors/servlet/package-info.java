/**
 * The error boundary for Jakarta Servlet 6 containers: {@link
 * dev.guardrails.errors.servlet.ProblemFilter} turns any failure of the chain into an {@code
 * application/problem+json} response. Needs {@code jakarta.servlet-api} on the class path, which
 * the container provides.
 *
 * <p>All types are non-null by default; {@code @Nullable} marks the exceptions.
 */
@NullMarked
package dev.guardrails.errors.servlet;

import org.jspecify.annotations.NullMarked;
