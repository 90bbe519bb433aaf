package dev.guardrails.errors.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class SwallowedExceptionScannerTest {

  private static String method(String catchBody) {
    return "class A {\n  Object m() {\n    try {\n      work();\n    } catch (IOException | RuntimeException e) {"
        + catchBody
        + "\n    }\n    return value;\n  }\n}\n";
  }

  private static List<Finding> scan(String catchBody) {
    return SwallowedExceptionScanner.scanSource("A.java", method(catchBody));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "'' | EMPTY_CATCH",
        "' // ignore ' | EMPTY_CATCH",
        "' /* nothing to do { } */ ' | EMPTY_CATCH",
        "' log.debug(\"failed\", e); ' | LOGGED_AT_DEBUG_ONLY",
        "' LOGGER.trace(\"x\"); ' | LOGGED_AT_DEBUG_ONLY",
        "' logger.atDebug().log(\"x\"); ' | LOGGED_AT_DEBUG_ONLY",
        "' e.printStackTrace(); ' | PRINTED_ONLY",
        "' e.printStackTrace(System.err); ' | PRINTED_ONLY",
        "' e.printStackTrace( System . out ); ' | PRINTED_ONLY",
        "' LOG.log(Level.FINE, \"failed\", e); ' | LOGGED_AT_DEBUG_ONLY",
        "' logger.log(java.util.logging.Level.FINER, \"failed\", e); ' | LOGGED_AT_DEBUG_ONLY",
        "' log.log(Level.FINEST, \"failed\"); ' | LOGGED_AT_DEBUG_ONLY",
        "' log.atLevel(Level.DEBUG).setCause(e).log(\"failed\"); ' | LOGGED_AT_DEBUG_ONLY",
        "' log.atLevel(org.slf4j.event.Level.TRACE).log(\"failed\"); ' | LOGGED_AT_DEBUG_ONLY",
        "' log.atTrace().log(\"failed\"); ' | LOGGED_AT_DEBUG_ONLY",
        "' logger.fine(\"failed\"); ' | LOGGED_AT_DEBUG_ONLY",
        "' // guardrails:allow-swallow ' | ALLOWED_WITHOUT_REASON",
        "' /* guardrails:allow-swallow: */ ' | ALLOWED_WITHOUT_REASON",
        "' // guardrails:allow-swallow - ' | ALLOWED_WITHOUT_REASON",
        "' System.err.println(e); ' | PRINTED_ONLY",
        "' return true; ' | RETURNS_SUCCESS",
        "' return null; ' | RETURNS_SUCCESS",
        "' log.debug(\"x\", e); return Optional.empty(); ' | RETURNS_SUCCESS",
        "' return \"ok\"; ' | RETURNS_SUCCESS",
        "' return ResponseEntity.ok(body); ' | RETURNS_SUCCESS",
        "' return List.of(); ' | RETURNS_SUCCESS",
        "' return; ' | RETURNS_SUCCESS",
        "' continue; ' | IGNORED"
      })
  void scanSource_swallowingCatch_flagged(String body, Finding.Kind kind) {
    assertThat(scan(body))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.kind()).isEqualTo(kind);
              assertThat(f.line()).isEqualTo(5);
              assertThat(f.file()).isEqualTo("A.java");
              assertThat(f.snippet()).startsWith("} catch (IOException | RuntimeException e)");
            });
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "' throw new UncheckedIOException(e); '",
        "' log.warn(\"failed\", e); '",
        "' LOG.error(\"failed\"); return null; '",
        "' Thread.currentThread().interrupt(); '",
        "' return false; '",
        "' return Result.failure(e); '",
        "' future.completeExceptionally(e); '",
        "' value = fallback(); '",
        "' if (retry) { again(); } '",
        "' // guardrails:allow-swallow the cache is optional '",
        "' /* guardrails:allow-swallow: best effort */ '",
        "' LOG.log(Level.WARNING, \"failed\", e); '",
        "' LOG.log(level, \"failed\", e); '",
        "' log.atLevel(Level.ERROR).setCause(e).log(\"failed\"); '",
        "' log.atInfo().log(\"failed\"); '",
        "' e.printStackTrace(writer); '"
      })
  void scanSource_handlingCatch_notFlagged(String body) {
    assertThat(scan(body)).isEmpty();
  }

  @Test
  void scanSource_catchInsideCommentsAndStrings_ignored() {
    String source =
        "class B {\n"
            + "  // } catch (Exception e) { }\n"
            + "  String s = \"} catch (Exception e) { }\";\n"
            + "  String t = \"\"\"\n    catch (Exception e) { }\n    \"\"\";\n"
            + "  char c = '{';\n"
            + "  void m() { try { x(); } catch (Exception e) { } }\n"
            + "}\n";
    assertThat(SwallowedExceptionScanner.scanSource("B.java", source))
        .singleElement()
        .satisfies(f -> assertThat(f.line()).isEqualTo(8));
  }

  @Test
  void scanSource_textBlockEndingInEscapedBackslash_staysInSync() {
    String source =
        "class T {\n"
            + "  String path = \"\"\"\n    C:\\\\temp\\\\\"\"\";\n"
            + "  void m() { try { x(); } catch (Exception e) { } }\n"
            + "  String escapedQuotes = \"\"\"\n    say \\\"\"\" catch (Exception e) { }\n    \"\"\";\n"
            + "}\n";
    assertThat(SwallowedExceptionScanner.scanSource("T.java", source))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.line()).isEqualTo(4);
              assertThat(f.kind()).isEqualTo(Finding.Kind.EMPTY_CATCH);
            });
  }

  @Test
  void scanSource_manyFindings_eachOnItsLine() {
    int count = 200_000;
    StringBuilder source = new StringBuilder("class Many {\n");
    for (int i = 0; i < count; i++) {
      source.append("  void m").append(i).append("() { try { x(); } catch (Exception e) { } }\n");
    }
    source.append("}\n");
    // a recount of the lines from the start for every finding takes minutes on this source
    List<Finding> findings =
        assertTimeoutPreemptively(
            Duration.ofSeconds(60),
            () -> SwallowedExceptionScanner.scanSource("Many.java", source.toString()));
    assertThat(findings).hasSize(count);
    for (int i = 0; i < count; i++) {
      assertThat(findings.get(i).line()).isEqualTo(i + 2);
    }
  }

  @Test
  void scan_latin1Source_readAndScanned(@TempDir Path dir) throws IOException {
    String source =
        "class Caf\u00e9 {\n  // r\u00e9sum\u00e9 \u00fcber alles\n"
            + "  void m() { try { x(); } catch (Exception e) { } }\n}\n";
    Path file = dir.resolve("Cafe.java");
    Files.write(file, source.getBytes(StandardCharsets.ISO_8859_1));
    assertThat(SwallowedExceptionScanner.scan(dir))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.line()).isEqualTo(3);
              assertThat(f.kind()).isEqualTo(Finding.Kind.EMPTY_CATCH);
            });
  }

  @Test
  void scanSource_allowMarkerOnCatchLine_notFlagged() {
    String source =
        "class C { void m() { try { x(); } catch (Exception e) { // guardrails:allow-swallow best effort\n } } }";
    assertThat(SwallowedExceptionScanner.scanSource("C.java", source)).isEmpty();
  }

  @Test
  void scan_directory_skipsBuildOutputAndAssertNoneListsFindings(@TempDir Path dir)
      throws IOException {
    Files.createDirectories(dir.resolve("src/com/acme"));
    Files.createDirectories(dir.resolve("target/generated"));
    Files.writeString(dir.resolve("src/com/acme/Bad.java"), method(""));
    Files.writeString(dir.resolve("src/com/acme/Good.java"), method("throw e;"));
    Files.writeString(dir.resolve("target/generated/Gen.java"), method(""));
    assertThat(SwallowedExceptionScanner.scan(dir))
        .singleElement()
        .satisfies(f -> assertThat(f.file()).endsWith("Bad.java"));
    assertThatThrownBy(() -> SwallowedExceptionScanner.assertNone(dir))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("1 swallowed exception(s)")
        .hasMessageContaining("Bad.java:5 EMPTY_CATCH");
    assertThatThrownBy(() -> SwallowedExceptionScanner.main(new String[] {dir.toString()}))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void assertNone_thisModulesSources_haveNoSwallowedExceptions() {
    SwallowedExceptionScanner.assertNone(Path.of("src/main/java"));
    SwallowedExceptionScanner.main(new String[] {"src/main/java"});
  }
}
