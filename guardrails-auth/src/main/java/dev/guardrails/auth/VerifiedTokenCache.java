package dev.guardrails.auth;

import dev.guardrails.core.Actor;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * A bounded cache of verified tokens, keyed by a secret-keyed 128-bit hash of the whole token
 * (never by the signature alone, which an attacker could pair with another header and payload). An
 * entry never outlives the token's {@code exp}. Least recently used entries are evicted first.
 * Thread-safe: one lock around a small access-ordered map.
 *
 * <p>The key is the token's length plus the 128-bit NH hash (the universal hash of UMAC, RFC 4418)
 * of all its characters under a random key drawn once per cache from {@link SecureRandom}: the
 * characters are packed into 64-bit words (eight to a word for Latin-1, which every well-formed
 * token is; four to a word, on a separate path that the key records, for anything else), each word
 * is added to its own key word, and the products of consecutive pairs are summed modulo
 * 2<sup>128</sup>. For any two different tokens of the same length, the chance that they share a
 * key is at most 2<sup>-64</sup> over the choice of the secret key, whatever tokens an attacker
 * picks; the hash is never revealed, so collisions cannot be searched for offline. A lookup costs
 * one copy of the token and one multiplication per sixteen characters, where a SHA-256 per lookup
 * dominated a cache hit. Raw tokens are not stored, so a heap dump does not hand out live bearer
 * tokens.
 */
final class VerifiedTokenCache {

  /** What a cache hit yields. */
  record Entry(Actor actor, String issuer, @Nullable String sessionId, Instant expiresAt) {}

  private static final int DEFAULT_MAX_TOKEN_LENGTH = 64 * 1024;
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final int maxEntries;
  private final int maxTokenLength;
  private final long[] secret;
  private final Map<Key, Entry> entries;

  /** A cache for tokens of up to 64 KiB characters, keyed with a {@link SecureRandom} secret. */
  VerifiedTokenCache(int maxEntries) {
    this(maxEntries, DEFAULT_MAX_TOKEN_LENGTH, new SecureRandom());
  }

  VerifiedTokenCache(int maxEntries, int maxTokenLength, RandomGenerator random) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException(
          "cache max entries must be at least 1, but was " + maxEntries);
    }
    if (maxTokenLength < 1) {
      throw new IllegalArgumentException(
          "max token length must be positive, but was " + maxTokenLength);
    }
    this.maxEntries = maxEntries;
    this.maxTokenLength = maxTokenLength;
    int words = (maxTokenLength + 3) / 4;
    this.secret = new long[words + (words & 1)];
    for (int i = 0; i < secret.length; i++) {
      secret[i] = random.nextLong();
    }
    this.entries = new LinkedHashMap<>(16, 0.75f, true);
  }

  /**
   * Returns the cache key of a token: its length and the keyed NH hash of every character.
   *
   * @throws IllegalArgumentException if the token is longer than this cache's maximum
   */
  Key keyOf(String token) {
    int length = token.length();
    if (length > maxTokenLength) {
      throw new IllegalArgumentException(
          "token to cache must have at most " + maxTokenLength + " characters, but had " + length);
    }
    // A well-formed token is ASCII, so it is hashed as bytes, eight to a word (for a Latin-1
    // string this encoding is a plain copy). ISO-8859-1 turns a character beyond Latin-1 into '?',
    // so any '?' sends the token down the exact sixteen-bit path, and the key records the path.
    byte[] latin1 = token.getBytes(StandardCharsets.ISO_8859_1);
    long[] k = secret;
    long lo = 0;
    long hi = 0;
    long questionMarks = 0;
    int n = latin1.length;
    int i = 0;
    int w = 0;
    for (; i + 16 <= n; i += 16, w += 2) {
      long x = (long) LONGS.get(latin1, i);
      long y = (long) LONGS.get(latin1, i + 8);
      questionMarks |= questionMarks(x) | questionMarks(y);
      long a = x + k[w];
      long b = y + k[w + 1];
      long product = a * b;
      lo += product;
      hi += unsignedMultiplyHigh(a, b) + (Long.compareUnsigned(lo, product) < 0 ? 1 : 0);
    }
    if (i < n) {
      long x = tailBytes(latin1, i);
      long y = tailBytes(latin1, i + 8);
      questionMarks |= questionMarks(x) | questionMarks(y);
      long a = x + k[w];
      long b = y + k[w + 1];
      long product = a * b;
      lo += product;
      hi += unsignedMultiplyHigh(a, b) + (Long.compareUnsigned(lo, product) < 0 ? 1 : 0);
    }
    return questionMarks == 0 ? new Key(lo, hi, length, false) : keyOfChars(token);
  }

  /** The exact path for tokens with {@code '?'} or beyond Latin-1: four chars to a word. */
  private Key keyOfChars(String token) {
    int length = token.length();
    long[] k = secret;
    long lo = 0;
    long hi = 0;
    for (int i = 0, w = 0; i < length; i += 8, w += 2) {
      long a = tailChars(token, i, length) + k[w];
      long b = tailChars(token, i + 4, length) + k[w + 1];
      long product = a * b;
      lo += product;
      hi += unsignedMultiplyHigh(a, b) + (Long.compareUnsigned(lo, product) < 0 ? 1 : 0);
    }
    return new Key(lo, hi, length, true);
  }

  /** Non-zero if and only if one of the eight bytes is {@code '?'} (SWAR zero-byte test). */
  private static long questionMarks(long word) {
    long v = word ^ 0x3F3F3F3F3F3F3F3FL;
    return (v - 0x0101010101010101L) & ~v & 0x8080808080808080L;
  }

  /** Up to eight bytes from {@code i}, little-endian, zero-filled past the end. */
  private static long tailBytes(byte[] bytes, int i) {
    long word = 0;
    for (int j = 0; j < 8 && i + j < bytes.length; j++) {
      word |= (bytes[i + j] & 0xFFL) << (8 * j);
    }
    return word;
  }

  /** Up to four characters from {@code i}, zero-filled past {@code length}. */
  private static long tailChars(String s, int i, int length) {
    long word = 0;
    for (int j = 0; j < 4 && i + j < length; j++) {
      word |= (long) s.charAt(i + j) << (16 * j);
    }
    return word;
  }

  /** The high 64 bits of the unsigned 128-bit product (JDK 17 has only the signed one). */
  private static long unsignedMultiplyHigh(long a, long b) {
    return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
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

  /**
   * A token's length and keyed 128-bit hash, compared by content; {@code chars} tells the exact
   * sixteen-bit path (tokens beyond Latin-1 or with a {@code '?'}) from the byte path, so the two
   * never meet.
   */
  record Key(long lo, long hi, int length, boolean chars) {
    @Override
    public int hashCode() {
      return (int) (lo ^ (lo >>> 32));
    }

    @Override
    public String toString() {
      return "Key[length=" + length + "]";
    }
  }
}
