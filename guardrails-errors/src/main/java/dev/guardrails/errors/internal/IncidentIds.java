package dev.guardrails.errors.internal;

import java.util.random.RandomGenerator;

/**
 * Incident ids an end user can read out to support: ten characters of Crockford base32 (50 random
 * bits) in two groups, e.g. {@code "7K2QD-9XHMA"}.
 *
 * <p>Stateless; thread-safe when the random source is.
 */
public final class IncidentIds {

  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

  private IncidentIds() {}

  /**
   * Returns a new incident id.
   *
   * @param random the random source
   * @return the id
   */
  public static String next(RandomGenerator random) {
    long bits = random.nextLong();
    char[] id = new char[11];
    int j = 0;
    for (int i = 0; i < 10; i++) {
      if (i == 5) {
        id[j++] = '-';
      }
      id[j++] = ALPHABET[(int) (bits & 31)];
      bits >>>= 5;
    }
    return new String(id);
  }
}
