/**
 * Finds swallowed exceptions in Java sources: {@link
 * dev.guardrails.errors.scan.SwallowedExceptionScanner}, for tests and builds.
 *
 * <p>All types are non-null by default; {@code @Nullable} marks the exceptions.
 */
@NullMarked
package dev.guardrails.errors.scan;

import org.jspecify.annotations.NullMarked;
