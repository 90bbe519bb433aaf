/** JMH benchmarks, each guardrail side by side with the raw library or peer it competes with. */
@NullMarked
package dev.guardrails.benchmarks;

import org.jspecify.annotations.NullMarked;
