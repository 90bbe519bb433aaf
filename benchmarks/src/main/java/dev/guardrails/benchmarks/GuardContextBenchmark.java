package dev.guardrails.benchmarks;

import dev.guardrails.core.Actor;
import dev.guardrails.core.GuardContext;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.MDC;

/**
 * Opening and closing a {@link GuardContext} scope, side by side with the hand-written baseline it
 * replaces: a thread-local set plus the three MDC puts, then the removes.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar GuardContextBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class GuardContextBenchmark {

  private static final ThreadLocal<GuardContext> HAND_WRITTEN = new ThreadLocal<>();

  private final GuardContext context =
      GuardContext.of(
          Actor.person("user-42", "tenant-7", "clerk"),
          "0123456789abcdef0123456789abcdef",
          Instant.parse("2026-11-22T00:00:00Z"));

  /**
   * The guardrail: bind, write the MDC, restore both.
   *
   * @return the context read back inside the scope
   */
  @Benchmark
  public GuardContext openAndClose() {
    try (GuardContext.Scope scope = context.open()) {
      return GuardContext.current();
    }
  }

  /**
   * The baseline: what a prototype writes by hand, without restoring an outer context.
   *
   * @return the context read back while bound
   */
  @Benchmark
  public GuardContext handWrittenThreadLocalAndMdc() {
    HAND_WRITTEN.set(context);
    MDC.put("correlation_id", context.correlationId());
    MDC.put("actor_id", context.actor().id());
    MDC.put("tenant_id", context.actor().tenantId());
    try {
      return HAND_WRITTEN.get();
    } finally {
      MDC.remove("correlation_id");
      MDC.remove("actor_id");
      MDC.remove("tenant_id");
      HAND_WRITTEN.remove();
    }
  }
}
