package dev.guardrails.auth;

import static dev.guardrails.auth.TestTokens.AUDIENCE;
import static dev.guardrails.auth.TestTokens.ISSUER;
import static dev.guardrails.auth.TestTokens.NOW;
import static dev.guardrails.auth.TestTokens.OTHER_RSA;
import static dev.guardrails.auth.TestTokens.RSA;
import static dev.guardrails.auth.TestTokens.claims;
import static dev.guardrails.auth.TestTokens.header;
import static dev.guardrails.auth.TestTokens.rs256;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import dev.guardrails.auth.TokenRejection.Reason;
import dev.guardrails.core.Actor;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

final class JwtVerifierKeyRotationTest {

  private final AtomicReference<JWKSet> published =
      new AtomicReference<>(new JWKSet(RSA.toPublicJWK()));

  private final JWKSource<SecurityContext> source =
      (selector, context) -> selector.select(published.get());

  private final JwtVerifier verifier =
      JwtVerifier.builder()
          .trust(TrustedIssuer.withKeySource(ISSUER, source))
          .audience(AUDIENCE)
          .clock(new MutableClock(NOW))
          .build();

  @Test
  void verify_keyReplacedUnderTheSameKid_oldTokensRefusedAndNewOnesAccepted() {
    String oldToken = rs256(header("RS256", "k1"), claims(""), RSA);
    String newToken = rs256(header("RS256", "k1"), claims(""), OTHER_RSA);
    assertThat(verifier.verify(oldToken)).isEqualTo(Actor.person("user-1", "t1", "viewer"));
    assertThat(verifier.check(newToken).rejection().orElseThrow().reason())
        .isEqualTo(Reason.BAD_SIGNATURE);

    published.set(new JWKSet(OTHER_RSA.toPublicJWK()));

    assertThat(verifier.verify(newToken)).isEqualTo(Actor.person("user-1", "t1", "viewer"));
    assertThat(verifier.check(oldToken).rejection().orElseThrow().reason())
        .isEqualTo(Reason.BAD_SIGNATURE);
  }

  @Test
  void verify_sameKeyManyTimes_keepsVerifying() {
    String token = rs256(header("RS256", "k1"), claims(""), RSA);

    for (int i = 0; i < 5; i++) {
      assertThat(verifier.verify(token)).isEqualTo(Actor.person("user-1", "t1", "viewer"));
    }
  }
}
