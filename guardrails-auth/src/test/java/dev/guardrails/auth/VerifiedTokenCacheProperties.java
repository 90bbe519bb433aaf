package dev.guardrails.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import java.util.regex.Pattern;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

final class VerifiedTokenCacheProperties {

  private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]*");

  private final VerifiedTokenCache cache =
      new VerifiedTokenCache(16, 8192, new SplittableRandom(42));

  @Property
  void keyOf_sameToken_sameKey(@ForAll @StringLength(max = 700) String token) {
    assertThat(cache.keyOf(token)).isEqualTo(cache.keyOf(new String(token.toCharArray())));
  }

  @Property
  void keyOf_oneCharacterChanged_differentKey(
      @ForAll @StringLength(min = 1, max = 700) String token,
      @ForAll @IntRange(max = 699) int position,
      @ForAll @CharRange(from = 1, to = 0xFFFF) char delta) {
    int at = position % token.length();
    char[] chars = token.toCharArray();
    chars[at] = (char) (chars[at] + delta);
    String changed = new String(chars);

    assertThat(cache.keyOf(changed)).isNotEqualTo(cache.keyOf(token));
  }

  @Property
  void keyOf_wholeTokenCounts_notOnlyTheSignature(
      @ForAll @StringLength(min = 1, max = 300) @CharRange(from = 'a', to = 'z') String header,
      @ForAll @StringLength(min = 1, max = 300) @CharRange(from = 'a', to = 'z') String other,
      @ForAll @StringLength(min = 1, max = 300) @CharRange(from = 'a', to = 'z') String signature) {
    String token = header + ".claims." + signature;
    String forged = other + ".claims." + signature;

    assertThat(cache.keyOf(forged).equals(cache.keyOf(token))).isEqualTo(forged.equals(token));
  }

  @Example
  void keyOf_trailingZeroCharacter_differentKey() {
    // the last word is zero-filled, so only the length tells these apart
    assertThat(cache.keyOf("abc\0")).isNotEqualTo(cache.keyOf("abc"));
    assertThat(cache.keyOf("")).isNotEqualTo(cache.keyOf("\0"));
  }

  @Example
  void keyOf_charactersBeyondLatin1_areNotTruncated() {
    // U+0141 has the low byte of 'A'
    assertThat(cache.keyOf("eyJ\u0141bc.def.ghi")).isNotEqualTo(cache.keyOf("eyJAbc.def.ghi"));
  }

  @Example
  void keyOf_questionMarksAndNonAscii_doNotAlias() {
    // ISO-8859-1 turns a character beyond Latin-1 (and a surrogate pair) into one question mark
    String emoji = "x\uD83D\uDE00y";
    assertThat(cache.keyOf(emoji)).isNotEqualTo(cache.keyOf("x??y"));
    assertThat(cache.keyOf("x\u00E9y")).isNotEqualTo(cache.keyOf("x?y"));
    assertThat(cache.keyOf("x?y")).isEqualTo(cache.keyOf("x?y"));
    assertThat(cache.keyOf("abcdefghijklmnopq\u00E9"))
        .isNotEqualTo(cache.keyOf("abcdefghijklmnopq?"));
  }

  @Property
  void keyOf_asciiTokens_oneCharacterChanged_differentKey(
      @ForAll @StringLength(min = 1, max = 700) @CharRange(from = 0, to = 0x7F) String token,
      @ForAll @IntRange(max = 699) int position,
      @ForAll @CharRange(from = 1, to = 0x7F) char delta) {
    int at = position % token.length();
    char[] chars = token.toCharArray();
    chars[at] = (char) ((chars[at] + delta) & 0x7F);

    assertThat(cache.keyOf(new String(chars))).isNotEqualTo(cache.keyOf(token));
  }

  @Example
  void keyOf_isKeyedPerCache() {
    VerifiedTokenCache other = new VerifiedTokenCache(16, 8192, new SplittableRandom(43));
    String token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl";

    assertThat(other.keyOf(token)).isNotEqualTo(cache.keyOf(token));
  }

  @Example
  void keyOf_tokenLongerThanTheMaximum_isRefused() {
    assertThat(cache.keyOf("a".repeat(8192)).length()).isEqualTo(8192);
    assertThatThrownBy(() -> cache.keyOf("a".repeat(8193)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 8192 characters, but had 8193");
  }

  @Example
  void keyOf_doesNotRevealTheHash() {
    assertThat(cache.keyOf("secret-token").toString()).isEqualTo("Key[length=12]");
  }

  @Property
  void isBase64UrlAlphabet_acceptsWhatTheRegexAccepts(
      @ForAll @StringLength(max = 40) @CharRange(from = 0, to = 0x17F) String text) {
    assertThat(JwtVerifier.isBase64UrlAlphabet(text)).isEqualTo(BASE64URL.matcher(text).matches());
  }

  @Property
  void isBase64UrlAlphabet_acceptsEveryBase64UrlString(
      @ForAll
          @StringLength(max = 40)
          @CharRange(from = 'A', to = 'Z')
          @CharRange(from = 'a', to = 'z')
          @CharRange(from = '0', to = '9')
          @CharRange(from = '-', to = '-')
          @CharRange(from = '_', to = '_')
          String text) {
    assertThat(JwtVerifier.isBase64UrlAlphabet(text)).isTrue();
  }
}
