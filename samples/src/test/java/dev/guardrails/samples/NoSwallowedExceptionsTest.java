package dev.guardrails.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.guardrails.errors.scan.SwallowedExceptionScanner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Guardrails holds itself to its own rule: no library module swallows an exception. */
final class NoSwallowedExceptionsTest {

  static Stream<Path> mainSources() {
    Path root = Path.of("").toAbsolutePath().getParent();
    return Stream.of(
            "guardrails-core",
            "guardrails-auth",
            "guardrails-data",
            "guardrails-cost",
            "guardrails-errors",
            "guardrails-testkit",
            "samples")
        .map(module -> root.resolve(module).resolve("src/main/java"));
  }

  @ParameterizedTest
  @MethodSource("mainSources")
  void mainSources_ofEveryModule_swallowNoException(Path sources) {
    assertThat(Files.isDirectory(sources)).as(sources + " exists").isTrue();
    SwallowedExceptionScanner.assertNone(sources);
  }
}
