package dev.guardrails.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.guardrails.auth.spi.RevocationCheck;
import dev.guardrails.core.Actor;
import dev.guardrails.core.EventContext;
import dev.guardrails.core.EventSink;
import dev.guardrails.core.EventSinks;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signs short-lived session tokens for applications that log users in themselves, and verifies them
 * through a {@link JwtVerifier} from {@link #verifierBuilder()}.
 *
 * <p>Tokens are ES256 JWTs with {@code typ JWT}, the key's thumbprint as {@code kid}, {@code iss},
 * {@code aud}, {@code sub}, {@code tenant}, {@code roles}, {@code kind}, {@code iat}, {@code exp},
 * and a random session id in {@code sid} and {@code jti}. {@link #rotateKey()} starts signing with
 * a new key while the old one keeps verifying until the tokens it signed have expired, and no
 * longer (even without another rotation). {@link #revokeSession(String)} refuses a session's tokens
 * from then on (remembered until they would have expired anyway). Keys and revocations live in
 * memory: an application with several instances shares a signing key through its own key store and
 * revocations through a {@link RevocationCheck} over a database.
 *
 * <p>Thread-safe.
 */
public final class LocalTokenIssuer {

  private static final Duration MAX_LIFETIME = Duration.ofHours(24);
  private static final Duration SKEW = Duration.ofSeconds(60);

  private final String issuer;
  private final String audience;
  private final Duration lifetime;
  private final Clock clock;
  private final SecureRandom random;
  private final EventSink eventSink;
  private final Map<String, Instant> revoked = new ConcurrentHashMap<>();
  private final Object keyLock = new Object();
  private volatile KeyRing ring;

  /** The current signing key and the retired keys that still verify, with their end of life. */
  private record KeyRing(ECKey current, Map<ECKey, Instant> retired, JWKSet publicKeys) {}

  private LocalTokenIssuer(Builder b) {
    this.issuer = b.issuer;
    this.audience = b.audience;
    this.lifetime = b.lifetime;
    this.clock = b.clock;
    this.random = b.random;
    this.eventSink = b.eventSink;
    this.ring = ring(newKey(), Map.of());
  }

  /**
   * Starts an issuer.
   *
   * @param issuer the {@code iss} of the tokens, e.g. {@code https://app.example.com}
   * @param audience the {@code aud} of the tokens, e.g. {@code app}
   * @return a builder
   * @throws IllegalArgumentException if an argument is blank
   */
  public static Builder builder(String issuer, String audience) {
    return new Builder(requireNonBlank(issuer, "issuer"), requireNonBlank(audience, "audience"));
  }

  /**
   * Issues a session token for an actor and publishes an {@code auth.session_issued} event.
   *
   * @param actor who the session belongs to
   * @return the token, its session id and its expiry
   * @throws NullPointerException if the actor is null
   */
  public IssuedToken issue(Actor actor) {
    Objects.requireNonNull(actor, "actor");
    Instant now = clock.instant();
    Instant expiresAt = now.plus(lifetime);
    String sessionId = newSessionId();
    ECKey key = ring.current();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .audience(audience)
            .subject(actor.id())
            .claim("tenant", actor.tenantId())
            .claim("roles", new ArrayList<>(actor.roles()))
            .claim("kind", actor.kind().name().toLowerCase(java.util.Locale.ROOT))
            .issueTime(Date.from(now))
            .expirationTime(Date.from(expiresAt))
            .claim("sid", sessionId)
            .jwtID(sessionId)
            .build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(JOSEObjectType.JWT)
                .keyID(key.getKeyID())
                .build(),
            claims);
    try {
      jwt.sign(new ECDSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException("session token cannot be signed", e);
    }
    eventSink.publish(
        AuthEvent.sessionIssued(
            EventContext.capture(clock), actor, sessionId, expiresAt.toString()));
    return new IssuedToken(jwt.serialize(), sessionId, expiresAt);
  }

  /**
   * Starts signing with a new key; the previous key keeps verifying until the tokens it signed have
   * expired.
   *
   * @return the new key's id
   */
  public String rotateKey() {
    synchronized (keyLock) {
      Instant now = clock.instant();
      Map<ECKey, Instant> retired = stillVerifying(ring.retired(), now);
      retired.put(ring.current(), now.plus(lifetime).plus(SKEW));
      ECKey next = newKey();
      ring = ring(next, retired);
      return next.getKeyID();
    }
  }

  /**
   * The key ring without the retired keys whose end of life has passed: a retired key stops
   * verifying once the tokens it signed have expired, whether or not the key is rotated again (a
   * leaked key must not keep signing valid tokens).
   */
  private KeyRing liveRing() {
    KeyRing current = ring;
    Instant now = clock.instant();
    for (Instant until : current.retired().values()) {
      if (!until.isAfter(now)) {
        synchronized (keyLock) {
          ring = ring(ring.current(), stillVerifying(ring.retired(), now));
          return ring;
        }
      }
    }
    return current;
  }

  private static Map<ECKey, Instant> stillVerifying(Map<ECKey, Instant> retired, Instant now) {
    Map<ECKey, Instant> live = new java.util.LinkedHashMap<>();
    retired.forEach(
        (key, until) -> {
          if (until.isAfter(now)) {
            live.put(key, until);
          }
        });
    return live;
  }

  /**
   * Revokes a session: its tokens are refused from now on by verifiers that use {@link
   * #revocationCheck()}. Publishes an {@code auth.session_revoked} event.
   *
   * @param sessionId the session id from {@link IssuedToken#sessionId()}
   * @throws NullPointerException if the id is null
   */
  public void revokeSession(String sessionId) {
    Objects.requireNonNull(sessionId, "sessionId");
    Instant now = clock.instant();
    revoked.values().removeIf(forgetAt -> !forgetAt.isAfter(now));
    // the session's tokens expire by now + lifetime, and a verifier accepts them for up to its
    // clock skew after that, so the revocation is kept until the largest skew has passed too
    revoked.put(sessionId, now.plus(lifetime).plus(JwtVerifier.MAX_CLOCK_SKEW));
    eventSink.publish(AuthEvent.sessionRevoked(EventContext.capture(clock), sessionId));
  }

  /** {@return a revocation check over this issuer's revoked sessions} */
  public RevocationCheck revocationCheck() {
    return (tokenIssuer, sessionId) -> tokenIssuer.equals(issuer) && revoked.containsKey(sessionId);
  }

  /** {@return this issuer with its current public keys, for a {@link JwtVerifier}} */
  public TrustedIssuer trustedIssuer() {
    return TrustedIssuer.withKeySource(
        issuer, (selector, context) -> selector.select(liveRing().publicKeys()));
  }

  /** {@return the public keys that currently verify, e.g. to publish as a JWKS} */
  public JWKSet publicKeys() {
    return liveRing().publicKeys();
  }

  /**
   * Returns a verifier builder for this issuer's tokens: trusted issuer, audience, kind claim,
   * revocation check and clock are set; add other issuers or an event sink before {@code build()}.
   *
   * @return a builder
   */
  public JwtVerifier.Builder verifierBuilder() {
    return JwtVerifier.builder()
        .trust(trustedIssuer())
        .audience(audience)
        .kindClaim("kind")
        .revocationCheck(revocationCheck())
        .clock(clock);
  }

  private String newSessionId() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private ECKey newKey() {
    try {
      return new ECKeyGenerator(Curve.P_256)
          .keyIDFromThumbprint(true)
          .secureRandom(random)
          .generate();
    } catch (JOSEException e) {
      throw new IllegalStateException("signing key cannot be generated", e);
    }
  }

  private static KeyRing ring(ECKey current, Map<ECKey, Instant> retired) {
    List<JWK> keys = new ArrayList<>();
    keys.add(current.toPublicJWK());
    retired.keySet().forEach(key -> keys.add(key.toPublicJWK()));
    return new KeyRing(current, Map.copyOf(retired), new JWKSet(keys));
  }

  private static String requireNonBlank(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value;
  }

  @Override
  public String toString() {
    return "LocalTokenIssuer[" + issuer + " lifetime=" + lifetime + "]";
  }

  /** Builds a {@link LocalTokenIssuer}. Not thread-safe. */
  public static final class Builder {
    private final String issuer;
    private final String audience;
    private Duration lifetime = Duration.ofMinutes(15);
    private Clock clock = Clock.systemUTC();
    private SecureRandom random = new SecureRandom();
    private EventSink eventSink = EventSink.noop();

    private Builder(String issuer, String audience) {
      this.issuer = issuer;
      this.audience = audience;
    }

    /**
     * Sets how long a token lives (default 15 minutes).
     *
     * @param lifetime positive, at most 24 hours
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder tokenLifetime(Duration lifetime) {
      Objects.requireNonNull(lifetime, "lifetime");
      if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_LIFETIME) > 0) {
        throw new IllegalArgumentException(
            "token lifetime must be positive and at most 24 hours, but was " + lifetime);
      }
      this.lifetime = lifetime;
      return this;
    }

    /**
     * Sets the clock for {@code iat}, {@code exp} and rotation (default UTC system clock).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the source of key material and session ids (default a new {@link SecureRandom}).
     *
     * @param random a cryptographically strong source
     * @return this builder
     */
    public Builder random(SecureRandom random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Sets where session events go (default nowhere). A sink that throws is logged and skipped.
     *
     * @param sink the sink
     * @return this builder
     */
    public Builder eventSink(EventSink sink) {
      this.eventSink = EventSinks.failSafe(Objects.requireNonNull(sink, "sink"));
      return this;
    }

    /** {@return a new issuer with a freshly generated signing key} */
    public LocalTokenIssuer build() {
      return new LocalTokenIssuer(this);
    }
  }
}
