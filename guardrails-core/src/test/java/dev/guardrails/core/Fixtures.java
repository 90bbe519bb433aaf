package dev.guardrails.core;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Currency;
import java.util.SplittableRandom;

/** Values shared by the tests: a fixed clock, actors, contexts. */
final class Fixtures {

  static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final Currency USD = Currency.getInstance("USD");
  static final Currency EUR = Currency.getInstance("EUR");
  static final Currency JPY = Currency.getInstance("JPY");

  static final Actor ALICE = Actor.person("alice", "tenant-1", "admin");
  static final Actor BILLING = Actor.service("billing-svc", "tenant-1", "billing");

  private Fixtures() {}

  /** A context for alice with a correlation id drawn from a seeded generator. */
  static GuardContext aliceContext() {
    return GuardContext.start(ALICE, CLOCK, new SplittableRandom(42));
  }

  /** An event context inside alice's request. */
  static EventContext aliceEventContext() {
    return EventContext.of(NOW, GuardContext.of(ALICE, "corr-1", NOW));
  }

  /** An event that belongs to no request. */
  static AuditWrittenEvent auditEvent(String recordId) {
    return new AuditWrittenEvent(EventContext.of(NOW, null), "invoice", recordId, "insert");
  }
}
