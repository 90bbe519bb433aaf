package dev.guardrails.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Keys and a raw token writer that can produce any header and payload, well-formed or not. */
final class TestTokens {

  static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  static final String ISSUER = "https://issuer.test";
  static final String AUDIENCE = "api";
  static final RSAKey RSA = rsa("k1");
  static final RSAKey OTHER_RSA = rsa("k1");
  static final ECKey EC = ec("e1");

  private TestTokens() {}

  static RSAKey rsa(String kid) {
    try {
      return new RSAKeyGenerator(2048).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static ECKey ec(String kid) {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static JWKSet keys() {
    return new JWKSet(java.util.List.of(RSA.toPublicJWK(), EC.toPublicJWK()));
  }

  static long seconds(Instant instant) {
    return instant.getEpochSecond();
  }

  /** Claims that pass every check, with extra members appended verbatim. */
  static String claims(String extra) {
    return "{\"iss\":\""
        + ISSUER
        + "\",\"aud\":\""
        + AUDIENCE
        + "\",\"sub\":\"user-1\",\"tenant\":\"t1\",\"roles\":[\"viewer\"],\"exp\":"
        + (seconds(NOW) + 300)
        + ",\"iat\":"
        + (seconds(NOW) - 10)
        + extra
        + "}";
  }

  static String header(String alg, String kid) {
    return "{\"alg\":\"" + alg + "\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}";
  }

  static String b64(String json) {
    return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
  }

  /** Signs header and payload as given with RS256 and the key. */
  static String rs256(String headerJson, String payloadJson, RSAKey key) {
    return sign(headerJson, payloadJson, JWSAlgorithm.RS256, rsaSigner(key));
  }

  static String es256(String headerJson, String payloadJson, ECKey key) {
    try {
      return sign(headerJson, payloadJson, JWSAlgorithm.ES256, new ECDSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static String hs256(String headerJson, String payloadJson, byte[] secret) {
    try {
      return sign(headerJson, payloadJson, JWSAlgorithm.HS256, new MACSigner(secret));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A valid RS256 token with the default claims plus extra members. */
  static String valid(String extraClaims) {
    return rs256(header("RS256", "k1"), claims(extraClaims), RSA);
  }

  static String unsigned(String headerJson, String payloadJson) {
    return b64(headerJson) + "." + b64(payloadJson) + ".";
  }

  private static JWSSigner rsaSigner(RSAKey key) {
    try {
      return new RSASSASigner(key);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sign(
      String headerJson, String payloadJson, JWSAlgorithm alg, JWSSigner signer) {
    String input = b64(headerJson) + "." + b64(payloadJson);
    try {
      Base64URL signature =
          signer.sign(new JWSHeader(alg), input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + signature;
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
