package dev.guardrails.auth.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class SecretScannerTest {

  // fake keys, assembled at run time so this source file does not itself look like a leak
  static final String RANDOM = "Q8Zr3LwX0pVt6NcYf2HbKs9DmEa5Ju1GiTo7R4yWc";
  static final String STRIPE_LIVE = "sk_" + "live_" + RANDOM;
  static final String STRIPE_RESTRICTED = "rk_" + "live_" + RANDOM;
  static final String STRIPE_PUBLISHABLE = "pk_" + "live_" + RANDOM;
  static final String OPENAI = "sk-" + "proj-" + RANDOM + RANDOM;
  static final String ANTHROPIC = "sk-" + "ant-api03-" + RANDOM + RANDOM + "AA";
  static final String AWS = "AKIA" + "Q3ZR7LWX0PVT6NCY";
  static final String GITHUB = "ghp_" + RANDOM.substring(0, 36);
  static final String GOOGLE = "AIza" + "Sy" + RANDOM.substring(0, 33);
  static final String SLACK = "xoxb-" + "1234567890-" + RANDOM;
  static final String PRIVATE_KEY = "-----BEGIN " + "RSA PRIVATE KEY-----";
  static final String DATABASE_URL = "postgres://app:" + "Zr3LwX0pVt6" + "@db.internal:5432/app";

  @TempDir Path dir;

  private final SecretScanner scanner = SecretScanner.withDefaults();

  static String jwt(String payloadJson) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString(
            "{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
        + "."
        + b64.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8))
        + "."
        + "dGhpc2lzbm90YXJlYWxzaWduYXR1cmVfYnV0bG9uZ2Vub3VnaA";
  }

  @Test
  void scan_everyProviderRule_findsItsKey() throws IOException {
    Files.writeString(
        dir.resolve(".env"),
        String.join(
            "\n",
            "STRIPE=" + STRIPE_LIVE,
            "STRIPE_RK=" + STRIPE_RESTRICTED,
            "OPENAI=" + OPENAI,
            "ANTHROPIC=" + ANTHROPIC,
            "AWS=" + AWS,
            "GH=" + GITHUB,
            "GOOGLE=" + GOOGLE,
            "SLACK=" + SLACK,
            PRIVATE_KEY,
            "DATABASE_URL=" + DATABASE_URL,
            "SUPABASE_SECRET=sb_" + "secret_" + RANDOM));

    List<Finding> findings = scanner.scan(dir);

    assertThat(findings)
        .extracting(Finding::ruleId)
        .containsExactly(
            "stripe-secret-key",
            "stripe-restricted-key",
            "openai-api-key",
            "anthropic-api-key",
            "aws-access-key-id",
            "github-token",
            "google-api-key",
            "slack-token",
            "private-key",
            "database-url-with-password",
            "supabase-secret-key");
    assertThat(findings)
        .extracting(Finding::line)
        .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
    assertThat(findings.get(0).file()).isEqualTo(".env");
    assertThat(findings.get(0).column()).isEqualTo(8);
    for (Finding finding : findings) {
      assertThat(finding.toString())
          .doesNotContain(RANDOM.substring(0, 12))
          .doesNotContain("Zr3LwX0pVt6");
    }
  }

  @Test
  void scan_publishableKeysAndPlaceholders_ignored() throws IOException {
    Files.writeString(
        dir.resolve("config.js"),
        "const stripe = Stripe('"
            + STRIPE_PUBLISHABLE
            + "');\n"
            + "const db = 'postgres://user:password@localhost/app';\n"
            + "const tmpl = 'postgres://user:${DB_PASSWORD}@db/app';\n"
            + "const anon = '"
            + jwt("{\"iss\":\"supabase\",\"role\":\"anon\",\"exp\":1999999999}")
            + "';\n");

    assertThat(scanner.scan(dir)).isEmpty();
  }

  @Test
  void scan_supabaseServiceRoleJwt_reportedButAnonIgnored() throws IOException {
    String serviceRole =
        jwt(
            "{\"iss\":\"supabase\",\"ref\":\"abcdefgh\",\"role\":\"service_role\",\"exp\":1999999999}");
    String anon =
        jwt("{\"iss\":\"supabase\",\"ref\":\"abcdefgh\",\"role\":\"anon\",\"exp\":1999999999}");
    Files.writeString(
        dir.resolve("bundle.js"),
        "createClient(url,\"" + anon + "\");createClient(url,\"" + serviceRole + "\")");

    List<Finding> findings = scanner.scan(dir);

    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.ruleId()).isEqualTo("supabase-service-role-key");
              assertThat(f.column())
                  .isEqualTo(
                      1 + "createClient(url,\"".length() * 2 + anon.length() + "\");".length());
            });
  }

  @Test
  void scan_minifiedBundleWithOneHugeLine_findsKeyAtItsColumn() throws IOException {
    Path bundle = dir.resolve("static/js/main.3f2a.js");
    Files.createDirectories(bundle.getParent());
    long written = 0;
    try (OutputStream out = Files.newOutputStream(bundle)) {
      byte[] filler = "var a=function(b){return b*2};".getBytes(StandardCharsets.US_ASCII);
      while (written + filler.length <= 3_000_000) {
        out.write(filler);
        written += filler.length;
      }
      out.write(("const k=\"" + STRIPE_LIVE + "\";").getBytes(StandardCharsets.US_ASCII));
      for (int i = 0; i < 10_000; i++) {
        out.write(filler);
      }
    }

    List<Finding> findings = scanner.scan(dir);
    long prefix = written;

    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.file()).isEqualTo("static/js/main.3f2a.js");
              assertThat(f.line()).isEqualTo(1);
              assertThat(f.offset()).isEqualTo(prefix + "const k=\"".length());
              assertThat(f.column()).isEqualTo(f.offset() + 1);
            });
  }

  @Property(tries = 60)
  void scan_keyAcrossChunkBoundaries_foundExactlyOnceAtTheRightPlace(
      @ForAll @IntRange(min = 0, max = 12_000) int position,
      @ForAll @IntRange(min = 0, max = 40) int newlines,
      @ForAll @IntRange(min = 0, max = 3) int which) {
    String[] keys = {
      GITHUB,
      DATABASE_URL,
      STRIPE_LIVE,
      jwt("{\"iss\":\"supabase\",\"role\":\"service_role\",\"exp\":1999999999}")
    };
    String[] rules = {
      "github-token", "database-url-with-password", "stripe-secret-key", "supabase-service-role-key"
    };
    SecretScanner small = SecretScanner.builder().chunkSize(4096).build();
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < newlines; i++) {
      text.append("line ").append(i).append('\n');
    }
    while (text.length() < position) {
      text.append('.');
    }
    int offset = text.length();
    int lineStart = text.lastIndexOf("\n") + 1;
    text.append(' ').append(keys[which]).append(' ');
    text.append(".".repeat(5000));

    List<Finding> findings =
        small.scan(
            "mem.txt",
            new ByteArrayInputStream(text.toString().getBytes(StandardCharsets.ISO_8859_1)));

    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.ruleId()).isEqualTo(rules[which]);
              assertThat(f.offset()).isEqualTo(offset + 1);
              assertThat(f.line()).isEqualTo(newlines + 1);
              assertThat(f.column()).isEqualTo(offset + 1 - lineStart + 1);
            });
  }

  @Test
  void scan_jarWithNestedJar_findsKeysInEntriesAndSkipsMedia() throws IOException {
    ByteArrayOutputStream nested = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(nested)) {
      zip.putNextEntry(new ZipEntry("config/keys.properties"));
      zip.write(("aws=" + AWS + "\n").getBytes(StandardCharsets.US_ASCII));
      zip.closeEntry();
    }
    Path jar = dir.resolve("app.jar");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
      zip.putNextEntry(new ZipEntry("BOOT-INF/classes/application.properties"));
      zip.write(
          ("server.port=8080\nstripe.key=" + STRIPE_LIVE + "\n")
              .getBytes(StandardCharsets.US_ASCII));
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry("BOOT-INF/lib/inner.jar"));
      zip.write(nested.toByteArray());
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry("static/logo.png"));
      zip.write(("fake image " + GITHUB).getBytes(StandardCharsets.US_ASCII));
      zip.closeEntry();
    }

    List<Finding> findings = scanner.scan(jar);

    assertThat(findings)
        .extracting(Finding::file, Finding::line, Finding::ruleId)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                jar + "!/BOOT-INF/classes/application.properties", 2L, "stripe-secret-key"),
            org.assertj.core.groups.Tuple.tuple(
                jar + "!/BOOT-INF/lib/inner.jar!/config/keys.properties", 1L, "aws-access-key-id"));
  }

  @Test
  void scan_gzippedBundle_decompressedOnTheFly() throws IOException {
    try (OutputStream out =
        new java.util.zip.GZIPOutputStream(Files.newOutputStream(dir.resolve("main.js.gz")))) {
      out.write(("x=1;\ny='" + OPENAI + "'").getBytes(StandardCharsets.US_ASCII));
    }

    assertThat(scanner.scan(dir))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.ruleId()).isEqualTo("openai-api-key");
              assertThat(f.line()).isEqualTo(2);
            });
  }

  @Test
  void scan_everyOpenAiKeyFamily_found() {
    String body = RANDOM + RANDOM;
    String text =
        String.join(
            "\n",
            "a=sk-" + "proj-" + body,
            "b=sk-" + "svcacct-" + body,
            "c=sk-" + "admin-" + body,
            "d=sk-" + "None-" + body,
            "e=sk-" + RANDOM.substring(0, 20) + "T3BlbkFJ" + RANDOM.substring(0, 20),
            "ignored=sk-" + "none-" + body);

    List<Finding> findings =
        scanner.scan(
            "openai.env", new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));

    assertThat(findings).extracting(Finding::ruleId).containsOnly("openai-api-key");
    assertThat(findings).extracting(Finding::line).containsExactly(1L, 2L, 3L, 4L, 5L);
  }

  @Test
  void scan_npmTarballAndZipUnderAnyName_recognisedByTheirFirstBytes() throws IOException {
    // an npm package is a gzipped tar: the file content sits uncompressed after its tar header
    byte[] tarHeader = new byte[512];
    byte[] name = "package/dist/index.js".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(name, 0, tarHeader, 0, name.length);
    try (OutputStream out =
        new java.util.zip.GZIPOutputStream(
            Files.newOutputStream(dir.resolve("widget-1.0.0.tgz")))) {
      out.write(tarHeader);
      out.write(("module.exports='" + STRIPE_LIVE + "';").getBytes(StandardCharsets.US_ASCII));
    }
    try (ZipOutputStream zip =
        new ZipOutputStream(Files.newOutputStream(dir.resolve("app-release.apk")))) {
      zip.putNextEntry(new ZipEntry("assets/config.json"));
      zip.write(("{\"key\":\"" + OPENAI + "\"}").getBytes(StandardCharsets.US_ASCII));
      zip.closeEntry();
    }
    try (OutputStream out =
        new java.util.zip.GZIPOutputStream(Files.newOutputStream(dir.resolve("bundle")))) {
      out.write(("const k='" + GITHUB + "'").getBytes(StandardCharsets.US_ASCII));
    }

    assertThat(scanner.scan(dir))
        .extracting(Finding::file, Finding::ruleId)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "app-release.apk!/assets/config.json", "openai-api-key"),
            org.assertj.core.groups.Tuple.tuple("bundle", "github-token"),
            org.assertj.core.groups.Tuple.tuple("widget-1.0.0.tgz", "stripe-secret-key"));
  }

  @Test
  void scan_gzipNestedDeeperThanTheArchiveDepth_stopsUnpackingWithoutFailing() throws IOException {
    byte[] content = ("k='" + STRIPE_LIVE + "'").getBytes(StandardCharsets.US_ASCII);
    for (int layer = 0; layer < 6; layer++) {
      ByteArrayOutputStream packed = new ByteArrayOutputStream();
      try (OutputStream out = new java.util.zip.GZIPOutputStream(packed)) {
        out.write(content);
      }
      content = packed.toByteArray();
    }
    Files.write(dir.resolve("layers.gz"), content);

    assertThat(scanner.scan(dir)).as("six layers, depth 3: still compressed").isEmpty();
    assertThat(SecretScanner.builder().maxArchiveDepth(6).build().scan(dir))
        .extracting(Finding::ruleId)
        .containsExactly("stripe-secret-key");
  }

  @Test
  void scan_databaseUrlsWithoutUserOrWithPasswordAfterOtherParameters_found() throws IOException {
    String password = "Zr3LwX0p" + "Vt6Qx9";
    Files.writeString(
        dir.resolve("application.properties"),
        String.join(
            "\n",
            "redis.url=redis://:" + password + "@cache.internal:6379/0",
            "db.url=jdbc:postgresql://db:5432/app?user=app&password=" + password,
            "legacy.url=jdbc:mysql://db/app?useSSL=true&password=" + password + "&x=1",
            "ignored=jdbc:postgresql://db/app?user=app&password=${DB_PASSWORD}",
            "ignored.too=redis://:password@localhost:6379"));

    List<Finding> findings = scanner.scan(dir);

    assertThat(findings)
        .extracting(Finding::ruleId, Finding::line, Finding::column)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("database-url-with-password", 1L, 11L),
            org.assertj.core.groups.Tuple.tuple("database-url-with-password", 2L, 8L),
            org.assertj.core.groups.Tuple.tuple("database-url-with-password", 3L, 12L));
    assertThat(findings).allSatisfy(f -> assertThat(f.toString()).doesNotContain(password));
  }

  @Test
  void scan_base64EncodedPrivateKeyBlock_foundButBase64CertificateIgnored() throws IOException {
    Base64.Encoder b64 = Base64.getEncoder();
    String key =
        b64.encodeToString(
            (PRIVATE_KEY + "\nMIIEowIBAAKCAQEA" + RANDOM + "\n-----END RSA PRIVATE KEY-----\n")
                .getBytes(StandardCharsets.US_ASCII));
    String certificate =
        b64.encodeToString(
            ("-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIE" + RANDOM + "\n")
                .getBytes(StandardCharsets.US_ASCII));
    // a Kubernetes secret manifest in the build output: its data values are base64
    Files.writeString(
        dir.resolve("secret.yaml"),
        "apiVersion: v1\nkind: Secret\ndata:\n  ca.crt: "
            + certificate
            + "\n  tls.key: "
            + key
            + "\n");

    List<Finding> findings = scanner.scan(dir);

    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.ruleId()).isEqualTo("private-key");
              assertThat(f.line()).isEqualTo(5);
              assertThat(f.column()).isEqualTo(12);
              assertThat(f.toString()).doesNotContain(key.substring(0, 20));
            });
  }

  @Test
  void scan_customRuleAndDisabledRule() throws IOException {
    Files.writeString(dir.resolve("a.txt"), "acme_" + RANDOM + " " + AWS);
    SecretScanner custom =
        SecretScanner.builder()
            .addRule(ScanRule.of("acme-key", "Acme key", "acme_[A-Za-z0-9]{20,60}"))
            .disableRule("aws-access-key-id")
            .build();

    assertThat(custom.scan(dir)).extracting(Finding::ruleId).containsExactly("acme-key");
  }

  @Test
  void builder_misuse_refused() {
    assertThatThrownBy(() -> SecretScanner.builder().disableRule("nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no rule has the id 'nope'");
    assertThatThrownBy(() -> SecretScanner.builder().addRule(ScanRule.defaults().get(0)))
        .hasMessageContaining("added twice");
    assertThatThrownBy(() -> ScanRule.of("Bad Id", "x", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> scanner.scan(dir.resolve("missing")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must exist");
  }

  @Test
  void main_findingsExitOneCleanExitZeroErrorExitTwo() throws IOException {
    Path leaky = Files.createDirectories(dir.resolve("leaky"));
    Path clean = Files.createDirectories(dir.resolve("clean"));
    Files.writeString(leaky.resolve("app.js"), "x='" + STRIPE_LIVE + "'");
    Files.writeString(clean.resolve("app.js"), "x=1");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);

    assertThat(SecretScannerMain.run(new String[] {leaky.toString()}, outStream, errStream))
        .isEqualTo(SecretScannerMain.FOUND);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("app.js:1:4 stripe-secret-key sk_liv****")
        .contains("1 secret found")
        .doesNotContain(RANDOM);
    assertThat(SecretScannerMain.run(new String[] {clean.toString()}, outStream, errStream))
        .isEqualTo(SecretScannerMain.CLEAN);
    assertThat(
            SecretScannerMain.run(
                new String[] {"--disable", "stripe-secret-key", leaky.toString()},
                outStream,
                errStream))
        .isEqualTo(SecretScannerMain.CLEAN);
    assertThat(SecretScannerMain.run(new String[] {}, outStream, errStream))
        .isEqualTo(SecretScannerMain.ERROR);
    assertThat(SecretScannerMain.run(new String[] {"--bogus"}, outStream, errStream))
        .isEqualTo(SecretScannerMain.ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage:");
  }

  @Test
  void scan_urlsWithJsonEscapedSlashes_areFound() throws IOException {
    Files.writeString(
        dir.resolve("config.json"),
        "{\"db\":\""
            + DATABASE_URL.replace("/", "\\/")
            + "\",\n\"hook\":\"https:\\/\\/hooks.slack.com\\/services\\/T0123ABCD\\/B0123ABCD\\/"
            + RANDOM.substring(0, 24)
            + "\",\n\"ok\":\"postgres:\\/\\/user:${DB_PASSWORD}@db\\/app\"}");

    List<Finding> findings = scanner.scan(dir);

    assertThat(findings)
        .extracting(Finding::line, Finding::ruleId)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1L, "database-url-with-password"),
            org.assertj.core.groups.Tuple.tuple(2L, "slack-token"));
  }

  @Test
  void scan_utf16FilesWithAByteOrderMark_areReadAsText() throws IOException {
    String env =
        "# written by PowerShell\r\nSTRIPE=" + STRIPE_LIVE + "\r\nNAME=caf\u00e9 \u20ac\r\n";
    Files.write(
        dir.resolve("be.env"), env.getBytes(StandardCharsets.UTF_16)); // big-endian, with a BOM
    byte[] le = env.getBytes(StandardCharsets.UTF_16LE);
    byte[] withBom = new byte[le.length + 2];
    withBom[0] = (byte) 0xff;
    withBom[1] = (byte) 0xfe;
    System.arraycopy(le, 0, withBom, 2, le.length);
    Files.write(dir.resolve("bom.env"), withBom);

    List<Finding> findings = scanner.scan(dir);

    int column = "STRIPE=".length() + 1;
    long offset = "# written by PowerShell\r\nSTRIPE=".length();
    assertThat(findings)
        .containsExactlyInAnyOrder(
            new Finding(
                "be.env", 2, column, offset, "stripe-secret-key", Finding.mask(STRIPE_LIVE)),
            new Finding(
                "bom.env", 2, column, offset, "stripe-secret-key", Finding.mask(STRIPE_LIVE)));
  }

  @Test
  void scan_utf16WithoutAByteOrderMark_isReadAsTextInEitherByteOrder() throws IOException {
    String env = "# caf\u00e9\nSTRIPE=" + STRIPE_LIVE + "\n";
    Files.write(dir.resolve("le.env"), env.getBytes(StandardCharsets.UTF_16LE));
    Files.write(dir.resolve("be.env"), env.getBytes(StandardCharsets.UTF_16BE));

    List<Finding> findings = scanner.scan(dir);

    long offset = "# caf\u00e9\nSTRIPE=".length();
    int column = "STRIPE=".length() + 1;
    assertThat(findings)
        .containsExactlyInAnyOrder(
            new Finding(
                "be.env", 2, column, offset, "stripe-secret-key", Finding.mask(STRIPE_LIVE)),
            new Finding(
                "le.env", 2, column, offset, "stripe-secret-key", Finding.mask(STRIPE_LIVE)));
    assertThat(
            scanner.scan(
                "stream.env", new ByteArrayInputStream(env.getBytes(StandardCharsets.UTF_16LE))))
        .extracting(Finding::offset)
        .containsExactly(offset);
  }

  @Test
  void scan_textWithSomeNulBytes_isStillReadAsBytes() throws IOException {
    // UTF-8 with non-Latin text, and bytes with a few NULs, are not mistaken for UTF-16
    String utf8 = "// \u65e5\u672c\u8a9e \u20ac\nconst key = \"" + STRIPE_LIVE + "\";\n";
    byte[] withNuls = ("\0\0\0\0KEY=" + STRIPE_LIVE + "\0\n").getBytes(StandardCharsets.ISO_8859_1);

    assertThat(
            scanner.scan("app.js", new ByteArrayInputStream(utf8.getBytes(StandardCharsets.UTF_8))))
        .extracting(Finding::ruleId)
        .containsExactly("stripe-secret-key");
    assertThat(scanner.scan("blob.dat", new ByteArrayInputStream(withNuls)))
        .extracting(Finding::ruleId)
        .containsExactly("stripe-secret-key");
  }

  @Test
  void latin1Utf16_needsFourUnitsAndNineInTenLatin1() {
    assertThat(SecretScanner.latin1Utf16("abc".getBytes(StandardCharsets.UTF_16LE), true))
        .isFalse();
    assertThat(SecretScanner.latin1Utf16("abcd".getBytes(StandardCharsets.UTF_16LE), true))
        .isTrue();
    assertThat(SecretScanner.latin1Utf16("abcd".getBytes(StandardCharsets.UTF_16LE), false))
        .isFalse();
    assertThat(SecretScanner.latin1Utf16("abcd".getBytes(StandardCharsets.UTF_16BE), false))
        .isTrue();
    // 9 of 10 units Latin-1 passes, 8 of 10 does not
    assertThat(
            SecretScanner.latin1Utf16("abcdefghi\u65e5".getBytes(StandardCharsets.UTF_16LE), true))
        .isTrue();
    assertThat(
            SecretScanner.latin1Utf16(
                "abcdefgh\u65e5\u672c".getBytes(StandardCharsets.UTF_16LE), true))
        .isFalse();
    assertThat(SecretScanner.latin1Utf16(new byte[8], true)).isFalse();
  }

  @Test
  void scan_utf16WithAnOddTrailingByte_dropsIt() throws IOException {
    byte[] text = ("KEY=" + STRIPE_LIVE).getBytes(StandardCharsets.UTF_16);
    byte[] odd = java.util.Arrays.copyOf(text, text.length + 1);
    odd[text.length] = 'x';

    assertThat(scanner.scan("odd.txt", new ByteArrayInputStream(odd)))
        .extracting(Finding::ruleId)
        .containsExactly("stripe-secret-key");
  }

  static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void scan_secretsHiddenInBase64_areFoundWhereTheEncodedStringStands() throws IOException {
    String hidden = base64(STRIPE_LIVE);
    String bundle = "function k(){return atob(\"" + hidden + "\")}";
    Files.writeString(dir.resolve("main.js"), bundle);

    List<Finding> findings = scanner.scan(dir);

    assertThat(findings)
        .containsExactly(
            new Finding(
                "main.js",
                1,
                bundle.indexOf(hidden) + 1,
                bundle.indexOf(hidden),
                "stripe-secret-key",
                Finding.mask(hidden)));
    assertThat(findings.get(0).maskedExcerpt()).doesNotContain(hidden.substring(0, 12));
  }

  @Test
  void scan_kubernetesSecretManifest_findsEveryEncodedValue() throws IOException {
    String serviceRole =
        jwt(
            "{\"iss\":\"supabase\",\"ref\":\"abcdefgh\",\"role\":\"service_role\",\"exp\":1999999999}");
    Files.writeString(
        dir.resolve("secret.yaml"),
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Secret",
            "data:",
            "  DATABASE_URL: " + base64(DATABASE_URL),
            "  SUPABASE_KEY: " + base64(serviceRole),
            "  AWS_KEY: " + base64(AWS).replace("=", ""),
            "  OPENAI: "
                + Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(
                        (OPENAI + "\u00ff\u00fe").getBytes(StandardCharsets.ISO_8859_1)),
            ""));

    assertThat(scanner.scan(dir))
        .extracting(Finding::line, Finding::ruleId)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(4L, "database-url-with-password"),
            org.assertj.core.groups.Tuple.tuple(5L, "supabase-service-role-key"),
            org.assertj.core.groups.Tuple.tuple(6L, "aws-access-key-id"),
            org.assertj.core.groups.Tuple.tuple(7L, "openai-api-key"));
  }

  @Test
  void scan_base64OfPublicOrPlaceholderValues_isNotReported() throws IOException {
    String anon = jwt("{\"iss\":\"supabase\",\"role\":\"anon\",\"exp\":1999999999}");
    Files.writeString(
        dir.resolve("public.js"),
        String.join(
            "\n",
            "a=\"" + base64(STRIPE_PUBLISHABLE) + "\"",
            "b=\"" + base64(anon) + "\"",
            "c=\"" + base64("postgres://user:password@localhost/app") + "\"",
            // starts like an encoded "sk-" but decodes to no key
            "d=\"" + base64("sk-" + "short") + "\"",
            // the encoded start inside a longer base64 string is not the start of a secret
            "e=\"QUJD" + base64(STRIPE_LIVE) + "\""));

    assertThat(scanner.scan(dir)).isEmpty();
  }

  @Test
  void scan_base64AcrossAChunkBoundary_isReportedOnce() {
    SecretScanner small = SecretScanner.builder().chunkSize(4096).build();
    String hidden = base64(STRIPE_LIVE);
    for (int shift = 0; shift < hidden.length(); shift += 7) {
      String text = "x".repeat(4096 - shift) + " " + hidden + " tail";

      List<Finding> findings =
          small.scan("bundle.js", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));

      assertThat(findings)
          .as("shift %d", shift)
          .extracting(Finding::offset, Finding::ruleId)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(
                  (long) text.indexOf(hidden), "stripe-secret-key"));
    }
  }

  @Property(tries = 300)
  void scan_anyBase64LikeRunAfterAnEncodedStart_neverFails(
      @ForAll("encodedStarts") String start,
      @ForAll
          @net.jqwik.api.constraints.StringLength(max = 80)
          @net.jqwik.api.constraints.Chars({'A', 'z', '0', '9', '+', '/', '-', '_', '='})
          String tail) {
    String text = "x=\"" + start + tail + "\"";

    assertThat(
            scanner.scan("t.js", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))))
        .allSatisfy(f -> assertThat(f.offset()).isEqualTo(3));
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> encodedStarts() {
    return net.jqwik.api.Arbitraries.of(ScanRule.ENCODED_SECRET_STARTS);
  }

  @Test
  void scan_moreFindingsThanTheCap_failsNamingTheFile_andUpToTheCapPasses() throws IOException {
    Files.writeString(dir.resolve("a.env"), "A=" + STRIPE_LIVE + "\nB=" + STRIPE_LIVE + "\n");
    Files.writeString(dir.resolve("b.env"), "C=" + STRIPE_LIVE + "\nD=" + STRIPE_LIVE + "\n");

    assertThat(SecretScanner.builder().maxFindings(4).build().scan(dir)).hasSize(4);
    assertThatThrownBy(() -> SecretScanner.builder().maxFindings(3).build().scan(dir))
        .isInstanceOf(java.io.UncheckedIOException.class)
        .hasMessageContaining("more than 3 findings, the last in 'b.env'")
        .hasMessageContaining("maxFindings");
    assertThatThrownBy(() -> SecretScanner.builder().maxFindings(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
  }

  @Test
  void commandLine_maxFindings_stopsTheScanWithAnError() throws IOException {
    Files.writeString(dir.resolve("a.env"), "A=" + STRIPE_LIVE + "\nB=" + STRIPE_LIVE + "\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);

    assertThat(
            SecretScannerMain.run(
                new String[] {"--max-findings", "1", dir.toString()}, outStream, errStream))
        .isEqualTo(SecretScannerMain.ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("more than 1 findings");
    assertThat(
            SecretScannerMain.run(
                new String[] {"--max-findings", "many", dir.toString()}, outStream, errStream))
        .isEqualTo(SecretScannerMain.ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--max-findings must be a whole number, but was 'many'");
    assertThat(
            SecretScannerMain.run(
                new String[] {"--max-findings", "2", dir.toString()}, outStream, errStream))
        .isEqualTo(SecretScannerMain.FOUND);
  }
}
