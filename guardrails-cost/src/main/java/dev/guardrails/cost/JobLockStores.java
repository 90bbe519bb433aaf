package dev.guardrails.cost;

import java.time.Duration;
import java.util.Objects;

/** Checks shared by the job lock stores. */
final class JobLockStores {

  private JobLockStores() {}

  static Duration requirePositive(Duration leaseTime) {
    Objects.requireNonNull(leaseTime, "leaseTime");
    if (leaseTime.toMillis() < 1) {
      throw new IllegalArgumentException(
          "lease time must be at least one millisecond, but was " + leaseTime);
    }
    return leaseTime;
  }
}
