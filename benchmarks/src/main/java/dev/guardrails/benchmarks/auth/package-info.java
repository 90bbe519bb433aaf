/**
 * JMH benchmarks of guardrails-auth, each side by side with its peer: the {@code Guard} against
 * jCasbin and a hand-written map check, the {@code JwtVerifier} against a bare Nimbus {@code
 * DefaultJWTProcessor}, and the {@code SecretScanner}'s throughput on minified bundles.
 */
@NullMarked
package dev.guardrails.benchmarks.auth;

import org.jspecify.annotations.NullMarked;
