/** Invoice Desk, the sample app that uses every guardrail together. */
@NullMarked
package dev.guardrails.samples;

import org.jspecify.annotations.NullMarked;
