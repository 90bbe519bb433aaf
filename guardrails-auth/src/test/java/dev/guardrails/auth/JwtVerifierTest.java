package dev.guardrails.auth;

import static dev.guardrails.auth.TestTokens.AUDIENCE;
import static dev.guardrails.auth.TestTokens.ISSUER;
import static dev.guardrails.auth.TestTokens.NOW;
import static dev.guardrails.auth.TestTokens.RSA;
import static dev.guardrails.auth.TestTokens.claims;
import static dev.guardrails.auth.TestTokens.header;
import static dev.guardrails.auth.TestTokens.rs256;
import static dev.guardrails.auth.TestTokens.seconds;
import static dev.guardrails.auth.TestTokens.valid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import dev.guardrails.auth.TokenRejection.Reason;
import dev.guardrails.core.Actor;
import dev.guardrails.core.ActorKind;
import dev.guardrails.core.InMemoryEventSink;
import dev.guardrails.core.Unauthenticated;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

final class JwtVerifierTest {

  private final MutableClock clock = new MutableClock(NOW);
  private final InMemoryEventSink events = new InMemoryEventSink();

  private JwtVerifier.Builder strict() {
    return JwtVerifier.builder()
        .trust(TrustedIssuer.withKeys(ISSUER, TestTokens.keys()))
        .audience(AUDIENCE)
        .clock(clock)
        .eventSink(events);
  }

  @Test
  void verify_validToken_mapsClaimsToActor() {
    Actor actor = strict().build().verify(valid(""));

    assertThat(actor).isEqualTo(Actor.person("user-1", "t1", "viewer"));
  }

  @Test
  void verify_customClaims_mapTenantRolesAndKind() {
    JwtVerifier verifier =
        strict().tenantClaim("org").rolesClaim("scope").kindClaim("kind").build();
    String token =
        valid(",\"org\":\"acme\",\"scope\":\"invoice.read  invoice.write\",\"kind\":\"service\"");

    Actor actor = verifier.verify(token);

    assertThat(actor.kind()).isEqualTo(ActorKind.SERVICE);
    assertThat(actor.tenantId()).isEqualTo("acme");
    assertThat(actor.roles()).containsExactly("invoice.read", "invoice.write");
  }

  @Test
  void verify_fixedTenant_ignoresTenantClaim() {
    Actor actor = strict().fixedTenant("default").build().verify(valid(""));

    assertThat(actor.tenantId()).isEqualTo("default");
  }

  @Test
  void verify_issuerBoundToTenant_cannotSpeakForAnotherTenant() {
    com.nimbusds.jose.jwk.RSAKey partnerKey = TestTokens.rsa("p1");
    String partner = "https://idp.partner.test";
    JwtVerifier verifier =
        strict().trust(TrustedIssuer.withKey(partner, partnerKey).forTenant("partner")).build();
    String partnerClaims = claims("").replace(ISSUER, partner);

    String claimsOtherTenant = rs256(header("RS256", "p1"), partnerClaims, partnerKey);
    String claimsOwnTenant =
        rs256(header("RS256", "p1"), partnerClaims.replace("\"t1\"", "\"partner\""), partnerKey);
    String claimsNoTenant =
        rs256(header("RS256", "p1"), partnerClaims.replace("\"tenant\":\"t1\",", ""), partnerKey);

    TokenVerification refused = verifier.check(claimsOtherTenant);
    assertThat(refused.reason()).isEqualTo(Reason.INVALID_CLAIMS);
    assertThat(refused.rejection().orElseThrow().detail())
        .contains("not the tenant this issuer is bound to");
    assertThat(verifier.verify(claimsOwnTenant).tenantId()).isEqualTo("partner");
    assertThat(verifier.verify(claimsNoTenant).tenantId()).isEqualTo("partner");
    assertThat(verifier.verify(valid("")).tenantId())
        .as("the unbound issuer still takes the tenant from the claim")
        .isEqualTo("t1");
  }

  @Test
  void verify_issuerBoundToTenant_tenantClaimOfAnotherTypeOrSpellingIsRefused() {
    JwtVerifier verifier =
        JwtVerifier.builder()
            .trust(TrustedIssuer.withKeys(ISSUER, TestTokens.keys()).forTenant("t1"))
            .audience(AUDIENCE)
            .clock(clock)
            .eventSink(events)
            .cacheVerifiedTokens(16, Duration.ofMinutes(1))
            .build();
    String ownTenant = claims("");
    List<String> signatures = new java.util.ArrayList<>();
    for (String tenant :
        List.of("1", "[\"t1\"]", "{\"id\":\"t1\"}", "\"T1\"", "\" t1\"", "\"t1 \"", "\"\"")) {
      String token = rs256(header("RS256", "k1"), ownTenant.replace("\"t1\"", tenant), RSA);
      signatures.add(token.substring(token.lastIndexOf('.') + 1));

      TokenVerification result = verifier.check(token);

      assertThat(result.reason()).as("tenant %s", tenant).isEqualTo(Reason.INVALID_CLAIMS);
      assertThat(verifier.check(token).reason())
          .as("tenant %s, seen again through the cache", tenant)
          .isEqualTo(Reason.INVALID_CLAIMS);
    }
    String nullTenant = rs256(header("RS256", "k1"), ownTenant.replace("\"t1\"", "null"), RSA);
    assertThat(verifier.verify(nullTenant).tenantId())
        .as("a null tenant claim is no tenant claim")
        .isEqualTo("t1");
    assertThat(events.events()).hasSize(14);
    assertThat(events.events().toString()).doesNotContain(signatures);
  }

  @Test
  void forTenant_tenantNoActorCanActIn_isRefusedWhenBound() {
    TrustedIssuer issuer = TrustedIssuer.withKeys(ISSUER, TestTokens.keys());

    assertThatThrownBy(() -> issuer.forTenant("acme\u202e"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tenant of issuer '" + ISSUER + "'");
    assertThatThrownBy(() -> issuer.forTenant("a".repeat(Actor.MAX_LENGTH + 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tenant of issuer '" + ISSUER + "'");
  }

  @Test
  void build_issuerBoundToAnotherTenantThanTheFixedOne_isRefused() {
    TrustedIssuer bound =
        TrustedIssuer.withKeys("https://idp.test", TestTokens.keys()).forTenant("a");

    assertThatThrownBy(() -> strict().trust(bound).fixedTenant("b").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("bound to tenant 'a'")
        .hasMessageContaining("fixed tenant 'b'");
    assertThat(strict().fixedTenant("a").build()).isNotNull();
    assertThatThrownBy(() -> bound.forTenant("c"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already bound to tenant 'a'");
    assertThatThrownBy(() -> TrustedIssuer.withKeys(ISSUER, TestTokens.keys()).forTenant(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be blank");
  }

  @Test
  void verify_missingTenantClaim_rejectedAsInvalidClaims() {
    String token = rs256(header("RS256", "k1"), claims("").replace("\"tenant\":\"t1\",", ""), RSA);

    assertThat(strict().build().check(token).reason()).isEqualTo(Reason.INVALID_CLAIMS);
  }

  @Test
  void verify_unknownKind_rejectedAsInvalidClaims() {
    JwtVerifier verifier = strict().kindClaim("kind").build();

    assertThat(verifier.check(valid(",\"kind\":\"root\"")).reason())
        .isEqualTo(Reason.INVALID_CLAIMS);
  }

  @Test
  void verify_missingTyp_acceptedOnlyAfterAllowMissingTyp() {
    String token = rs256("{\"alg\":\"RS256\",\"kid\":\"k1\"}", claims(""), RSA);

    assertThat(strict().build().check(token).reason()).isEqualTo(Reason.WRONG_TYPE);
    assertThat(strict().allowMissingTyp().build().check(token).isVerified()).isTrue();
    String wrongType =
        rs256("{\"alg\":\"RS256\",\"typ\":\"JOSE+JSON\",\"kid\":\"k1\"}", claims(""), RSA);
    assertThat(strict().allowMissingTyp().build().check(wrongType).reason())
        .as("a present typ must still match")
        .isEqualTo(Reason.WRONG_TYPE);
  }

  @Test
  void verify_requiredAccessTokenType_acceptsMediaTypeForm() {
    JwtVerifier verifier = strict().requireType("at+jwt").build();
    String token =
        rs256("{\"alg\":\"RS256\",\"typ\":\"application/AT+JWT\",\"kid\":\"k1\"}", claims(""), RSA);

    assertThat(verifier.check(token).isVerified()).isTrue();
    assertThat(verifier.check(valid("")).reason()).isEqualTo(Reason.WRONG_TYPE);
  }

  @Test
  void verify_expiryWithinSkew_acceptedAndBeyondRejected() {
    JwtVerifier verifier = strict().build();
    String token =
        rs256(
            header("RS256", "k1"),
            claims("").replaceFirst("\"exp\":\\d+", "\"exp\":" + seconds(NOW)),
            RSA);

    clock.advance(Duration.ofSeconds(59));
    assertThat(verifier.check(token).isVerified()).isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(verifier.check(token).reason()).isEqualTo(Reason.EXPIRED);
  }

  @Test
  void verify_zeroSkew_rejectsAtExpiry() {
    JwtVerifier verifier = strict().clockSkew(Duration.ZERO).build();
    String token =
        rs256(
            header("RS256", "k1"),
            claims("").replaceFirst("\"exp\":\\d+", "\"exp\":" + (seconds(NOW) + 1)),
            RSA);

    assertThat(verifier.check(token).isVerified()).isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(verifier.check(token).reason()).isEqualTo(Reason.EXPIRED);
  }

  @Test
  void verify_audienceList_acceptedWhenItContainsOurs() {
    String token =
        rs256(
            header("RS256", "k1"),
            claims("").replace("\"aud\":\"api\"", "\"aud\":[\"billing\",\"api\"]"),
            RSA);

    assertThat(strict().build().check(token).isVerified()).isTrue();
  }

  @Test
  void verifyAuthorizationHeader_bearerSchemeRequired() {
    JwtVerifier verifier = strict().build();

    assertThat(verifier.verifyAuthorizationHeader("bearer " + valid("")).id()).isEqualTo("user-1");
    assertThatThrownBy(() -> verifier.verifyAuthorizationHeader(null))
        .isInstanceOf(Unauthenticated.class)
        .hasMessage(Unauthenticated.PUBLIC_MESSAGE);
    assertThatThrownBy(() -> verifier.verifyAuthorizationHeader("Basic dXNlcjpwYXNz"))
        .isInstanceOf(Unauthenticated.class);
    assertThat(events.events(TokenRejectedEvent.class)).hasSize(2);
  }

  @Test
  void rejection_publishesEventAndTrustedIssuerOnly() {
    JwtVerifier verifier = strict().build();
    clock.advance(Duration.ofHours(1));

    verifier.check(valid(""));

    TokenRejectedEvent event = events.events(TokenRejectedEvent.class).get(0);
    assertThat(event.type()).isEqualTo("auth.token_rejected");
    assertThat(event.reason()).isEqualTo(Reason.EXPIRED);
    assertThat(event.issuer()).contains(ISSUER);
    assertThat(event.attributes())
        .containsEntry("reason", "EXPIRED")
        .containsEntry("issuer", ISSUER);
    assertThat(event.context().occurredAt()).isEqualTo(clock.instant());
  }

  @Test
  void revocationCheck_revokedSession_rejected() {
    Set<String> revoked = ConcurrentHashMap.newKeySet();
    JwtVerifier verifier = strict().revocationCheck((issuer, sid) -> revoked.contains(sid)).build();
    String token = valid(",\"sid\":\"s-1\"");

    assertThat(verifier.check(token).isVerified()).isTrue();
    revoked.add("s-1");
    assertThat(verifier.check(token).reason()).isEqualTo(Reason.REVOKED);
  }

  @Test
  void revocationCheck_failing_failsClosed() {
    JwtVerifier verifier =
        strict()
            .revocationCheck(
                (issuer, sid) -> {
                  throw new IllegalStateException("store down");
                })
            .build();

    assertThat(verifier.check(valid(",\"jti\":\"j-1\"")).reason()).isEqualTo(Reason.REVOKED);
  }

  @Test
  void cache_secondVerification_skipsKeyLookup() {
    CountingSource keys = new CountingSource();
    JwtVerifier verifier =
        JwtVerifier.builder()
            .trust(TrustedIssuer.withKeySource(ISSUER, keys))
            .audience(AUDIENCE)
            .clock(clock)
            .cacheVerifiedTokens(100, Duration.ofMinutes(10))
            .build();
    String token = valid("");

    verifier.verify(token);
    verifier.verify(token);
    verifier.verify(token);

    assertThat(keys.calls.get()).isEqualTo(1);
  }

  @Test
  void cache_entryNeverOutlivesExp() {
    CountingSource keys = new CountingSource();
    JwtVerifier verifier =
        JwtVerifier.builder()
            .trust(TrustedIssuer.withKeySource(ISSUER, keys))
            .audience(AUDIENCE)
            .clock(clock)
            .clockSkew(Duration.ZERO)
            .cacheVerifiedTokens(100, Duration.ofHours(1))
            .build();
    String token = valid(""); // exp = NOW + 300 s

    verifier.verify(token);
    clock.advance(Duration.ofSeconds(300));

    assertThat(verifier.check(token).reason()).isEqualTo(Reason.EXPIRED);
  }

  @Test
  void cache_keyedByWholeToken_tamperedPayloadWithCachedSignatureRejected() {
    JwtVerifier verifier = strict().cacheVerifiedTokens(100, Duration.ofMinutes(10)).build();
    String token = valid("");
    verifier.verify(token);
    String[] parts = token.split("\\.");
    String tampered =
        parts[0] + "." + TestTokens.b64(claims("").replace("viewer", "admin")) + "." + parts[2];

    assertThat(verifier.check(tampered).reason()).isEqualTo(Reason.BAD_SIGNATURE);
  }

  @Test
  void cache_revocationCheckedOnHits() {
    Set<String> revoked = ConcurrentHashMap.newKeySet();
    JwtVerifier verifier =
        strict()
            .cacheVerifiedTokens(10, Duration.ofMinutes(10))
            .revocationCheck((issuer, sid) -> revoked.contains(sid))
            .build();
    String token = valid(",\"sid\":\"s-9\"");
    verifier.verify(token);

    revoked.add("s-9");

    assertThat(verifier.check(token).reason()).isEqualTo(Reason.REVOKED);
  }

  @Test
  void cache_concurrentVerifications_alwaysReturnTheTokensOwnActor() throws Exception {
    JwtVerifier verifier = strict().cacheVerifiedTokens(8, Duration.ofMinutes(10)).build();
    int users = 16;
    String[] tokens = new String[users];
    for (int u = 0; u < users; u++) {
      tokens[u] = rs256(header("RS256", "k1"), claims("").replace("user-1", "user-" + u), RSA);
    }
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(6);
    java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
    try {
      List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
      for (int t = 0; t < 6; t++) {
        int offset = t;
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  int wrong = 0;
                  for (int i = 0; i < 300; i++) {
                    int u = (i * 7 + offset) % users;
                    if (!verifier.verify(tokens[u]).id().equals("user-" + u)) {
                      wrong++;
                    }
                  }
                  return wrong;
                }));
      }
      start.countDown();
      for (java.util.concurrent.Future<Integer> result : results) {
        assertThat(result.get(60, java.util.concurrent.TimeUnit.SECONDS)).isZero();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void cache_isBoundedInSize() {
    VerifiedTokenCache cache = new VerifiedTokenCache(3);
    Actor actor = Actor.person("u", "t");
    for (int i = 0; i < 10; i++) {
      cache.put(
          cache.keyOf("token-" + i),
          new VerifiedTokenCache.Entry(actor, ISSUER, null, NOW.plusSeconds(60)));
    }

    assertThat(cache.size()).isEqualTo(3);
    assertThat(cache.get(cache.keyOf("token-9"), NOW)).isNotNull();
    assertThat(cache.get(cache.keyOf("token-0"), NOW)).isNull();
  }

  @Test
  void builder_misuse_isRefused() {
    assertThatThrownBy(() -> JwtVerifier.builder().audience(AUDIENCE).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("trusted issuer");
    assertThatThrownBy(
            () ->
                JwtVerifier.builder()
                    .trust(TrustedIssuer.withKeys(ISSUER, TestTokens.keys()))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("audience");
    assertThatThrownBy(() -> JwtVerifier.builder().algorithms(JWSAlgorithm.HS256))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("HS256");
    assertThatThrownBy(() -> JwtVerifier.builder().clockSkew(Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("clock skew must be between 0 and 5 minutes, but was PT1H");
    assertThatThrownBy(() -> JwtVerifier.builder().fixedTenant("t").tenantClaim("org"))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> JwtVerifier.builder().tenantClaim("org").fixedTenant("t"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("fixed tenant cannot be combined with a tenant claim");
    assertThatThrownBy(
            () ->
                JwtVerifier.builder()
                    .trust(TrustedIssuer.withKeys(ISSUER, TestTokens.keys()))
                    .trust(TrustedIssuer.withKeys(ISSUER, TestTokens.keys())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("twice");
  }

  @Test
  void algorithms_restricted_refusesOthers() {
    JwtVerifier verifier = strict().algorithms(JWSAlgorithm.ES256).build();

    assertThat(verifier.check(valid("")).reason()).isEqualTo(Reason.ALGORITHM_NOT_ALLOWED);
  }

  @Test
  void trustedIssuer_privateKeysAreDropped() throws Exception {
    TrustedIssuer issuer = TrustedIssuer.withKey(ISSUER, RSA);

    List<JWK> keys =
        issuer
            .keys()
            .get(new JWKSelector(new com.nimbusds.jose.jwk.JWKMatcher.Builder().build()), null);

    assertThat(keys).singleElement().satisfies(k -> assertThat(k.isPrivate()).isFalse());
  }

  /** A key source that counts lookups. */
  private static final class CountingSource implements JWKSource<SecurityContext> {
    final AtomicInteger calls = new AtomicInteger();
    final ImmutableJWKSet<SecurityContext> delegate = new ImmutableJWKSet<>(TestTokens.keys());

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) {
      calls.incrementAndGet();
      return selector.select(delegate.getJWKSet());
    }
  }
}
