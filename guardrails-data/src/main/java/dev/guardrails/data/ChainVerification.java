package dev.guardrails.data;

import java.util.Objects;
import java.util.Optional;

/**
 * The result of verifying one tenant's audit hash chain: how many sealed rows were checked and the
 * first broken link, if any.
 *
 * <p>Immutable and thread-safe.
 *
 * @param tenantId the tenant
 * @param checkedRows how many sealed rows were checked before the first break (or in all)
 * @param firstBreak the first broken link, or empty if the chain is intact
 */
public record ChainVerification(
    String tenantId, long checkedRows, Optional<BrokenLink> firstBreak) {

  /**
   * Checks the fields.
   *
   * @throws NullPointerException if a field is null
   */
  public ChainVerification {
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(firstBreak, "firstBreak");
  }

  /** {@return whether the chain is intact} */
  public boolean intact() {
    return firstBreak.isEmpty();
  }

  /**
   * The first link of a chain that does not verify.
   *
   * @param chainIndex the link's position in the tenant's chain, from 1
   * @param auditSeq the sequence number of the audit row it seals, or -1 when the link itself is
   *     gone from the chain's end
   * @param reason what is wrong, e.g. "hash mismatch: the audit row or its seal was altered"
   */
  public record BrokenLink(long chainIndex, long auditSeq, String reason) {

    /**
     * Checks the fields.
     *
     * @throws NullPointerException if {@code reason} is null
     */
    public BrokenLink {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
