package dev.guardrails.auth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSetBasedJWKSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.OutageTolerantJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.ResourceRetriever;
import dev.guardrails.core.Actor;
import java.net.URL;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An issuer whose tokens a {@link JwtVerifier} accepts, bound to the keys that may sign them: a
 * token whose {@code iss} names this issuer is only ever checked against this issuer's keys.
 *
 * <p>Keys come from a fixed public {@link JWKSet}, from any Nimbus {@link JWKSource}, or from a
 * remote JWKS URL through Nimbus's {@link JWKSourceBuilder} with caching, refresh-ahead, a rate
 * limit on refetches for unknown {@code kid}s, a retry and outage tolerance all switched on (see
 * {@link #remote(String, URL)}). Immutable and thread-safe.
 *
 * <p>A verifier that trusts several issuers takes the tenant from each token's claim, so any of
 * them can mint a token for any tenant. Where an issuer serves one tenant only (a customer's own
 * identity provider), bind it with {@link #forTenant(String)}: its tokens then act in that tenant
 * and are rejected when they claim another.
 */
public final class TrustedIssuer {

  private final String issuer;
  private final JWKSource<SecurityContext> keys;
  private final @Nullable String tenantId;

  private TrustedIssuer(String issuer, JWKSource<SecurityContext> keys) {
    this(issuer, keys, null);
  }

  private TrustedIssuer(String issuer, JWKSource<SecurityContext> keys, @Nullable String tenantId) {
    this.issuer = requireIssuer(issuer);
    this.keys = keys;
    this.tenantId = tenantId;
  }

  /**
   * Returns an issuer with a fixed key set; private parts of the keys are dropped.
   *
   * @param issuer the exact {@code iss} value
   * @param keys the issuer's public keys
   * @return the trusted issuer
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the issuer is blank or the key set is empty
   */
  public static TrustedIssuer withKeys(String issuer, JWKSet keys) {
    Objects.requireNonNull(keys, "keys");
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("key set of issuer '" + issuer + "' must not be empty");
    }
    return new TrustedIssuer(issuer, new ImmutableJWKSet<>(keys.toPublicJWKSet()));
  }

  /**
   * Returns an issuer with one fixed key; its private part is dropped.
   *
   * @param issuer the exact {@code iss} value
   * @param key the issuer's key
   * @return the trusted issuer
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the issuer is blank
   */
  public static TrustedIssuer withKey(String issuer, JWK key) {
    return withKeys(issuer, new JWKSet(Objects.requireNonNull(key, "key")));
  }

  /**
   * Returns an issuer with any Nimbus key source, e.g. one built by hand with {@link
   * JWKSourceBuilder}; the source is used as is.
   *
   * @param issuer the exact {@code iss} value
   * @param keys the key source
   * @return the trusted issuer
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the issuer is blank
   */
  public static TrustedIssuer withKeySource(String issuer, JWKSource<SecurityContext> keys) {
    return new TrustedIssuer(issuer, Objects.requireNonNull(keys, "keys"));
  }

  /**
   * Starts a remote issuer whose keys are fetched from a JWKS URL. Defaults: cache for 15 minutes,
   * refresh 1 minute ahead of expiry, at most one refetch per 30 seconds for an unknown {@code kid}
   * (so a flood of tokens with random {@code kid}s cannot hammer the issuer or evict the cache),
   * one retry, serve the last key set for up to 4 hours while the issuer is down, 2 s connect and
   * read timeouts, 256 KiB size limit, HTTPS only.
   *
   * @param issuer the exact {@code iss} value
   * @param jwksUrl where the issuer publishes its keys
   * @return a builder
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the issuer is blank
   */
  public static RemoteBuilder remote(String issuer, URL jwksUrl) {
    return new RemoteBuilder(requireIssuer(issuer), Objects.requireNonNull(jwksUrl, "jwksUrl"));
  }

  /** {@return the exact {@code iss} value this issuer signs with} */
  public String issuer() {
    return issuer;
  }

  /** {@return the source of the issuer's verification keys} */
  public JWKSource<SecurityContext> keys() {
    return keys;
  }

  /**
   * Returns this issuer bound to one tenant: its tokens act in that tenant, a token without the
   * verifier's tenant claim gets it, and a token whose tenant claim names another tenant is
   * rejected, so the issuer cannot speak for the other tenants of a multi-issuer verifier.
   *
   * @param tenantId the only tenant this issuer may issue tokens for
   * @return a new trusted issuer with the same keys
   * @throws NullPointerException if the tenant is null
   * @throws IllegalArgumentException if the tenant is blank, longer than {@value Actor#MAX_LENGTH}
   *     characters or holds a control character, so no actor could act in it
   * @throws IllegalStateException if this issuer is already bound to a tenant
   */
  public TrustedIssuer forTenant(String tenantId) {
    Objects.requireNonNull(tenantId, "tenantId");
    if (this.tenantId != null) {
      throw new IllegalStateException(
          "issuer '" + issuer + "' is already bound to tenant '" + this.tenantId + "'");
    }
    try {
      // the same rule as every actor's tenant, checked now rather than on every token
      Actor.job("tenant-binding", tenantId);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "tenant of issuer '" + issuer + "' cannot be an actor's tenant: " + e.getMessage(), e);
    }
    return new TrustedIssuer(issuer, keys, tenantId);
  }

  /** {@return the tenant this issuer is bound to, if any; see {@link #forTenant(String)}} */
  public Optional<String> tenant() {
    return Optional.ofNullable(tenantId);
  }

  @Override
  public String toString() {
    return "TrustedIssuer[" + issuer + (tenantId == null ? "" : " tenant=" + tenantId) + "]";
  }

  private static String requireIssuer(String issuer) {
    Objects.requireNonNull(issuer, "issuer");
    if (issuer.isBlank()) {
      throw new IllegalArgumentException("issuer must not be blank");
    }
    return issuer;
  }

  /**
   * Builds a remote {@link TrustedIssuer}. Not thread-safe; {@link #build()} copies the settings.
   */
  public static final class RemoteBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(TrustedIssuer.class);

    private final String issuer;
    private final URL jwksUrl;
    private Duration cacheTimeToLive = Duration.ofMinutes(15);
    private Duration refreshAhead = Duration.ofMinutes(1);
    private Duration refreshTimeout = Duration.ofSeconds(5);
    private Duration refetchInterval = Duration.ofSeconds(30);
    private Duration outageTolerance = Duration.ofHours(4);
    private Duration connectTimeout = Duration.ofSeconds(2);
    private Duration readTimeout = Duration.ofSeconds(2);
    private int sizeLimitBytes = 256 * 1024;
    private boolean allowPlainHttp;
    private Clock clock = Clock.systemUTC();
    private @Nullable ExecutorService refreshExecutor;

    private RemoteBuilder(String issuer, URL jwksUrl) {
      this.issuer = issuer;
      this.jwksUrl = jwksUrl;
    }

    /**
     * Sets how long a fetched key set is used before it is fetched again (default 15 minutes).
     *
     * @param ttl positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public RemoteBuilder cacheTimeToLive(Duration ttl) {
      this.cacheTimeToLive = positive(ttl, "cache time to live");
      return this;
    }

    /**
     * Sets how long before expiry the key set is refreshed by the first request that sees it
     * (default 1 minute).
     *
     * @param refreshAhead positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public RemoteBuilder refreshAhead(Duration refreshAhead) {
      this.refreshAhead = positive(refreshAhead, "refresh ahead");
      return this;
    }

    /**
     * Sets the shortest interval between two refetches triggered by unknown {@code kid}s (default
     * 30 seconds).
     *
     * @param interval positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public RemoteBuilder refetchInterval(Duration interval) {
      this.refetchInterval = positive(interval, "refetch interval");
      return this;
    }

    /**
     * Sets how long the last key set keeps being served while the issuer cannot be reached (default
     * 4 hours).
     *
     * @param tolerance positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public RemoteBuilder outageTolerance(Duration tolerance) {
      this.outageTolerance = positive(tolerance, "outage tolerance");
      return this;
    }

    /**
     * Sets the HTTP connect and read timeouts (default 2 seconds each).
     *
     * @param connect positive, at most 1 minute
     * @param read positive, at most 1 minute
     * @return this builder
     * @throws IllegalArgumentException if a timeout is not positive or above 1 minute
     */
    public RemoteBuilder timeouts(Duration connect, Duration read) {
      this.connectTimeout = atMostOneMinute(positive(connect, "connect timeout"), "connect");
      this.readTimeout = atMostOneMinute(positive(read, "read timeout"), "read");
      return this;
    }

    /**
     * Sets the clock that drives the key cache, refresh-ahead, the refetch rate limit and outage
     * tolerance (default UTC system clock); use the verifier's clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public RemoteBuilder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the executor that refreshes the key set ahead of expiry in the background (default: one
     * daemon thread per issuer, started on the first refresh).
     *
     * @param executor the executor; not shut down by this library
     * @return this builder
     */
    public RemoteBuilder refreshExecutor(ExecutorService executor) {
      this.refreshExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Accepts a plain {@code http://} JWKS URL; for tests on loopback only. Keys fetched over plain
     * HTTP can be replaced by anyone on the path.
     *
     * @return this builder
     */
    public RemoteBuilder allowPlainHttp() {
      this.allowPlainHttp = true;
      return this;
    }

    /**
     * Builds the issuer.
     *
     * @return the trusted issuer
     * @throws IllegalStateException if the URL is not HTTPS (and plain HTTP was not allowed), or if
     *     refresh-ahead plus the refresh timeout does not fit in the cache time to live, or the
     *     refetch interval is not shorter than the cache time to live
     */
    public TrustedIssuer build() {
      String protocol = jwksUrl.getProtocol().toLowerCase(Locale.ROOT);
      if (!protocol.equals("https") && !(allowPlainHttp && protocol.equals("http"))) {
        throw new IllegalStateException(
            "jwks url of issuer '"
                + issuer
                + "' must use https, but was '"
                + UrlSecrets.redact(jwksUrl.toString())
                + "' (call allowPlainHttp() for a loopback test server)");
      }
      if (refreshAhead.plus(refreshTimeout).compareTo(cacheTimeToLive) >= 0) {
        throw new IllegalStateException(
            "refresh ahead plus refresh timeout must be shorter than the cache time to live, but were "
                + refreshAhead
                + " + "
                + refreshTimeout
                + " and "
                + cacheTimeToLive);
      }
      if (refetchInterval.compareTo(cacheTimeToLive) >= 0) {
        throw new IllegalStateException(
            "refetch interval must be shorter than the cache time to live, but were "
                + refetchInterval
                + " and "
                + cacheTimeToLive);
      }
      ExecutorService executor =
          refreshExecutor != null
              ? refreshExecutor
              : Executors.newSingleThreadExecutor(
                  task -> {
                    Thread thread = new Thread(task, "guardrails-jwks-refresh");
                    thread.setDaemon(true);
                    return thread;
                  });
      ResourceRetriever retriever =
          new DefaultResourceRetriever(
              (int) connectTimeout.toMillis(), (int) readTimeout.toMillis(), sizeLimitBytes);
      JWKSource<SecurityContext> source =
          JWKSourceBuilder.<SecurityContext>create(jwksUrl, retriever)
              .cache(cacheTimeToLive.toMillis(), refreshTimeout.toMillis())
              .refreshAheadCache(
                  refreshAhead.toMillis(),
                  event -> LOG.debug("jwks of issuer '{}': {}", issuer, event),
                  executor,
                  refreshExecutor == null,
                  null,
                  false)
              .rateLimited(
                  refetchInterval.toMillis(),
                  event ->
                      LOG.warn(
                          "jwks refetch of issuer '{}' rate limited: more unknown key ids than one"
                              + " refetch per {}",
                          issuer,
                          refetchInterval))
              .retrying(true)
              .outageTolerant(
                  outageTolerance.toMillis(),
                  event ->
                      LOG.warn(
                          "jwks of issuer '{}' cannot be fetched from {}; serving the last key set:"
                              + " {}",
                          issuer,
                          UrlSecrets.redact(jwksUrl.toString()),
                          event instanceof OutageTolerantJWKSetSource.OutageEvent<?> outage
                              ? UrlSecrets.redact(String.valueOf(outage.getException()))
                              : "no reason given"))
              .build();
      if (source instanceof JWKSetBasedJWKSource<SecurityContext> based) {
        return new TrustedIssuer(issuer, new ClockedJwkSource(based.getJWKSetSource(), clock));
      }
      throw new IllegalStateException("unexpected key source from the Nimbus builder: " + source);
    }

    private static Duration positive(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, but was " + value);
      }
      return value;
    }

    private static Duration atMostOneMinute(Duration value, String name) {
      if (value.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException(
            name + " timeout must be at most 1 minute, but was " + value);
      }
      return value;
    }
  }
}
