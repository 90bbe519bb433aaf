package dev.guardrails.data;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The last sealed link of a tenant's audit chain, from {@link AuditLog#head(String)}.
 *
 * <p>A hash chain shows any change to the links it holds, but not links removed from its end by
 * someone who can bypass the append-only protection (the schema owner): the shorter chain still
 * verifies. Record the head outside the database (a log line shipped elsewhere, object storage, a
 * ticket) after each sealing run ({@link AuditLog#sealPending(java.util.function.Consumer)} hands
 * the new heads over as their seals commit), and pass it to {@link AuditLog#verify(String,
 * ChainHead)} later: a chain that no longer reaches it, or reaches it with another hash, was cut or
 * rewritten.
 *
 * <p>Immutable and thread-safe.
 *
 * @param tenantId the tenant
 * @param length the chain's length: the position of its last link, from 1
 * @param hash that link's hash, 64 lower-case hex digits
 */
public record ChainHead(String tenantId, long length, String hash) {

  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  /**
   * Checks the fields.
   *
   * @throws NullPointerException if a field is null
   * @throws IllegalArgumentException if the length is below 1 or the hash is not 64 lower-case hex
   *     digits
   */
  public ChainHead {
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(hash, "hash");
    if (length < 1) {
      throw new IllegalArgumentException("chain head length must be at least 1, but was " + length);
    }
    if (!SHA256_HEX.matcher(hash).matches()) {
      throw new IllegalArgumentException(
          "chain head hash must be 64 lower-case hex digits (a SHA-256), but was '"
              + (hash.length() > 80 ? hash.substring(0, 80) + "..." : hash)
              + "'");
    }
  }
}
