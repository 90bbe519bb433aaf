package dev.guardrails.errors.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The hand-written validator agrees with the JDK's strict UTF-8 decoder. */
final class Utf8Properties {

  private static boolean jdkAccepts(byte[] bytes) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static boolean hasLeadingNul(byte[] bytes) {
    for (int i = 0; i < bytes.length && i < 4; i++) {
      if (bytes[i] == 0) {
        return true;
      }
    }
    return false;
  }

  @Property(tries = 2_000)
  void randomBytes_sameVerdictAsJdk(@ForAll @Size(max = 40) byte[] bytes) {
    boolean ours = Utf8.firstInvalid(bytes) < 0;
    assertThat(ours).isEqualTo(jdkAccepts(bytes) && !hasLeadingNul(bytes));
  }

  @Property(tries = 1_000)
  void validText_alwaysAccepted(@ForAll String text) {
    byte[] bytes = ("x" + text).getBytes(StandardCharsets.UTF_8);
    assertThat(Utf8.firstInvalid(bytes) < 0).isEqualTo(jdkAccepts(bytes) && !hasLeadingNul(bytes));
  }

  /** Random bytes between runs of ASCII, so that the 32- and 8-byte skips meet them anywhere. */
  @Property(tries = 2_000)
  void bytesBetweenAsciiRuns_sameVerdictAsJdk(
      @ForAll @IntRange(max = 100) int before,
      @ForAll @Size(max = 8) byte[] middle,
      @ForAll @IntRange(max = 100) int after) {
    byte[] bytes = new byte[1 + before + middle.length + after];
    Arrays.fill(bytes, (byte) 'x');
    System.arraycopy(middle, 0, bytes, 1 + before, middle.length);
    int bad = Utf8.firstInvalid(bytes);
    assertThat(bad < 0).isEqualTo(jdkAccepts(bytes) && !hasLeadingNul(bytes));
    if (bad >= 0) {
      assertThat(bad).isBetween(1 + before, before + middle.length);
    }
  }
}
