/**
 * Benchmarks of guardrails-cost: the guarded call (cache hit and miss) side by side with a
 * Resilience4j decorator chain and a bare Caffeine lookup, and the PostgreSQL budget store side by
 * side with Bucket4j's PostgreSQL backend.
 */
@org.jspecify.annotations.NullMarked
package dev.guardrails.benchmarks.cost;
