package dev.guardrails.errors.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A strict UTF-8 validator for JSON documents: rejects stray continuation bytes, truncated
 * sequences, overlong encodings, encoded surrogates, code points above U+10FFFF, and a NUL byte in
 * the first four bytes (so a UTF-16 or UTF-32 document, which Jackson would otherwise detect and
 * decode, is rejected; a NUL byte further on is rejected by the JSON parser as an unescaped control
 * character). ASCII is skipped 32 bytes at a time, then eight.
 *
 * <p>Stateless and thread-safe.
 */
public final class Utf8 {

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long HIGH_BITS = 0x8080808080808080L;

  private Utf8() {}

  /**
   * Returns the offset of the first byte that is not valid UTF-8, or -1 if all are.
   *
   * @param bytes the bytes
   * @return the offset, or -1
   */
  public static int firstInvalid(byte[] bytes) {
    int end = bytes.length;
    for (int k = 0; k < end && k < 4; k++) {
      if (bytes[k] == 0) {
        return k;
      }
    }
    int i = 0;
    while (i < end) {
      while (i + 32 <= end
          && (((long) LONGS.get(bytes, i)
                      | (long) LONGS.get(bytes, i + 8)
                      | (long) LONGS.get(bytes, i + 16)
                      | (long) LONGS.get(bytes, i + 24))
                  & HIGH_BITS)
              == 0) {
        i += 32;
      }
      while (i + 8 <= end && ((long) LONGS.get(bytes, i) & HIGH_BITS) == 0) {
        i += 8;
      }
      if (i >= end) {
        break;
      }
      int c = bytes[i] & 0xFF;
      if (c < 0x80) {
        i++;
        continue;
      }
      int needed;
      int min2 = 0x80;
      int max2 = 0xBF;
      if (c >= 0xC2 && c <= 0xDF) {
        needed = 1;
      } else if (c >= 0xE0 && c <= 0xEF) {
        needed = 2;
        if (c == 0xE0) {
          min2 = 0xA0;
        } else if (c == 0xED) {
          max2 = 0x9F;
        }
      } else if (c >= 0xF0 && c <= 0xF4) {
        needed = 3;
        if (c == 0xF0) {
          min2 = 0x90;
        } else if (c == 0xF4) {
          max2 = 0x8F;
        }
      } else {
        return i;
      }
      if (i + needed >= end) {
        return i;
      }
      int second = bytes[i + 1] & 0xFF;
      if (second < min2 || second > max2) {
        return i;
      }
      for (int k = 2; k <= needed; k++) {
        int next = bytes[i + k] & 0xFF;
        if (next < 0x80 || next > 0xBF) {
          return i;
        }
      }
      i += needed + 1;
    }
    return -1;
  }
}
