/**
 * Strict JSON input for untrusted data: {@link dev.guardrails.errors.json.StrictJson} reads a typed
 * value or throws core's {@link dev.guardrails.core.InvalidInput} listing every bad field.
 *
 * <p>All types are non-null by default; {@code @Nullable} marks the exceptions.
 */
@NullMarked
package dev.guardrails.errors.json;

import org.jspecify.annotations.NullMarked;
