/**
 * The server-side auth boundary.
 *
 * <ul>
 *   <li>Authorization, deny by default: {@link dev.guardrails.auth.Guard} (roles, inheritance,
 *       ownership, tenants, cross-tenant grants) with {@link dev.guardrails.auth.Decision}s, {@link
 *       dev.guardrails.auth.ResourceType}s and {@link dev.guardrails.auth.ListScope}s for list
 *       queries.
 *   <li>Bearer tokens: {@link dev.guardrails.auth.JwtVerifier} on Nimbus JOSE+JWT, hardened by
 *       default, with {@link dev.guardrails.auth.TrustedIssuer}s (fixed keys or remote JWKS) and
 *       machine-readable {@link dev.guardrails.auth.TokenRejection}s; {@link
 *       dev.guardrails.auth.LocalTokenIssuer} for applications that sign their own sessions.
 *   <li>Secrets: {@link dev.guardrails.auth.Secret}, {@link dev.guardrails.auth.SecretSources} and
 *       the startup {@link dev.guardrails.auth.KeyPolicy}; the build-output scanner is in {@code
 *       dev.guardrails.auth.scan}.
 *   <li>Audit: {@link dev.guardrails.auth.TokenRejectedEvent}, {@link
 *       dev.guardrails.auth.AuthEvent} and {@link dev.guardrails.auth.AuthAudit}, next to core's
 *       access decisions.
 * </ul>
 *
 * <p>All types are non-null by default; {@code @Nullable} marks the exceptions.
 */
@NullMarked
package dev.guardrails.auth;

import org.jspecify.annotations.NullMarked;
