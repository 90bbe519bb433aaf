package dev.guardrails.auth;

import static dev.guardrails.auth.TestTokens.AUDIENCE;
import static dev.guardrails.auth.TestTokens.ISSUER;
import static dev.guardrails.auth.TestTokens.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.guardrails.core.EventSink;
import java.time.Clock;
import java.time.ZoneOffset;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Whatever the input, the verifier answers with a rejection, never an exception or an actor. */
final class JwtVerifierProperties {

  private static final String VALID = TestTokens.valid("");
  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";

  private final JwtVerifier verifier =
      JwtVerifier.builder()
          .trust(TrustedIssuer.withKeys(ISSUER, TestTokens.keys()))
          .audience(AUDIENCE)
          .clock(Clock.fixed(NOW, ZoneOffset.UTC))
          .eventSink(EventSink.noop())
          .build();

  @Property(tries = 500)
  void check_anyText_isRejectedWithoutThrowing(@ForAll String text) {
    TokenVerification result = verifier.check(text);

    assertThat(result.isVerified()).isFalse();
    assertThat(result.rejection()).isPresent();
  }

  @Property(tries = 500)
  void check_threeRandomJsonishParts_isRejectedWithoutThrowing(
      @ForAll("json") String header, @ForAll("json") String claims, @ForAll("json") String sig) {
    String token =
        TestTokens.b64(header) + "." + TestTokens.b64(claims) + "." + TestTokens.b64(sig);

    assertThat(verifier.check(token).isVerified()).isFalse();
  }

  @Property(tries = 1000)
  void check_anySingleCharacterChange_isRejected(
      @ForAll @IntRange(min = 0, max = 10_000) int where, @ForAll("alphabet") char replacement) {
    int position = where % VALID.length();
    if (VALID.charAt(position) == replacement) {
      return;
    }
    String mutated = VALID.substring(0, position) + replacement + VALID.substring(position + 1);

    assertThat(verifier.check(mutated).isVerified()).as(mutated).isFalse();
  }

  @Provide
  Arbitrary<String> json() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("{}[]\":,0123456789abcnulltruefalse ").ofMaxLength(60),
        Arbitraries.of(
            "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}",
            TestTokens.claims(""),
            "{}",
            "{\"alg\":\"none\"}",
            "[" + "[".repeat(100)));
  }

  @Provide
  Arbitrary<Character> alphabet() {
    return Arbitraries.of(ALPHABET.chars().mapToObj(c -> (char) c).toArray(Character[]::new));
  }
}
