package dev.guardrails.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.guardrails.auth.TokenRejection.Reason;
import dev.guardrails.core.Actor;
import dev.guardrails.core.InMemoryEventSink;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.junit.jupiter.api.Test;

final class LocalTokenIssuerTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
  private final InMemoryEventSink events = new InMemoryEventSink();
  private final LocalTokenIssuer issuer =
      LocalTokenIssuer.builder("https://app.test", "app")
          .tokenLifetime(Duration.ofMinutes(10))
          .clock(clock)
          .eventSink(events)
          .build();
  private final JwtVerifier verifier = issuer.verifierBuilder().build();
  private final Actor alice = Actor.person("alice", "t1", "member", "viewer");

  @Test
  void issue_thenVerify_roundTripsTheActor() throws Exception {
    IssuedToken issued = issuer.issue(alice);

    assertThat(verifier.verify(issued.token())).isEqualTo(alice);
    assertThat(issued.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(10)));
    SignedJWT jwt = SignedJWT.parse(issued.token());
    assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("ES256");
    assertThat(jwt.getHeader().getKeyID()).isNotBlank();
    assertThat(jwt.getJWTClaimsSet().getStringClaim("sid")).isEqualTo(issued.sessionId());
    AuthEvent event = events.events(AuthEvent.class).get(0);
    assertThat(event.type()).isEqualTo("auth.session_issued");
    assertThat(event.attributes()).containsEntry("session_id", issued.sessionId());
    assertThat(event.attributes().values()).noneMatch(v -> v.contains(issued.token()));
  }

  @Test
  void issue_serviceActor_keepsKind() {
    Actor service = Actor.service("billing-sync", "t1", "invoice.writer");

    assertThat(verifier.verify(issuer.issue(service).token())).isEqualTo(service);
  }

  @Test
  void token_afterLifetime_expires() {
    IssuedToken issued = issuer.issue(alice);

    clock.advance(Duration.ofMinutes(11));

    assertThat(verifier.check(issued.token()).reason()).isEqualTo(Reason.EXPIRED);
  }

  @Test
  void revokeSession_refusesThatSessionOnly() {
    IssuedToken first = issuer.issue(alice);
    IssuedToken second = issuer.issue(alice);

    issuer.revokeSession(first.sessionId());

    assertThat(verifier.check(first.token()).reason()).isEqualTo(Reason.REVOKED);
    assertThat(verifier.check(second.token()).isVerified()).isTrue();
    assertThat(events.events(AuthEvent.class))
        .extracting(AuthEvent::type)
        .contains("auth.session_revoked");
  }

  @Test
  void rotateKey_oldTokensStillVerifyAndNewTokensUseNewKid() throws Exception {
    IssuedToken before = issuer.issue(alice);
    String oldKid = SignedJWT.parse(before.token()).getHeader().getKeyID();

    String newKid = issuer.rotateKey();
    IssuedToken after = issuer.issue(alice);

    assertThat(newKid).isNotEqualTo(oldKid);
    assertThat(SignedJWT.parse(after.token()).getHeader().getKeyID()).isEqualTo(newKid);
    assertThat(verifier.verify(before.token())).isEqualTo(alice);
    assertThat(verifier.verify(after.token())).isEqualTo(alice);
    assertThat(issuer.publicKeys().getKeys()).hasSize(2).noneMatch(k -> k.isPrivate());
  }

  @Test
  void rotateKey_retiredKeyDroppedOnceItsTokensExpired() {
    issuer.rotateKey();
    clock.advance(Duration.ofMinutes(12));

    issuer.rotateKey();

    assertThat(issuer.publicKeys().getKeys()).hasSize(2);
  }

  @Test
  void tokenOfAnotherIssuerInstance_isRefused() {
    LocalTokenIssuer impostor =
        LocalTokenIssuer.builder("https://app.test", "app").clock(clock).build();

    assertThat(verifier.check(impostor.issue(alice).token()).reason())
        .isEqualTo(Reason.UNKNOWN_KEY);
  }

  @Test
  void rotateKey_whileIssuingAndVerifying_everyTokenVerifies() throws Exception {
    int threads = 4;
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(threads + 1);
    java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
    try {
      java.util.List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  int failures = 0;
                  for (int i = 0; i < 50; i++) {
                    if (!verifier.check(issuer.issue(alice).token()).isVerified()) {
                      failures++;
                    }
                  }
                  return failures;
                }));
      }
      java.util.concurrent.Future<?> rotations =
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < 20; i++) {
                  issuer.rotateKey();
                }
                return null;
              });
      start.countDown();
      rotations.get(60, java.util.concurrent.TimeUnit.SECONDS);
      for (java.util.concurrent.Future<Integer> result : results) {
        assertThat(result.get(60, java.util.concurrent.TimeUnit.SECONDS)).isZero();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(issuer.publicKeys().getKeys()).hasSize(21);
  }

  @Test
  void rotateKey_stolenRetiredKeyStopsVerifyingAtItsEndOfLife_withoutAnotherRotation()
      throws Exception {
    LocalTokenIssuer seeded =
        LocalTokenIssuer.builder("https://app.test", "app")
            .tokenLifetime(Duration.ofMinutes(10))
            .clock(clock)
            .random(seededRandom())
            .build();
    JwtVerifier seededVerifier = seeded.verifierBuilder().build();
    ECKey stolen =
        new ECKeyGenerator(Curve.P_256)
            .keyIDFromThumbprint(true)
            .secureRandom(seededRandom())
            .generate();
    assertThat(SignedJWT.parse(seeded.issue(alice).token()).getHeader().getKeyID())
        .as("the test regenerates the issuer's first signing key")
        .isEqualTo(stolen.getKeyID());

    seeded.rotateKey(); // e.g. because the key leaked
    clock.advance(Duration.ofMinutes(10).plusSeconds(61)); // every token it signed has expired

    assertThat(seededVerifier.check(forge(stolen)).reason()).isEqualTo(Reason.UNKNOWN_KEY);
    assertThat(seeded.publicKeys().getKeys())
        .extracting(JWK::getKeyID)
        .doesNotContain(stolen.getKeyID());
  }

  @Test
  void revokeSession_staysRevokedAsLongAsAVerifierWithTheLargestSkewAcceptsTheToken() {
    JwtVerifier lenient = issuer.verifierBuilder().clockSkew(Duration.ofMinutes(5)).build();
    IssuedToken token = issuer.issue(alice);
    issuer.revokeSession(token.sessionId());

    clock.advance(Duration.ofMinutes(12)); // expired, but within the verifier's 5 minutes of skew
    issuer.revokeSession("another-session"); // forgets revocations it thinks are over

    assertThat(lenient.check(token.token()).reason()).isEqualTo(Reason.REVOKED);
  }

  private static SecureRandom seededRandom() throws Exception {
    SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
    random.setSeed(42L);
    return random;
  }

  /** A fresh token signed with a key outside the issuer, as an attacker holding it would. */
  private String forge(ECKey key) throws Exception {
    Instant now = clock.instant();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(JOSEObjectType.JWT)
                .keyID(key.getKeyID())
                .build(),
            new JWTClaimsSet.Builder()
                .issuer("https://app.test")
                .audience("app")
                .subject("mallory")
                .claim("tenant", "t1")
                .claim("roles", java.util.List.of("admin"))
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
                .build());
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  @Test
  void issuedToken_toStringHidesToken() {
    IssuedToken issued = issuer.issue(alice);

    assertThat(issued.toString()).doesNotContain(issued.token()).contains("****");
  }

  @Test
  void builder_lifetimeOutOfRange_refused() {
    assertThatThrownBy(
            () ->
                LocalTokenIssuer.builder("https://app.test", "app")
                    .tokenLifetime(Duration.ofDays(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("token lifetime must be positive and at most 24 hours, but was PT48H");
    assertThatThrownBy(() -> LocalTokenIssuer.builder(" ", "app"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("issuer must not be blank");
  }
}
