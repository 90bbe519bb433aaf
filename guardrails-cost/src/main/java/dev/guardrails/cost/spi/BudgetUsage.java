package dev.guardrails.cost.spi;

/**
 * A running total as stored: settled spend and reservations in flight, in micro-units.
 *
 * @param spentMicros settled spend in the period
 * @param reservedMicros reserved and not yet settled, released or expired
 */
public record BudgetUsage(long spentMicros, long reservedMicros) {}
