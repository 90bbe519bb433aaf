package dev.guardrails.auth.scan;

import static dev.guardrails.auth.scan.SecretScannerTest.AWS;
import static dev.guardrails.auth.scan.SecretScannerTest.STRIPE_LIVE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Archives and gzip streams that are hostile, broken or not what their name says. */
final class SecretScannerArchiveTest {

  private static final int MIB = 1 << 20;

  @TempDir Path dir;

  private static byte[] gzip(byte[] content) throws IOException {
    ByteArrayOutputStream packed = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(packed)) {
      out.write(content);
    }
    return packed.toByteArray();
  }

  private static byte[] zip(String entry, byte[] content) throws IOException {
    ByteArrayOutputStream packed = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(packed)) {
      zip.putNextEntry(new ZipEntry(entry));
      zip.write(content);
      zip.closeEntry();
    }
    return packed.toByteArray();
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void scan_gzipExpandingPastTheLimit_failsNamingTheFile() throws IOException {
    Files.write(dir.resolve("bomb.js.gz"), gzip(new byte[3 * MIB]));
    SecretScanner capped = SecretScanner.builder().maxDecompressedBytes(MIB).build();

    assertThatThrownBy(() -> capped.scan(dir))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("'bomb.js.gz' decompresses to more than 1048576 bytes");
    assertThat(SecretScanner.builder().maxDecompressedBytes(4L * MIB).build().scan(dir)).isEmpty();
  }

  @Test
  void scan_zipEntriesExpandingPastTheLimitTogether_failEvenWhenSkippedAsMedia()
      throws IOException {
    ByteArrayOutputStream packed = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(packed)) {
      for (String name : new String[] {"a.js", "b.png", "c.js"}) {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(new byte[MIB / 2 + 1]);
        zip.closeEntry();
      }
    }
    Files.write(dir.resolve("bundle.zip"), packed.toByteArray());
    Files.write(dir.resolve("media.zip"), zip("huge.png", new byte[2 * MIB]));
    SecretScanner capped = SecretScanner.builder().maxDecompressedBytes(MIB).build();

    assertThatThrownBy(() -> capped.scan(dir.resolve("bundle.zip")))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("decompresses to more than 1048576 bytes");
    assertThatThrownBy(() -> capped.scan(dir.resolve("media.zip")))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("decompresses to more than 1048576 bytes");
    assertThatThrownBy(() -> SecretScanner.builder().maxDecompressedBytes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max decompressed bytes must be at least 1, but was 0");
  }

  @Test
  void scan_truncatedGzipInADirectory_failsNamingTheFile() throws IOException {
    byte[] whole = gzip(ascii(("x='" + STRIPE_LIVE + "';\n").repeat(200)));
    Files.write(dir.resolve("a.txt"), ascii("clean"));
    Files.write(dir.resolve("main.js.gz"), Arrays.copyOf(whole, whole.length / 2));

    assertThatThrownBy(() -> SecretScanner.withDefaults().scan(dir))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("'main.js.gz' is not a readable gzip stream");
  }

  @Test
  void scan_truncatedZipEntry_failsNamingTheEntry() throws IOException {
    byte[] whole = zip("config/app.properties", ascii(("key=" + AWS + "\n").repeat(500)));
    Files.write(dir.resolve("app.jar"), Arrays.copyOf(whole, whole.length / 2));

    assertThatThrownBy(() -> SecretScanner.withDefaults().scan(dir))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("'app.jar!/config/app.properties' cannot be read");
  }

  @Test
  void scan_storedEntryWithADataDescriptor_failsNamingTheArchive() throws IOException {
    byte[] archive = zip("app.properties", ascii("key=" + AWS));
    // ZipOutputStream streams deflated entries with a data descriptor (flag bit 3); marking the
    // entry as stored gives the layout ZipInputStream cannot read
    archive[8] = 0;
    archive[9] = 0;
    Files.write(dir.resolve("odd.zip"), archive);

    assertThatThrownBy(() -> SecretScanner.withDefaults().scan(dir))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("zip archive 'odd.zip' cannot be read at its start")
        .hasMessageContaining("data descriptor");
  }

  @Test
  void scan_fileNamedLikeAnArchiveThatIsNot_scannedAsItIs() throws IOException {
    Files.write(dir.resolve("notes.zip"), ascii("token=" + STRIPE_LIVE));

    assertThat(SecretScanner.withDefaults().scan(dir))
        .extracting(Finding::file, Finding::ruleId)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("notes.zip", "stripe-secret-key"));
  }

  @Test
  void scan_emptyAndShorterThanAMagicNumber_scannedWithoutFailing() throws IOException {
    Files.write(dir.resolve("empty.gz"), new byte[0]);
    Files.write(dir.resolve("empty.jar"), new byte[0]);
    Files.write(dir.resolve("one"), new byte[] {0x1f});
    Files.write(dir.resolve("three"), new byte[] {'P', 'K', 3});

    assertThat(SecretScanner.withDefaults().scan(dir)).isEmpty();
  }

  @Test
  void scan_gzipMagicWithoutAStream_failsNamingTheFile() throws IOException {
    Files.write(dir.resolve("two"), new byte[] {0x1f, (byte) 0x8b});

    assertThatThrownBy(() -> SecretScanner.withDefaults().scan(dir))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("'two' is not a readable gzip stream");
  }

  @Test
  void scan_streamApi_doesNotOpenArchives() throws IOException {
    byte[] packed = gzip(ascii("k='" + STRIPE_LIVE + "'"));

    assertThat(
            SecretScanner.withDefaults()
                .scan("bundle.js.gz", new java.io.ByteArrayInputStream(packed)))
        .isEmpty();
  }

  @Test
  void main_fileExpandingPastTheLimit_errorNamesItAndTheOption() throws IOException {
    Path bomb = dir.resolve("bomb.gz");
    Files.write(bomb, gzip(new byte[2 * MIB]));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);

    int capped =
        SecretScannerMain.run(
            new String[] {"--max-decompressed-bytes", "1000", bomb.toString()},
            outStream,
            errStream);
    int raised =
        SecretScannerMain.run(
            new String[] {"--max-decompressed-bytes", String.valueOf(4 * MIB), bomb.toString()},
            outStream,
            errStream);
    int notANumber =
        SecretScannerMain.run(
            new String[] {"--max-decompressed-bytes", "lots", bomb.toString()},
            outStream,
            errStream);

    assertThat(capped).isEqualTo(SecretScannerMain.ERROR);
    assertThat(raised).isEqualTo(SecretScannerMain.CLEAN);
    assertThat(notANumber).isEqualTo(SecretScannerMain.ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("decompresses to more than 1000 bytes")
        .contains("must be a whole number, but was 'lots'");
  }
}
