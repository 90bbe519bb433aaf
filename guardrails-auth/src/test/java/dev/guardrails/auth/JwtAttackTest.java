package dev.guardrails.auth;

import static dev.guardrails.auth.TestTokens.AUDIENCE;
import static dev.guardrails.auth.TestTokens.EC;
import static dev.guardrails.auth.TestTokens.ISSUER;
import static dev.guardrails.auth.TestTokens.NOW;
import static dev.guardrails.auth.TestTokens.OTHER_RSA;
import static dev.guardrails.auth.TestTokens.RSA;
import static dev.guardrails.auth.TestTokens.b64;
import static dev.guardrails.auth.TestTokens.claims;
import static dev.guardrails.auth.TestTokens.es256;
import static dev.guardrails.auth.TestTokens.header;
import static dev.guardrails.auth.TestTokens.rs256;
import static dev.guardrails.auth.TestTokens.seconds;
import static dev.guardrails.auth.TestTokens.valid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.RSAKey;
import dev.guardrails.auth.TokenRejection.Reason;
import dev.guardrails.core.InMemoryEventSink;
import dev.guardrails.core.Unauthenticated;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One crafted token per known attack class (RFC 8725, the JWT CVEs): every one is refused, for the
 * right reason, with the same generic error for the caller and no token text in the event.
 */
final class JwtAttackTest {

  private static final String OTHER_ISSUER = "https://other.test";
  private static final RSAKey OTHER_ISSUER_KEY = TestTokens.rsa("b1");
  private static final String VALID_HEADER = header("RS256", "k1");
  private static final String VALID_CLAIMS = claims("");

  private final InMemoryEventSink events = new InMemoryEventSink();
  private final JwtVerifier verifier =
      JwtVerifier.builder()
          .trust(TrustedIssuer.withKeys(ISSUER, TestTokens.keys()))
          .trust(TrustedIssuer.withKey(OTHER_ISSUER, OTHER_ISSUER_KEY))
          .audience(AUDIENCE)
          .clock(Clock.fixed(NOW, ZoneOffset.UTC))
          .eventSink(events)
          .build();

  static Stream<Arguments> attacks() throws JOSEException {
    String attackerJwk = TestTokens.rsa("evil").toPublicJWK().toJSONString();
    RSAKey attacker = TestTokens.rsa("evil");
    String valid = valid("");
    String[] parts = valid.split("\\.");
    byte[] rsaPublicKeyBytes = RSA.toRSAPublicKey().getEncoded();
    String deep = "[".repeat(40) + "]".repeat(40);
    String padding = "x".repeat(9000);
    char[] zeros = new char[86];
    Arrays.fill(zeros, 'A');
    return Stream.of(
        attack(
            "alg none",
            TestTokens.unsigned("{\"alg\":\"none\",\"typ\":\"JWT\"}", VALID_CLAIMS),
            Reason.ALGORITHM_NONE),
        attack(
            "alg nOnE, case games",
            TestTokens.unsigned("{\"alg\":\"nOnE\",\"typ\":\"JWT\"}", VALID_CLAIMS),
            Reason.ALGORITHM_NONE),
        attack(
            "HS256 signed with the RSA public key (key confusion)",
            TestTokens.hs256(header("HS256", "k1"), VALID_CLAIMS, rsaPublicKeyBytes),
            Reason.ALGORITHM_NOT_ALLOWED),
        attack(
            "alg outside the allow-list",
            rs256(header("RS1", "k1"), VALID_CLAIMS, RSA),
            Reason.ALGORITHM_NOT_ALLOWED),
        attack(
            "embedded jwk with the attacker's key",
            rs256(
                "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"evil\",\"jwk\":" + attackerJwk + "}",
                VALID_CLAIMS,
                attacker),
            Reason.EMBEDDED_KEY),
        attack(
            "jku pointing at the attacker",
            rs256(
                "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"k1\",\"jku\":\"https://evil.test/jwks\"}",
                VALID_CLAIMS,
                attacker),
            Reason.EMBEDDED_KEY),
        attack(
            "x5u pointing at the attacker",
            rs256(
                "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"k1\",\"x5u\":\"https://evil.test/cert\"}",
                VALID_CLAIMS,
                attacker),
            Reason.EMBEDDED_KEY),
        attack(
            "x5c with the attacker's certificate chain",
            rs256(
                "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"k1\",\"x5c\":[\"MIIBIjANBgkq\"]}",
                VALID_CLAIMS,
                attacker),
            Reason.EMBEDDED_KEY),
        attack(
            "kid path traversal",
            rs256(header("RS256", "../../../../../../dev/null"), VALID_CLAIMS, RSA),
            Reason.INVALID_KEY_ID),
        attack(
            "kid SQL injection",
            rs256(header("RS256", "k1' UNION SELECT 'secret' --"), VALID_CLAIMS, RSA),
            Reason.INVALID_KEY_ID),
        attack(
            "kid with a NUL byte",
            rs256(header("RS256", "k1\\u0000"), VALID_CLAIMS, RSA),
            Reason.INVALID_KEY_ID),
        attack(
            "kid that is not a string",
            rs256("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":{\"$ne\":null}}", VALID_CLAIMS, RSA),
            Reason.INVALID_KEY_ID),
        attack(
            "unknown kid", rs256(header("RS256", "nope"), VALID_CLAIMS, RSA), Reason.UNKNOWN_KEY),
        attack(
            "missing exp",
            rs256(
                VALID_HEADER,
                "{\"iss\":\"" + ISSUER + "\",\"aud\":\"api\",\"sub\":\"user-1\",\"tenant\":\"t1\"}",
                RSA),
            Reason.MISSING_EXPIRATION),
        attack(
            "expired beyond the skew",
            rs256(VALID_HEADER, claimsWith("exp", seconds(NOW) - 120), RSA),
            Reason.EXPIRED),
        attack(
            "not yet valid (nbf)",
            rs256(VALID_HEADER, claims(",\"nbf\":" + (seconds(NOW) + 600)), RSA),
            Reason.NOT_YET_VALID),
        attack(
            "issued in the future (iat)",
            rs256(VALID_HEADER, claimsWith("iat", seconds(NOW) + 600), RSA),
            Reason.ISSUED_IN_FUTURE),
        attack(
            "wrong issuer",
            rs256(VALID_HEADER, VALID_CLAIMS.replace(ISSUER, "https://evil.test"), RSA),
            Reason.WRONG_ISSUER),
        attack(
            "missing issuer",
            rs256(VALID_HEADER, VALID_CLAIMS.replace("\"iss\":\"" + ISSUER + "\",", ""), RSA),
            Reason.WRONG_ISSUER),
        attack(
            "issuer B's token signed with issuer A's key (keys bound to issuers)",
            rs256(header("RS256", "b1"), VALID_CLAIMS.replace(ISSUER, OTHER_ISSUER), RSA),
            Reason.BAD_SIGNATURE),
        attack(
            "wrong audience",
            rs256(
                VALID_HEADER, VALID_CLAIMS.replace("\"aud\":\"api\"", "\"aud\":\"billing\""), RSA),
            Reason.WRONG_AUDIENCE),
        attack(
            "missing audience",
            rs256(VALID_HEADER, VALID_CLAIMS.replace("\"aud\":\"api\",", ""), RSA),
            Reason.WRONG_AUDIENCE),
        attack(
            "wrong typ",
            rs256("{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"k1\"}", VALID_CLAIMS, RSA),
            Reason.WRONG_TYPE),
        attack(
            "missing typ",
            rs256("{\"alg\":\"RS256\",\"kid\":\"k1\"}", VALID_CLAIMS, RSA),
            Reason.WRONG_TYPE),
        attack(
            "unknown crit header",
            rs256(
                "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"k1\",\"crit\":[\"exp-policy\"],\"exp-policy\":1}",
                VALID_CLAIMS,
                RSA),
            Reason.UNKNOWN_CRITICAL_HEADER),
        attack(
            "unencoded payload (b64 false)",
            rs256(
                "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"k1\",\"b64\":false,\"crit\":[\"b64\"]}",
                VALID_CLAIMS,
                RSA),
            Reason.UNKNOWN_CRITICAL_HEADER),
        attack(
            "oversized token",
            rs256(VALID_HEADER, claims(",\"pad\":\"" + padding + "\""), RSA),
            Reason.OVERSIZED),
        attack(
            "deeply nested JSON (CVE-2025-53864)",
            rs256(VALID_HEADER, claims(",\"deep\":" + deep), RSA),
            Reason.JSON_TOO_DEEP),
        attack(
            "bad base64 (standard alphabet and padding)",
            parts[0] + "+/=." + parts[1] + "." + parts[2],
            Reason.MALFORMED),
        attack(
            "whitespace inside the token",
            parts[0] + ". " + parts[1] + "." + parts[2],
            Reason.MALFORMED),
        attack(
            "header is not JSON",
            b64("{\"alg\":\"RS256\"") + "." + parts[1] + "." + parts[2],
            Reason.MALFORMED),
        attack(
            "trailing garbage after the header object",
            rs256(VALID_HEADER + "x", VALID_CLAIMS, RSA),
            Reason.MALFORMED),
        attack("five parts: a JWE where a JWS is expected", valid + ".AAAA.BBBB", Reason.MALFORMED),
        attack(
            "truncated signature", valid.substring(0, valid.length() - 10), Reason.BAD_SIGNATURE),
        attack("signature stripped", parts[0] + "." + parts[1] + ".", Reason.BAD_SIGNATURE),
        attack(
            "payload tampered after signing (roles raised)",
            parts[0] + "." + b64(VALID_CLAIMS.replace("viewer", "admin")) + "." + parts[2],
            Reason.BAD_SIGNATURE),
        attack(
            "signed by another key with the same kid",
            rs256(VALID_HEADER, VALID_CLAIMS, OTHER_RSA),
            Reason.BAD_SIGNATURE),
        attack(
            "ECDSA zero signature (psychic signature, CVE-2022-21449)",
            b64(header("ES256", "e1")) + "." + b64(VALID_CLAIMS) + "." + new String(zeros),
            Reason.BAD_SIGNATURE),
        attack(
            "alg swapped to PS256 on an RS256 signature",
            swapAlg(valid, header("PS256", "k1")),
            Reason.BAD_SIGNATURE),
        attack(
            "non-canonical base64 signature (malleable token)",
            nonCanonical(valid),
            Reason.MALFORMED),
        attack(
            "duplicate claim (sub smuggling)",
            rs256(VALID_HEADER, claims(",\"sub\":\"admin\""), RSA),
            Reason.DUPLICATE_MEMBER),
        attack(
            "duplicate claim hidden by a unicode escape",
            rs256(VALID_HEADER, claims(",\"s\\u0075b\":\"admin\""), RSA),
            Reason.DUPLICATE_MEMBER),
        attack(
            "duplicate header member (alg)",
            rs256(
                "{\"alg\":\"none\",\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}",
                VALID_CLAIMS,
                RSA),
            Reason.DUPLICATE_MEMBER),
        attack(
            "exp of the wrong type",
            rs256(VALID_HEADER, claimsWithRaw("exp", "\"9999999999\""), RSA),
            Reason.INVALID_CLAIMS),
        attack(
            "roles of the wrong type",
            rs256(VALID_HEADER, VALID_CLAIMS.replace("[\"viewer\"]", "[1,2]"), RSA),
            Reason.INVALID_CLAIMS),
        attack(
            "sub with a line break (log forging)",
            rs256(VALID_HEADER, VALID_CLAIMS.replace("user-1", "user-1\\nadmin"), RSA),
            Reason.INVALID_CLAIMS),
        attack(
            "missing sub",
            rs256(VALID_HEADER, VALID_CLAIMS.replace("\"sub\":\"user-1\",", ""), RSA),
            Reason.MISSING_SUBJECT),
        attack(
            "ES256 token re-signed by an unknown EC key",
            es256(header("ES256", "e1"), VALID_CLAIMS, TestTokens.ec("e1")),
            Reason.BAD_SIGNATURE));
  }

  private static String claimsWith(String claim, long value) {
    return claimsWithRaw(claim, Long.toString(value));
  }

  private static String claimsWithRaw(String claim, String raw) {
    return VALID_CLAIMS.replaceFirst("\"" + claim + "\":\\d+", "\"" + claim + "\":" + raw);
  }

  private static String nonCanonical(String token) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char last = token.charAt(token.length() - 1);
    char flipped = alphabet.charAt(alphabet.indexOf(last) ^ 1);
    return token.substring(0, token.length() - 1) + flipped;
  }

  private static String swapAlg(String token, String newHeader) {
    return b64(newHeader) + token.substring(token.indexOf('.'));
  }

  private static Arguments attack(String name, String token, Reason reason) {
    return Arguments.of(name, token, reason);
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("attacks")
  void check_craftedToken_rejectedForTheRightReason(String name, String token, Reason expected) {
    TokenVerification result = verifier.check(token);

    assertThat(result.isVerified()).as(name).isFalse();
    assertThat(result.reason()).as(name + ": " + result).isEqualTo(expected);
    TokenRejectedEvent event = events.events(TokenRejectedEvent.class).get(0);
    assertThat(event.reason()).isEqualTo(expected);
    assertThat(event.attributes().toString())
        .doesNotContain(token.substring(0, Math.min(token.length(), 40)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attacks")
  void verify_craftedToken_throwsOneGenericError(String name, String token, Reason expected) {
    Unauthenticated error =
        catchThrowableOfType(Unauthenticated.class, () -> verifier.verify(token));

    assertThat(error.getMessage()).isEqualTo(Unauthenticated.PUBLIC_MESSAGE);
    assertThat(error.status()).isEqualTo(401);
    assertThat(TokenRejection.reasonOf(error)).contains(expected);
  }

  @org.junit.jupiter.api.Test
  void attacks_coverAtLeastTwentyFiveClasses() throws JOSEException {
    assertThat(attacks().count()).isGreaterThanOrEqualTo(25);
    assertThat(verifier.check(valid("")).isVerified()).as("the untouched token passes").isTrue();
    assertThat(es256(header("ES256", "e1"), VALID_CLAIMS, EC))
        .satisfies(t -> assertThat(verifier.check(t).isVerified()).isTrue());
  }
}
