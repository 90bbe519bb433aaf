/**
 * Benchmarks of guardrails-errors: the error boundary's success and failure paths and the strict
 * JSON reader, each side by side with the code it replaces.
 */
@NullMarked
package dev.guardrails.benchmarks.errors;

import org.jspecify.annotations.NullMarked;
