/**
 * Invoice Desk's database migrations that need Java: Flyway finds them next to the SQL ones at
 * {@code classpath:dev/guardrails/samples/db}.
 */
@NullMarked
package dev.guardrails.samples.db;

import org.jspecify.annotations.NullMarked;
