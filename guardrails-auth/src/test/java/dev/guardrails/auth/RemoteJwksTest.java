package dev.guardrails.auth;

import static dev.guardrails.auth.TestTokens.AUDIENCE;
import static dev.guardrails.auth.TestTokens.ISSUER;
import static dev.guardrails.auth.TestTokens.NOW;
import static dev.guardrails.auth.TestTokens.RSA;
import static dev.guardrails.auth.TestTokens.claims;
import static dev.guardrails.auth.TestTokens.header;
import static dev.guardrails.auth.TestTokens.rs256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpServer;
import dev.guardrails.auth.TokenRejection.Reason;
import dev.guardrails.core.InMemoryEventSink;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Remote JWKS through Nimbus's source builder, against a JDK HTTP server on loopback. */
final class RemoteJwksTest {

  private final AtomicInteger fetches = new AtomicInteger();
  private final AtomicBoolean down = new AtomicBoolean();
  private final AtomicReference<JWKSet> published = new AtomicReference<>(TestTokens.keys());
  private final InMemoryEventSink events = new InMemoryEventSink();
  private HttpServer server;
  private URL jwksUrl;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/jwks",
        exchange -> {
          fetches.incrementAndGet();
          byte[] body =
              down.get()
                  ? "unavailable".getBytes(StandardCharsets.UTF_8)
                  : published.get().toString().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(down.get() ? 503 : 200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
    jwksUrl = new URL("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks");
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
    ((ExecutorService) server.getExecutor()).shutdownNow();
  }

  private JwtVerifier verifier() {
    return verifier(Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private JwtVerifier verifier(Clock clock) {
    return JwtVerifier.builder()
        .trust(TrustedIssuer.remote(ISSUER, jwksUrl).allowPlainHttp().clock(clock).build())
        .audience(AUDIENCE)
        .clock(clock)
        .eventSink(events)
        .build();
  }

  /** A token that stays valid for a day, so the clock can move through cache and outage windows. */
  private static String longLived(String kid, RSAKey key) {
    return rs256(
        header("RS256", kid),
        claims("").replaceFirst("\"exp\":\\d+", "\"exp\":" + (NOW.getEpochSecond() + 86_400)),
        key);
  }

  @Test
  void cacheExpiry_refetchesOnceAfterTimeToLive() {
    MutableClock clock = new MutableClock(NOW);
    JwtVerifier verifier = verifier(clock);
    String token = longLived("k1", RSA);
    verifier.verify(token);

    clock.advance(Duration.ofMinutes(10));
    verifier.verify(token);
    assertThat(fetches.get()).as("within the time to live").isEqualTo(1);

    clock.advance(Duration.ofMinutes(6));
    verifier.verify(token);
    assertThat(fetches.get()).as("after the time to live").isEqualTo(2);
  }

  @Test
  void outageTolerance_servesLastKeysThenFailsClosedWhenItEnds() {
    MutableClock clock = new MutableClock(NOW);
    JwtVerifier verifier = verifier(clock);
    String token = longLived("k1", RSA);
    verifier.verify(token);
    down.set(true);

    clock.advance(Duration.ofMinutes(16));
    assertThat(verifier.check(token).isVerified()).as("issuer down, last keys served").isTrue();

    clock.advance(Duration.ofHours(5));
    assertThat(verifier.check(token).reason())
        .as("outage tolerance over: fail closed")
        .isEqualTo(Reason.KEY_SOURCE_UNAVAILABLE);
    assertThat(events.events(TokenRejectedEvent.class)).isNotEmpty();
  }

  @Test
  void rateLimit_opensAgainAfterTheInterval() {
    MutableClock clock = new MutableClock(NOW);
    JwtVerifier verifier = verifier(clock);
    verifier.verify(longLived("k1", RSA));
    for (int i = 0; i < 20; i++) {
      verifier.check(longLived("random-" + i, RSA));
    }
    assertThat(fetches.get()).isEqualTo(2);

    clock.advance(Duration.ofSeconds(31));
    verifier.check(longLived("random-after", RSA));

    assertThat(fetches.get()).isEqualTo(3);
  }

  @Test
  void verify_remoteKeys_fetchedOnceAndCached() {
    JwtVerifier verifier = verifier();

    for (int i = 0; i < 20; i++) {
      assertThat(verifier.verify(TestTokens.valid(",\"n\":" + i)).id()).isEqualTo("user-1");
    }

    assertThat(fetches.get()).isEqualTo(1);
  }

  @Test
  void randomKidFlood_isRateLimited_andRealUsersStayIn() throws Exception {
    JwtVerifier verifier = verifier();
    String realToken = TestTokens.valid("");
    verifier.verify(realToken);
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<int[]>> results = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        long seed = t;
        results.add(
            pool.submit(
                () -> {
                  SplittableRandom random = new SplittableRandom(seed);
                  start.await();
                  int unknownKey = 0;
                  int realVerified = 0;
                  for (int i = 0; i < 60; i++) {
                    String kid = "k" + Long.toHexString(random.nextLong());
                    TokenVerification flood =
                        verifier.check(rs256(header("RS256", kid), claims(""), RSA));
                    if (flood.reason() == Reason.UNKNOWN_KEY) {
                      unknownKey++;
                    }
                    if (verifier.check(realToken).isVerified()) {
                      realVerified++;
                    }
                  }
                  return new int[] {unknownKey, realVerified};
                }));
      }
      start.countDown();
      for (Future<int[]> result : results) {
        int[] counts = result.get(60, TimeUnit.SECONDS);
        assertThat(counts[0]).as("flood tokens refused as unknown key").isEqualTo(60);
        assertThat(counts[1]).as("real user verified throughout").isEqualTo(60);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(fetches.get())
        .as("480 random kids cause at most one refetch per interval")
        .isLessThanOrEqualTo(2);
  }

  @Test
  void keyRotation_newKidTriggersOneRefetch() {
    JwtVerifier verifier = verifier();
    verifier.verify(TestTokens.valid(""));
    RSAKey rotated = TestTokens.rsa("k2");
    published.set(new JWKSet(List.of(RSA.toPublicJWK(), rotated.toPublicJWK())));

    assertThat(verifier.verify(rs256(header("RS256", "k2"), claims(""), rotated)).id())
        .isEqualTo("user-1");
    assertThat(fetches.get()).isEqualTo(2);
  }

  @Test
  void keySourceFailure_urlCredentialsAndQueryNeverReachTheDetailOrTheEvent() throws Exception {
    down.set(true);
    jwksUrl =
        new URL(
            "http://jwks-user:s3cret-pass@127.0.0.1:"
                + server.getAddress().getPort()
                + "/jwks?api_key=s3cret-query");
    JwtVerifier verifier = verifier();

    TokenVerification result = verifier.check(TestTokens.valid(""));

    assertThat(result.reason()).isEqualTo(Reason.KEY_SOURCE_UNAVAILABLE);
    String detail = result.rejection().orElseThrow().detail();
    assertThat(detail).doesNotContain("s3cret").doesNotContain("jwks-user");
    assertThat(events.events(TokenRejectedEvent.class).get(0).toString()).doesNotContain("s3cret");
  }

  @Test
  void issuerDownFromTheStart_failsClosedAndSaysSo() {
    down.set(true);
    JwtVerifier verifier = verifier();

    TokenVerification result = verifier.check(TestTokens.valid(""));

    assertThat(result.reason()).isEqualTo(Reason.KEY_SOURCE_UNAVAILABLE);
    assertThat(events.events(TokenRejectedEvent.class).get(0).reason())
        .isEqualTo(Reason.KEY_SOURCE_UNAVAILABLE);
    assertThat(fetches.get()).as("one retry").isEqualTo(2);
  }

  @Test
  void issuerOutage_cachedKeysKeepRealUsersInWhileUnknownKidsAreRefused() {
    JwtVerifier verifier = verifier();
    String realToken = TestTokens.valid("");
    verifier.verify(realToken);
    down.set(true);

    TokenVerification unknown = verifier.check(rs256(header("RS256", "gone"), claims(""), RSA));

    assertThat(unknown.reason()).isIn(Reason.UNKNOWN_KEY, Reason.KEY_SOURCE_UNAVAILABLE);
    assertThat(verifier.check(realToken).isVerified()).isTrue();
  }

  @Test
  void remoteBuilder_plainHttpRefusedByDefault() {
    assertThatThrownBy(() -> TrustedIssuer.remote(ISSUER, jwksUrl).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("must use https")
        .hasMessageContaining("allowPlainHttp()");
  }

  @Test
  void remoteBuilder_inconsistentTimings_refused() {
    assertThatThrownBy(
            () ->
                TrustedIssuer.remote(ISSUER, jwksUrl)
                    .allowPlainHttp()
                    .cacheTimeToLive(Duration.ofSeconds(10))
                    .refreshAhead(Duration.ofSeconds(30))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("refresh ahead");
    assertThatThrownBy(() -> TrustedIssuer.remote(ISSUER, jwksUrl).refetchInterval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("refetch interval must be positive, but was PT0S");
  }
}
