package dev.guardrails.benchmarks.errors;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * An interleaved A/B run of {@link StrictJsonBenchmark}'s rows on a shared machine: the readers run
 * in turn, in blocks of {@value #BLOCK} reads, so a change of load hits all of them alike and their
 * ratio stays meaningful where JMH's one-row-after-another runs drift.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.guardrails.benchmarks.errors.InterleavedStrictJsonRun [warm-up seconds] [measured seconds]}.
 */
public final class InterleavedStrictJsonRun {

  private static final int BLOCK = 2_000;

  private InterleavedStrictJsonRun() {}

  /**
   * Runs the rows and prints nanoseconds per read and the target's ratio.
   *
   * @param args warm-up and measured seconds (default 8 and 20)
   * @throws Exception if the setup or a row fails
   */
  public static void main(String[] args) throws Exception {
    int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    int measured = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    StrictJsonBenchmark bench = new StrictJsonBenchmark();
    bench.document();
    Map<String, Callable<?>> rows = new LinkedHashMap<>();
    rows.put("defaultMapper", bench::defaultMapper);
    rows.put("duplicateDetectionMapper", bench::duplicateDetectionMapper);
    rows.put("strictJson", bench::strictJson);
    run(rows, warmup);
    Map<String, Double> nanos = run(rows, measured);
    for (Map.Entry<String, Double> e : nanos.entrySet()) {
      System.out.printf(Locale.ROOT, "%-28s %8.0f ns/op%n", e.getKey(), e.getValue());
    }
    System.out.printf(
        Locale.ROOT,
        "strictJson / defaultMapper throughput: %.2f%n",
        get(nanos, "defaultMapper") / get(nanos, "strictJson"));
  }

  private static double get(Map<String, Double> nanos, String row) {
    Double value = nanos.get(row);
    if (value == null) {
      throw new IllegalStateException("no row " + row);
    }
    return value;
  }

  private static Map<String, Double> run(Map<String, Callable<?>> rows, int seconds)
      throws Exception {
    Map<String, long[]> totals = new LinkedHashMap<>();
    for (String name : rows.keySet()) {
      totals.put(name, new long[2]);
    }
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < end) {
      for (Map.Entry<String, Callable<?>> row : rows.entrySet()) {
        Callable<?> call = row.getValue();
        long t0 = System.nanoTime();
        for (int i = 0; i < BLOCK; i++) {
          call.call();
        }
        long[] total = totals.get(row.getKey());
        if (total != null) {
          total[0] += System.nanoTime() - t0;
          total[1] += BLOCK;
        }
      }
    }
    Map<String, Double> out = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : totals.entrySet()) {
      out.put(e.getKey(), (double) e.getValue()[0] / e.getValue()[1]);
    }
    return out;
  }
}
