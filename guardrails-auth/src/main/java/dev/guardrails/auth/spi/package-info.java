/**
 * Extension points of guardrails-auth that an application implements: where secrets come from
 * ({@link dev.guardrails.auth.spi.SecretSource}) and which sessions are revoked ({@link
 * dev.guardrails.auth.spi.RevocationCheck}).
 *
 * <p>All types are non-null by default; {@code @Nullable} marks the exceptions.
 */
@NullMarked
package dev.guardrails.auth.spi;

import org.jspecify.annotations.NullMarked;
