package dev.guardrails.data;

import dev.guardrails.core.Actor;
import dev.guardrails.core.GuardContext;
import java.time.Instant;
import java.util.concurrent.Callable;

/** Runs test code under a bound GuardContext. */
final class Contexts {

  static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  private Contexts() {}

  static GuardContext of(String actorId, String tenantId) {
    return GuardContext.of(Actor.person(actorId, tenantId), "corr-" + actorId, T0);
  }

  @SuppressWarnings("try")
  static <T> T as(String actorId, String tenantId, Callable<T> work) throws Exception {
    try (GuardContext.Scope scope = of(actorId, tenantId).open()) {
      return work.call();
    }
  }

  @SuppressWarnings("try")
  static void run(String actorId, String tenantId, ThrowingRunnable work) throws Exception {
    try (GuardContext.Scope scope = of(actorId, tenantId).open()) {
      work.run();
    }
  }

  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }
}
