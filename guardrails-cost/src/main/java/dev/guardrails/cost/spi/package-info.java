/**
 * Extension points of guardrails-cost that a user may implement: budget stores, job lock stores,
 * cost models, failure classification and the waiting between retries.
 *
 * <p>All types are non-null by default; {@code @Nullable} marks the exceptions.
 */
@NullMarked
package dev.guardrails.cost.spi;

import org.jspecify.annotations.NullMarked;
