/**
 * Implementation details of guardrails-errors; not an API, may change in any release.
 *
 * <p>All types are non-null by default; {@code @Nullable} marks the exceptions.
 */
@NullMarked
package dev.guardrails.errors.internal;

import org.jspecify.annotations.NullMarked;
