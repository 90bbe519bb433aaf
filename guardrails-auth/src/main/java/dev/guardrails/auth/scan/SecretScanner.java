package dev.guardrails.auth.scan;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.jspecify.annotations.Nullable;

/**
 * Scans build outputs for secrets: directories (walked in name order, symbolic links not followed),
 * jars and other zip archives (nested archives included) and any file, front-end bundles with
 * megabyte-long minified lines included.
 *
 * <p>Content is streamed in chunks that overlap by {@value ScanRule#MAX_MATCH_LENGTH} characters,
 * so memory stays bounded whatever the file or line length, and a key that straddles two chunks is
 * still found once. Bytes are read as ISO-8859-1, so offsets and columns count bytes. Zip archives
 * and gzip content are recognised by their first bytes whatever their name ({@code .apk}, {@code
 * .vsix}, {@code .whl}; pre-compressed {@code .js.gz} bundles, npm {@code .tgz} packages), opened
 * on the fly up to the archive depth, and their offsets count decompressed bytes; what one file
 * decompresses is capped ({@link Builder#maxDecompressedBytes(long)}), and a corrupt or truncated
 * archive fails the scan naming it rather than being skipped. Media files (images, fonts, video)
 * are skipped. UTF-16 text is read as characters: with a byte-order mark (a {@code .env} written by
 * Windows PowerShell), or without one when nine in ten of its first {@value #TEXT_SAMPLE_BYTES}
 * bytes' code units are Latin-1 characters (Java's {@code getBytes(UTF_16LE)}, .NET's {@code
 * Encoding.Unicode}); text without NUL bytes, UTF-8 included, never reads as UTF-16.
 *
 * <p>Secrets are also found where a prototype hid them: base64-encoded ({@code
 * atob("c2tfbGl2ZV8...")}, a Kubernetes secret's {@code data}), reported at the encoded string
 * under the rule that matched its decoded text, and in URLs whose slashes are escaped as in JSON.
 *
 * <p>Usage from a test: {@code assertThat(SecretScanner.withDefaults().scan(Path.of("target")))
 * .isEmpty();}. Immutable and thread-safe.
 */
public final class SecretScanner {

  /** The default size of a scanned chunk, in characters. */
  static final int DEFAULT_CHUNK_SIZE = 1 << 20;

  /** The default cap on the findings of one scan. */
  static final int DEFAULT_MAX_FINDINGS = 100_000;

  /** The default cap on the bytes decompressed from one scanned file, all layers together. */
  static final long DEFAULT_MAX_DECOMPRESSED_BYTES = 2L << 30;

  private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};
  private static final byte[] GZIP_MAGIC = {0x1f, (byte) 0x8b};
  private static final byte[] UTF_16LE_BOM = {(byte) 0xff, (byte) 0xfe};
  private static final byte[] UTF_16BE_BOM = {(byte) 0xfe, (byte) 0xff};
  private static final int MAGIC_LENGTH = 4;

  /** How many first bytes tell UTF-16 without a byte-order mark. */
  private static final int TEXT_SAMPLE_BYTES = 256;

  private static final Set<String> SKIPPED_EXTENSIONS =
      Set.of(
          "png", "jpg", "jpeg", "gif", "webp", "ico", "bmp", "avif", "woff", "woff2", "ttf", "otf",
          "eot", "mp3", "mp4", "webm", "ogg", "wav");

  private final List<ScanRule> rules;
  private final int chunkSize;
  private final int maxArchiveDepth;
  private final long maxDecompressedBytes;
  private final int maxFindings;

  private SecretScanner(
      List<ScanRule> rules,
      int chunkSize,
      int maxArchiveDepth,
      long maxDecompressedBytes,
      int maxFindings) {
    this.rules = List.copyOf(rules);
    this.chunkSize = chunkSize;
    this.maxArchiveDepth = maxArchiveDepth;
    this.maxDecompressedBytes = maxDecompressedBytes;
    this.maxFindings = maxFindings;
  }

  /** {@return a scanner with the {@linkplain ScanRule#defaults() built-in rules}} */
  public static SecretScanner withDefaults() {
    return builder().build();
  }

  /** {@return a builder that starts from the built-in rules} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the rules this scanner applies, in order} */
  public List<ScanRule> rules() {
    return rules;
  }

  /**
   * Scans a file, a directory tree or an archive.
   *
   * @param path the file or directory
   * @return the findings, ordered by file and then by offset
   * @throws NullPointerException if the path is null
   * @throws IllegalArgumentException if the path does not exist
   * @throws UncheckedIOException if a file cannot be read, a zip archive or gzip stream in it is
   *     corrupt or truncated, or a file decompresses to more than {@link
   *     Builder#maxDecompressedBytes(long)}, or the findings exceed {@link
   *     Builder#maxFindings(int)}; the message names the file or entry. Nothing is skipped
   *     silently: the scan fails instead.
   */
  public List<Finding> scan(Path path) {
    Objects.requireNonNull(path, "path");
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalArgumentException("path to scan must exist, but was '" + path + "'");
    }
    List<Finding> findings = new ArrayList<>();
    try {
      if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(path)) {
          files =
              walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                  .sorted(Comparator.comparing(Path::toString))
                  .toList();
        }
        for (Path file : files) {
          scanFile(file, path.relativize(file).toString().replace('\\', '/'), findings);
        }
      } else {
        scanFile(path, path.toString(), findings);
      }
    } catch (ScanFailure e) {
      throw new UncheckedIOException("cannot scan '" + path + "': " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot scan '" + path + "'", e);
    }
    return List.copyOf(findings);
  }

  /**
   * Scans one stream, e.g. a resource or an upload; archives are not opened, UTF-16 text is read as
   * characters (see the class documentation).
   *
   * @param name the name used in findings
   * @param content the content; read to its end, not closed
   * @return the findings, ordered by offset
   * @throws NullPointerException if an argument is null
   * @throws UncheckedIOException if the stream cannot be read, or its findings exceed {@link
   *     Builder#maxFindings(int)}
   */
  public List<Finding> scan(String name, InputStream content) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(content, "content");
    List<Finding> findings = new ArrayList<>();
    try {
      scanText(name, new BufferedInputStream(new NonClosing(content)), findings);
    } catch (ScanFailure e) {
      throw new UncheckedIOException("cannot scan '" + name + "': " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot scan '" + name + "'", e);
    }
    return List.copyOf(findings);
  }

  private void scanFile(Path file, String name, List<Finding> findings) throws IOException {
    if (SKIPPED_EXTENSIONS.contains(extension(name))) {
      return;
    }
    try (InputStream in = Files.newInputStream(file)) {
      scanContent(name, in, 0, new Budget(maxDecompressedBytes), findings);
    }
  }

  /**
   * Scans a file or an archive entry by what it is, told by its first bytes whatever its name: a
   * zip archive is opened entry by entry, gzip (a {@code .js.gz} bundle, an npm {@code .tgz}
   * package) is decompressed and looked at again, anything else (a file named {@code .jar} that
   * holds no zip archive included) is scanned as it is. Each archive or gzip layer counts towards
   * the archive depth, so nesting cannot run away, and every byte they decompress counts against
   * the file's budget, so a decompression bomb cannot keep the scan busy for ever.
   */
  private void scanContent(
      String name, InputStream raw, int depth, Budget budget, List<Finding> findings)
      throws IOException {
    BufferedInputStream in = new BufferedInputStream(new NonClosing(raw));
    in.mark(MAGIC_LENGTH);
    byte[] magic = in.readNBytes(MAGIC_LENGTH);
    in.reset();
    if (depth < maxArchiveDepth && startsWith(magic, ZIP_MAGIC)) {
      scanArchive(name, in, depth + 1, budget, findings);
    } else if (depth < maxArchiveDepth && startsWith(magic, GZIP_MAGIC)) {
      try (InputStream gzip = new Budgeted(new GZIPInputStream(in), budget, name)) {
        scanContent(name, gzip, depth + 1, budget, findings);
      } catch (ScanFailure e) {
        throw e;
      } catch (IOException e) {
        throw new ScanFailure(
            "'" + name + "' is not a readable gzip stream (corrupt or truncated): " + e, e);
      }
    } else {
      scanText(name, in, findings);
    }
  }

  /** Scans text, UTF-16 (told by its first bytes) as characters. */
  private void scanText(String name, BufferedInputStream in, List<Finding> findings)
      throws IOException {
    in.mark(TEXT_SAMPLE_BYTES);
    byte[] head = in.readNBytes(TEXT_SAMPLE_BYTES);
    in.reset();
    if (startsWith(head, UTF_16LE_BOM) || startsWith(head, UTF_16BE_BOM)) {
      in.skipNBytes(UTF_16LE_BOM.length);
      scanStream(name, new Utf16Units(in, head[0] == UTF_16LE_BOM[0]), findings);
    } else if (latin1Utf16(head, true)) {
      scanStream(name, new Utf16Units(in, true), findings);
    } else if (latin1Utf16(head, false)) {
      scanStream(name, new Utf16Units(in, false), findings);
    } else {
      scanStream(name, in, findings);
    }
  }

  /**
   * Whether {@code head} reads as UTF-16 in the given byte order without a byte-order mark: at
   * least four code units, nine in ten of them U+0001 to U+00FF.
   */
  static boolean latin1Utf16(byte[] head, boolean littleEndian) {
    int units = head.length / 2;
    if (units < 4) {
      return false;
    }
    int zeroByte = littleEndian ? 1 : 0;
    int latin1 = 0;
    for (int i = 0; i < units; i++) {
      if (head[2 * i + zeroByte] == 0 && head[2 * i + 1 - zeroByte] != 0) {
        latin1++;
      }
    }
    return latin1 * 10 >= units * 9;
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    return bytes.length >= prefix.length
        && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
  }

  private void scanArchive(
      String name, InputStream in, int depth, Budget budget, List<Finding> findings)
      throws IOException {
    BudgetedZip zip = new BudgetedZip(new NonClosing(in), budget, name);
    String entryName = null;
    while (true) {
      ZipEntry entry;
      try {
        entry = zip.getNextEntry();
      } catch (ScanFailure e) {
        throw e;
      } catch (IOException e) {
        throw new ScanFailure(
            "zip archive '"
                + name
                + "' cannot be read "
                + (entryName == null ? "at its start" : "after '" + entryName + "'")
                + " (corrupt, truncated, or a stored entry with a data descriptor): "
                + e,
            e);
      }
      if (entry == null) {
        return;
      }
      entryName = name + "!/" + entry.getName();
      if (entry.isDirectory() || SKIPPED_EXTENSIONS.contains(extension(entry.getName()))) {
        continue;
      }
      try {
        scanContent(entryName, zip, depth, budget, findings);
      } catch (ScanFailure e) {
        throw e;
      } catch (IOException e) {
        throw new ScanFailure("'" + entryName + "' cannot be read (corrupt or truncated): " + e, e);
      }
    }
  }

  private void scanStream(String name, InputStream in, List<Finding> findings) throws IOException {
    int overlap = ScanRule.MAX_MATCH_LENGTH;
    byte[] bytes = new byte[chunkSize];
    char[] window = new char[overlap + chunkSize];
    int windowLength = 0;
    long windowStart = 0; // absolute offset of window[0]
    long line = 1; // line number at window[0]
    long lineStart = 0; // absolute offset of the start of that line
    long reportedUpTo = 0; // matches starting before this were reported by an earlier window
    boolean eof = false;
    while (!eof) {
      int read = in.readNBytes(bytes, 0, chunkSize);
      eof = read < chunkSize;
      for (int i = 0; i < read; i++) {
        window[windowLength + i] = (char) (bytes[i] & 0xff);
      }
      windowLength += read;
      long windowEnd = windowStart + windowLength;
      long reportBefore = eof ? windowEnd : windowEnd - overlap;
      String text = new String(window, 0, windowLength);
      List<Pending> pending = new ArrayList<>();
      for (ScanRule rule : rules) {
        Matcher matcher =
            rule.pattern().matcher(text).useTransparentBounds(true).useAnchoringBounds(false);
        if (rule.anchors().isEmpty()) {
          while (matcher.find()) {
            consider(rule, matcher, windowStart, reportedUpTo, reportBefore, pending);
          }
          continue;
        }
        Set<Integer> seen = new HashSet<>();
        for (String anchor : rule.anchors()) {
          for (int pos = text.indexOf(anchor); pos >= 0; pos = text.indexOf(anchor, pos + 1)) {
            int regionEnd = Math.min(text.length(), pos + ScanRule.MAX_MATCH_LENGTH);
            if (rule.back() == 0) {
              matcher.region(pos, regionEnd);
              if (matcher.lookingAt() && seen.add(pos)) {
                consider(rule, matcher, windowStart, reportedUpTo, reportBefore, pending);
              }
              continue;
            }
            // The same matches as find() from pos - back, stopping at the first start past pos, but
            // without letting a failed search run on to regionEnd: only the back + 1 candidate
            // starts are tried, and after a match the next one begins at its end, as find() does.
            int start = Math.max(0, pos - rule.back());
            while (start <= pos) {
              matcher.region(start, regionEnd);
              if (!matcher.lookingAt()) {
                start++;
                continue;
              }
              if (matcher.end() > pos && seen.add(matcher.start())) {
                consider(rule, matcher, windowStart, reportedUpTo, reportBefore, pending);
              }
              start = Math.max(matcher.end(), start + 1);
            }
          }
        }
      }
      considerEncoded(text, windowStart, reportedUpTo, reportBefore, pending);
      pending.sort(Comparator.comparingLong(Pending::offset));
      // lines in offset order, counting newlines incrementally through the window
      int cursor = 0;
      long currentLine = line;
      long currentLineStart = lineStart;
      for (Pending match : pending) {
        int target = (int) (match.offset() - windowStart);
        for (; cursor < target; cursor++) {
          if (window[cursor] == '\n') {
            currentLine++;
            currentLineStart = windowStart + cursor + 1;
          }
        }
        findings.add(
            new Finding(
                name,
                currentLine,
                match.offset() - currentLineStart + 1,
                match.offset(),
                match.ruleId(),
                match.masked()));
      }
      if (findings.size() > maxFindings) {
        throw new ScanFailure(
            "more than "
                + maxFindings
                + " findings, the last in '"
                + name
                + "': the scan stopped before they fill the memory (remove the leaked secrets, or"
                + " raise SecretScanner.Builder.maxFindings)");
      }
      reportedUpTo = reportBefore;
      if (eof) {
        break;
      }
      // slide: keep the last `overlap` characters, advancing line bookkeeping over the dropped part
      int drop = windowLength - overlap;
      for (int i = 0; i < drop; i++) {
        if (window[i] == '\n') {
          line++;
          lineStart = windowStart + i + 1;
        }
      }
      System.arraycopy(window, drop, window, 0, overlap);
      windowStart += drop;
      windowLength = overlap;
    }
  }

  private static void consider(
      ScanRule rule,
      Matcher matcher,
      long windowStart,
      long reportedUpTo,
      long reportBefore,
      List<Pending> pending) {
    long start = windowStart + matcher.start();
    if (start >= reportedUpTo && start < reportBefore && rule.accepts(matcher)) {
      pending.add(new Pending(start, rule.id(), Finding.mask(matcher.group())));
    }
  }

  /**
   * Finds secrets hidden in base64: a base64 string that starts as a built-in secret's encoding
   * ({@link ScanRule#ENCODED_SECRET_STARTS}) is decoded, and the first rule that matches in it
   * reports the encoded string, under its own id, at the string's offset.
   */
  private void considerEncoded(
      String text, long windowStart, long reportedUpTo, long reportBefore, List<Pending> pending) {
    for (String start : ScanRule.ENCODED_SECRET_STARTS) {
      for (int pos = text.indexOf(start); pos >= 0; pos = text.indexOf(start, pos + 1)) {
        long offset = windowStart + pos;
        if (offset < reportedUpTo
            || offset >= reportBefore
            || (pos > 0 && isBase64Char(text.charAt(pos - 1)))) {
          continue;
        }
        int end = pos;
        while (end < text.length()
            && end - pos < ScanRule.MAX_MATCH_LENGTH
            && isBase64Char(text.charAt(end))) {
          end++;
        }
        String decoded = decodeBase64(text.substring(pos, end));
        if (decoded == null) {
          continue;
        }
        int padded = end;
        while (padded < text.length() && padded - end < 2 && text.charAt(padded) == '=') {
          padded++;
        }
        String encoded = text.substring(pos, padded);
        for (ScanRule rule : rules) {
          Matcher matcher = rule.pattern().matcher(decoded);
          if (matcher.find() && rule.accepts(matcher)) {
            pending.add(new Pending(offset, rule.id(), Finding.mask(encoded)));
            break;
          }
        }
      }
    }
  }

  private static boolean isBase64Char(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '+'
        || c == '/'
        || c == '-'
        || c == '_';
  }

  /**
   * Decodes standard or URL-safe base64 characters (no padding), or returns null if they mix the
   * two alphabets. A length that leaves one character over drops it; any other length decodes.
   */
  private static @Nullable String decodeBase64(String encoded) {
    String body = encoded.substring(0, encoded.length() - (encoded.length() % 4 == 1 ? 1 : 0));
    boolean standard = body.indexOf('-') < 0 && body.indexOf('_') < 0;
    boolean urlSafe = body.indexOf('+') < 0 && body.indexOf('/') < 0;
    if (!standard && !urlSafe) {
      return null;
    }
    byte[] bytes = (standard ? Base64.getDecoder() : Base64.getUrlDecoder()).decode(body);
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  private record Pending(long offset, String ruleId, String masked) {}

  private static String extension(String name) {
    int slash = name.lastIndexOf('/');
    int dot = name.lastIndexOf('.');
    return dot > slash ? name.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
  }

  /** The bytes one scanned file may still decompress, shared by all its layers. */
  private static final class Budget {
    private final long limit;
    private long used;

    Budget(long limit) {
      this.limit = limit;
    }

    /**
     * Counts what a decompressing read returned against the limit.
     *
     * @param read the read's result: a byte count, or -1 at the end
     * @return {@code read}, unchanged
     */
    int counted(int read, String name) throws ScanFailure {
      if (read > 0) {
        spend(read, name);
      }
      return read;
    }

    void spend(long bytes, String name) throws ScanFailure {
      used += bytes;
      if (used > limit) {
        throw new ScanFailure(
            "'"
                + name
                + "' decompresses to more than "
                + limit
                + " bytes, the limit per scanned file (a decompression bomb, or an archive that"
                + " needs SecretScanner.Builder.maxDecompressedBytes raised); not scanned further");
      }
    }
  }

  /** A decompressing stream whose output is counted against the file's budget. */
  private static final class Budgeted extends FilterInputStream {
    private final Budget budget;
    private final String name;

    Budgeted(InputStream in, Budget budget, String name) {
      super(in);
      this.budget = budget;
      this.name = name;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        budget.spend(1, name);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return budget.counted(super.read(b, off, len), name);
    }
  }

  /**
   * A zip reader whose decompressed output, including the entries it skips past, is counted against
   * the file's budget ({@link ZipInputStream#closeEntry()} and {@code skip} read through {@link
   * #read(byte[], int, int)}).
   */
  private static final class BudgetedZip extends ZipInputStream {
    private final Budget budget;
    private final String name;

    BudgetedZip(InputStream in, Budget budget, String name) {
      super(in);
      this.budget = budget;
      this.name = name;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return budget.counted(super.read(b, off, len), name);
    }
  }

  /** A scan that cannot go on, with a message naming the file or entry. */
  private static final class ScanFailure extends IOException {
    private static final long serialVersionUID = 1L;

    ScanFailure(String message) {
      super(message);
    }

    ScanFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * UTF-16 text (after any byte-order mark) read as one byte per code unit, a unit above U+00FF as
   * NUL: the rules look for ASCII, so they find in it what they find in UTF-8. Offsets and columns
   * in such a file count characters after the mark. A trailing odd byte is dropped.
   */
  private static final class Utf16Units extends InputStream {
    private final InputStream in;
    private final boolean littleEndian;
    private byte[] pairs = new byte[0];

    Utf16Units(InputStream in, boolean littleEndian) {
      this.in = in;
      this.littleEndian = littleEndian;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      if (pairs.length < 2 * len) {
        pairs = new byte[2 * len];
      }
      int units = in.readNBytes(pairs, 0, 2 * len) / 2;
      if (units == 0) {
        return -1;
      }
      for (int i = 0; i < units; i++) {
        int first = pairs[2 * i] & 0xff;
        int second = pairs[2 * i + 1] & 0xff;
        int unit = littleEndian ? second << 8 | first : first << 8 | second;
        b[off + i] = unit <= 0xff ? (byte) unit : 0;
      }
      return units;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /** Keeps a nested archive reader from closing the outer zip stream. */
  private static final class NonClosing extends FilterInputStream {
    NonClosing(InputStream in) {
      super(in);
    }

    @Override
    public void close() {
      // the outer stream is owned by the caller
    }
  }

  /**
   * Builds a {@link SecretScanner}; starts from the built-in rules. Not thread-safe; {@link
   * #build()} copies, so later changes do not affect a built scanner.
   */
  public static final class Builder {
    private final List<ScanRule> rules = new ArrayList<>(ScanRule.defaults());
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    private int maxArchiveDepth = 3;
    private long maxDecompressedBytes = DEFAULT_MAX_DECOMPRESSED_BYTES;
    private int maxFindings = DEFAULT_MAX_FINDINGS;

    private Builder() {}

    /**
     * Adds a rule.
     *
     * @param rule the rule
     * @return this builder
     * @throws NullPointerException if the rule is null
     * @throws IllegalArgumentException if a rule with the same id is already present
     */
    public Builder addRule(ScanRule rule) {
      Objects.requireNonNull(rule, "rule");
      for (ScanRule existing : rules) {
        if (existing.id().equals(rule.id())) {
          throw new IllegalArgumentException(
              "rule ids must be unique, but '" + rule.id() + "' was added twice");
        }
      }
      rules.add(rule);
      return this;
    }

    /**
     * Removes a rule, e.g. one that reports a test fixture on purpose.
     *
     * @param ruleId the id of a present rule
     * @return this builder
     * @throws NullPointerException if the id is null
     * @throws IllegalArgumentException if no rule has that id
     */
    public Builder disableRule(String ruleId) {
      Objects.requireNonNull(ruleId, "ruleId");
      if (!rules.removeIf(rule -> rule.id().equals(ruleId))) {
        throw new IllegalArgumentException("no rule has the id '" + ruleId + "'");
      }
      return this;
    }

    /**
     * Sets how deep archives inside archives are opened (default 3).
     *
     * @param depth at least 1
     * @return this builder
     * @throws IllegalArgumentException if the depth is below 1
     */
    public Builder maxArchiveDepth(int depth) {
      if (depth < 1) {
        throw new IllegalArgumentException(
            "max archive depth must be at least 1, but was " + depth);
      }
      this.maxArchiveDepth = depth;
      return this;
    }

    /**
     * Sets how many bytes one scanned file may decompress, its zip entries and gzip layers
     * together, nested layers counted at each level, entries skipped as media included (default 2
     * GiB). A file that decompresses to more fails the scan with an error naming it, rather than
     * keeping it busy for ever or leaving the rest unscanned.
     *
     * @param bytes at least 1
     * @return this builder
     * @throws IllegalArgumentException if the limit is below 1
     */
    public Builder maxDecompressedBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException(
            "max decompressed bytes must be at least 1, but was " + bytes);
      }
      this.maxDecompressedBytes = bytes;
      return this;
    }

    /**
     * Sets how many findings one scan may collect (default 100,000). A scan that finds more fails
     * with an error naming the file it was in, so a file that is nothing but keys (or a
     * decompression bomb of them) cannot fill the memory with findings.
     *
     * @param max at least 1
     * @return this builder
     * @throws IllegalArgumentException if the limit is below 1
     */
    public Builder maxFindings(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("max findings must be at least 1, but was " + max);
      }
      this.maxFindings = max;
      return this;
    }

    /** Sets the chunk size; small values let tests cross chunk boundaries. */
    Builder chunkSize(int size) {
      if (size < ScanRule.MAX_MATCH_LENGTH) {
        throw new IllegalArgumentException(
            "chunk size must be at least " + ScanRule.MAX_MATCH_LENGTH + ", but was " + size);
      }
      this.chunkSize = size;
      return this;
    }

    /**
     * Builds the scanner.
     *
     * @return the scanner
     * @throws IllegalStateException if no rule is left
     */
    public SecretScanner build() {
      if (rules.isEmpty()) {
        throw new IllegalStateException("a secret scanner needs at least one rule, but has none");
      }
      return new SecretScanner(
          rules, chunkSize, maxArchiveDepth, maxDecompressedBytes, maxFindings);
    }
  }
}
