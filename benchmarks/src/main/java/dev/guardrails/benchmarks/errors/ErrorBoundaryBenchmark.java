package dev.guardrails.benchmarks.errors;

import dev.guardrails.errors.ErrorBoundary;
import dev.guardrails.errors.ProblemException;
import dev.guardrails.errors.alerts.AlertPipeline;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ErrorBoundary} side by side with what it replaces.
 *
 * <p>Success path (average time, ns/op): {@link #directCall()} calls a small method directly,
 * {@link #boundaryCall()} calls the same method through {@code boundary.call(...)}. Target: the
 * boundary adds at most 5 ns.
 *
 * <p>Failure path (throughput, ops/s): {@link #boundaryFailure()} runs work that throws a
 * pre-allocated {@link IllegalStateException} (a bug) through the boundary: classify, incident id
 * from the default {@code SecureRandom}, log once at ERROR with the cause to a Logback {@code
 * NOPAppender} (the event and its throwable proxy are built and appended), build the RFC 9457
 * problem, and raise the alert into an {@link AlertPipeline} with a no-op sink, where every
 * occurrence after the first is folded by deduplication. {@link #boundaryFailureFreshException()}
 * does the same with a new exception per call (so it includes {@code fillInStackTrace}). {@link
 * #handWrittenCatchAndLog()} is the prototype's version: catch, {@code logger.error(msg, e)} to the
 * same kind of no-op appender, return a fixed message. Target: the boundary's failure path at least
 * 200,000 ops/s. No {@code GuardContext} is bound (the correlation id is looked up in the MDC and
 * is absent).
 *
 * <p>The failure path runs a lot of code once per call: it needs the five warm-up iterations (with
 * one, the first measured iterations are several times slower).
 *
 * <p>Logging is configured programmatically in the trial setup: the root logger OFF, the boundary's
 * and the hand-written logger at INFO with a NOPAppender each.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar
 * 'dev.guardrails.benchmarks.errors.ErrorBoundaryBenchmark'}.
 */
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ErrorBoundaryBenchmark {

  private static final String HAND_WRITTEN_LOGGER = "dev.guardrails.benchmarks.errors.HandWritten";

  /** A small result object, so neither side boxes. */
  public record Item(String sku, long priceMicros) {}

  private final Item[] items = {
    new Item("A-1", 1_000_000L),
    new Item("B-2", 2_500_000L),
    new Item("C-3", 990_000L),
    new Item("D-4", 12_000_000L)
  };

  private final AlertPipeline alerts = AlertPipeline.builder().sink(alert -> {}).build();
  private final ErrorBoundary boundary = ErrorBoundary.builder().alerts(alerts).build();
  private final Logger handWritten = LoggerFactory.getLogger(HAND_WRITTEN_LOGGER);
  private final IllegalStateException failure =
      new IllegalStateException("invoice total overflowed for order 42");
  private int index;

  /** Routes the boundary's logger and the hand-written one to no-op appenders. */
  @Setup(Level.Trial)
  public void silenceLogging() {
    NopLogging.routeToNop(ErrorBoundary.class.getName(), HAND_WRITTEN_LOGGER);
    if (!LoggerFactory.getLogger(ErrorBoundary.class).isErrorEnabled()
        || !handWritten.isErrorEnabled()) {
      throw new IllegalStateException("both failure paths must build and append their log event");
    }
  }

  /** Closes the alert pipeline. */
  @TearDown(Level.Trial)
  public void close() {
    alerts.close();
  }

  private Item lookup(int i) {
    return items[i & 3];
  }

  private Item failing() {
    throw failure;
  }

  private static Item failingFresh() {
    throw new IllegalStateException("invoice total overflowed for order 42");
  }

  /**
   * Baseline of the success path: the small method called directly.
   *
   * @return the item
   */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Item directCall() {
    return lookup(index++);
  }

  /**
   * The guardrail's success path: the same method through the boundary.
   *
   * @return the item
   */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Item boundaryCall() {
    int i = index++;
    return boundary.call(() -> lookup(i));
  }

  /**
   * The guardrail's failure path with a pre-allocated exception.
   *
   * @return the problem's incident id
   */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public Object boundaryFailure() {
    try {
      return boundary.call(this::failing);
    } catch (ProblemException e) {
      return e.problem();
    }
  }

  /**
   * The guardrail's failure path with a new exception per call.
   *
   * @return the problem
   */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public Object boundaryFailureFreshException() {
    try {
      return boundary.call(ErrorBoundaryBenchmark::failingFresh);
    } catch (ProblemException e) {
      return e.problem();
    }
  }

  /**
   * Baseline of the failure path: catch, log with the cause, return a fixed message.
   *
   * @return the item or the fixed message
   */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public Object handWrittenCatchAndLog() {
    try {
      return failing();
    } catch (RuntimeException e) {
      handWritten.error("request failed", e);
      return "Internal Server Error";
    }
  }
}
