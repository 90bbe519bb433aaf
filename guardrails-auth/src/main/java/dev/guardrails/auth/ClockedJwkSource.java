package dev.guardrails.auth;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Nimbus's {@code JWKSetBasedJWKSource} with an injected clock: the chain that {@code
 * JWKSourceBuilder} composes (cache, refresh-ahead, rate limit, retry, outage tolerance) takes the
 * current time as an argument, and this source passes the clock's instead of the system's. Looks in
 * the cached set first and asks for one refresh when no key matches (an unknown {@code kid}), which
 * the rate limiter may refuse. Thread-safe when the wrapped chain is.
 */
final class ClockedJwkSource implements JWKSource<SecurityContext>, Closeable {

  private final JWKSetSource<SecurityContext> source;
  private final Clock clock;

  ClockedJwkSource(JWKSetSource<SecurityContext> source, Clock clock) {
    this.source = source;
    this.clock = clock;
  }

  @Override
  public List<JWK> get(JWKSelector selector, @Nullable SecurityContext context)
      throws KeySourceException {
    long now = clock.millis();
    JWKSet cached = source.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), now, context);
    List<JWK> selected = selector.select(cached);
    if (!selected.isEmpty()) {
      return selected;
    }
    JWKSet refreshed =
        source.getJWKSet(JWKSetCacheRefreshEvaluator.referenceComparison(cached), now, context);
    return selector.select(refreshed);
  }

  @Override
  public void close() throws IOException {
    source.close();
  }
}
