/**
 * Benchmarks of guardrails-data on embedded PostgreSQL: audited inserts and scoped reads side by
 * side with plain JDBC on the same HikariCP pool.
 */
@NullMarked
package dev.guardrails.benchmarks.data;

import org.jspecify.annotations.NullMarked;
