package dev.guardrails.benchmarks.errors;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.guardrails.errors.json.StrictJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link StrictJson} reading valid input, side by side with Jackson: the same record type from the
 * same UTF-8 bytes (a 9-item order, about 0.9 KB).
 *
 * <ul>
 *   <li>{@link #strictJson()}: {@code StrictJson.defaults().read(bytes, Order.class)} (UTF-8 check,
 *       limits, duplicate detection, no coercion, cached reader);
 *   <li>{@link #defaultMapper()}: a cached {@code ObjectReader} of a default {@code ObjectMapper};
 *   <li>{@link #duplicateDetectionMapper()}: a cached reader of a default mapper with only {@code
 *       STRICT_DUPLICATE_DETECTION} enabled, which the module's author measured as the main cost.
 * </ul>
 *
 * <p>Target: the strict reader at least 0.9 of the default mapper's throughput.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar
 * 'dev.guardrails.benchmarks.errors.StrictJsonBenchmark'}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class StrictJsonBenchmark {

  /** A line of an order. */
  public record Item(String sku, int quantity, long unitPriceMicros) {}

  /** An order as a web form would post it. */
  public record Order(
      String id,
      String customerEmail,
      String currency,
      List<Item> items,
      boolean gift,
      String note) {}

  private final StrictJson strict = StrictJson.defaults();
  private final ObjectReader plain = new ObjectMapper().readerFor(Order.class);
  private final ObjectReader duplicates =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build()
          .readerFor(Order.class);
  private byte[] document = new byte[0];

  /** Builds the document and checks that all three readers accept it and agree. */
  @Setup(Level.Trial)
  public void document() throws IOException {
    StringBuilder json =
        new StringBuilder(
            "{\"id\":\"ord-2026-000042\",\"customerEmail\":\"ana.silva@example.com\","
                + "\"currency\":\"EUR\",\"items\":[");
    for (int i = 0; i < 9; i++) {
      if (i > 0) {
        json.append(',');
      }
      json.append("{\"sku\":\"SKU-")
          .append(1000 + i)
          .append("\",\"quantity\":")
          .append(i + 1)
          .append(",\"unitPriceMicros\":")
          .append(1_990_000L * (i + 1))
          .append('}');
    }
    json.append("],\"gift\":true,\"note\":\"Please leave the parcel with the neighbour at no. 12,")
        .append(" ring twice; café opens at 8.\"}");
    document = json.toString().getBytes(StandardCharsets.UTF_8);
    Order a = strict.read(document, Order.class);
    Order b = plain.readValue(document);
    Order c = duplicates.readValue(document);
    if (!a.equals(b) || !b.equals(c) || a.items().size() != 9) {
      throw new IllegalStateException("the readers disagree on the document: " + a + " vs " + b);
    }
  }

  /**
   * The guardrail.
   *
   * @return the order
   */
  @Benchmark
  public Order strictJson() {
    return strict.read(document, Order.class);
  }

  /**
   * Baseline: a default mapper.
   *
   * @return the order
   * @throws IOException never, the document is valid
   */
  @Benchmark
  public Order defaultMapper() throws IOException {
    return plain.readValue(document);
  }

  /**
   * Reference: a default mapper with duplicate detection only.
   *
   * @return the order
   * @throws IOException never, the document is valid
   */
  @Benchmark
  public Order duplicateDetectionMapper() throws IOException {
    return duplicates.readValue(document);
  }
}
