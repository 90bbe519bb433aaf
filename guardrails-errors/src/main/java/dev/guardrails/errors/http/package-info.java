/**
 * The error boundary for the JDK's {@code com.sun.net.httpserver.HttpServer}: {@link
 * dev.guardrails.errors.http.ProblemHttpHandler} turns any failure of a handler into an {@code
 * application/problem+json} response.
 *
 * <p>All types are non-null by default; {@code @Nullable} marks the exceptions.
 */
@NullMarked
package dev.guardrails.errors.http;

import org.jspecify.annotations.NullMarked;
