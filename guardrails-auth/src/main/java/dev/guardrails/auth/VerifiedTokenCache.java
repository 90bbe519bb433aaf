package dev.guardrails.auth;

import dev.guardrails.core.Actor;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A bounded cache of verified tokens, keyed by the SHA-256 of the whole token (never by the
 * signature alone, which an attacker could pair with another header and payload). An entry never
 * outlives the token's {@code exp}. Least recently used entries are evicted first. Thread-safe: one
 * lock around a small access-ordered map.
 */
final class VerifiedTokenCache {

  /** What a cache hit yields. */
  record Entry(Actor actor, String issuer, @Nullable String sessionId, Instant expiresAt) {}

  private final int maxEntries;
  private final Map<Key, Entry> entries;

  VerifiedTokenCache(int maxEntries) {
    this.maxEntries = maxEntries;
    this.entries = new LinkedHashMap<>(16, 0.75f, true);
  }

  static Key keyOf(String token) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return new Key(sha256.digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  /** Returns a live entry, removing it when it has expired at {@code now}. */
  @Nullable Entry get(Key key, Instant now) {
    synchronized (entries) {
      Entry entry = entries.get(key);
      if (entry != null && !now.isBefore(entry.expiresAt())) {
        entries.remove(key);
        return null;
      }
      return entry;
    }
  }

  void put(Key key, Entry entry) {
    synchronized (entries) {
      entries.put(key, entry);
      if (entries.size() > maxEntries) {
        var eldest = entries.keySet().iterator();
        eldest.next();
        eldest.remove();
      }
    }
  }

  int size() {
    synchronized (entries) {
      return entries.size();
    }
  }

  /** A token digest, compared by content. */
  static final class Key {
    private final byte[] digest;
    private final int hash;

    Key(byte[] digest) {
      this.digest = digest;
      this.hash = Arrays.hashCode(digest);
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Key other && MessageDigest.isEqual(digest, other.digest);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
