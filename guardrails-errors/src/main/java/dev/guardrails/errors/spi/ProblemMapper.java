package dev.guardrails.errors.spi;

import dev.guardrails.errors.ProblemTemplate;

/**
 * Turns one exception type into the template of a problem; registered with {@link
 * dev.guardrails.errors.ProblemMappings.Builder#map(Class, ProblemMapper)}.
 *
 * <p>A mapper must not copy an exception's message into the detail unless that message is written
 * for end users: the boundary still drops any detail that looks internal, but it cannot know every
 * secret. Implementations must be thread-safe and should not throw; a mapper that throws is logged
 * and the failure is treated as a bug.
 *
 * @param <E> the exception type
 */
@FunctionalInterface
public interface ProblemMapper<E extends Throwable> {

  /**
   * Returns the template of the problem for the failure.
   *
   * @param failure the exception, of the mapped type or a subtype
   * @return the template
   */
  ProblemTemplate map(E failure);
}
