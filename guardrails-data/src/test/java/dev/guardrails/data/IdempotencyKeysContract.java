package dev.guardrails.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.guardrails.core.Actor;
import dev.guardrails.core.Conflict;
import dev.guardrails.core.GuardContext;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Stripe's idempotency semantics on every dialect. */
abstract class IdempotencyKeysContract {

  record Payment(String customer, long amountMicros) {}

  record Receipt(String noteId, long amountMicros) {}

  final MutableClock clock = new MutableClock(Contexts.T0);
  final AtomicInteger runs = new AtomicInteger();
  DataSource dataSource;
  Database database;
  IdempotencyKeys keys;
  AuditedRepository<RepositoryContract.Note> notes;

  /** A new database with the library's migrations applied. */
  abstract DataSource newDatabase();

  abstract Dialect dialect();

  @BeforeEach
  void setUp() {
    dataSource = newDatabase();
    TestDatabases.execute(dataSource, RepositoryContract.NOTES_DDL);
    database = Database.builder(dataSource, dialect()).clock(clock).build();
    keys =
        IdempotencyKeys.builder(database)
            .retention(Duration.ofHours(24))
            .inFlightTimeout(Duration.ofMinutes(5))
            .build();
    notes = AuditedRepository.of(database, RepositoryContract.NOTES, RowScope.tenant());
  }

  Receipt pay(String key, Payment payment) {
    return keys.execute(
        key,
        payment,
        Receipt.class,
        tx -> {
          runs.incrementAndGet();
          RepositoryContract.Note note =
              notes.insert(tx, RepositoryContract.note(payment.customer()));
          return new Receipt(note.id().toString(), payment.amountMicros());
        });
  }

  long notesCount() throws Exception {
    return RowLevelSecurityPostgresTest.countRows(dataSource, "SELECT count(*) FROM notes");
  }

  @Test
  void repeat_sameRequest_returnsStoredResultWithoutRunningAgain() throws Exception {
    Receipt first = Contexts.as("alice", "acme", () -> pay("key-1", new Payment("c1", 500)));
    Receipt second = Contexts.as("alice", "acme", () -> pay("key-1", new Payment("c1", 500)));

    assertThat(second).isEqualTo(first);
    assertThat(runs).hasValue(1);
    assertThat(notesCount()).isEqualTo(1);
  }

  record Booking(String room, LocalDate day) {}

  record Confirmation(String room, LocalDate day, Instant confirmedAt) {}

  @Test
  void javaTimeValues_inRequestAndResult_roundTrip() throws Exception {
    Booking booking = new Booking("r1", LocalDate.of(2026, 12, 5));
    Confirmation first =
        Contexts.as(
            "alice", "acme", () -> book("key-t", booking, Instant.parse("2026-12-05T14:00:00Z")));
    Confirmation second =
        Contexts.as(
            "alice", "acme", () -> book("key-t", booking, Instant.parse("2026-12-06T09:00:00Z")));

    assertThat(second).isEqualTo(first);
    assertThat(second.confirmedAt()).isEqualTo(Instant.parse("2026-12-05T14:00:00Z"));
    assertThat(runs).hasValue(1);
  }

  private Confirmation book(String key, Booking booking, Instant at) {
    return keys.execute(
        key,
        booking,
        Confirmation.class,
        tx -> {
          runs.incrementAndGet();
          return new Confirmation(booking.room(), booking.day(), at);
        });
  }

  @Test
  void repeat_differentRequest_failsWithMismatch() throws Exception {
    Contexts.as("alice", "acme", () -> pay("key-1", new Payment("c1", 500)));

    assertThatThrownBy(
            () -> Contexts.as("alice", "acme", () -> pay("key-1", new Payment("c1", 999))))
        .isInstanceOfSatisfying(
            Conflict.class,
            c -> assertThat(c.reason()).isEqualTo(Conflict.Reason.IDEMPOTENCY_MISMATCH));
    assertThat(runs).hasValue(1);
  }

  @Test
  void sameKeyAndRequest_fromAnotherActorOfTheTenant_isRefusedWithoutTheStoredResult()
      throws Exception {
    Contexts.as("alice", "acme", () -> pay("key-1", new Payment("c1", 500)));

    assertThatThrownBy(() -> Contexts.as("bob", "acme", () -> pay("key-1", new Payment("c1", 500))))
        .isInstanceOfSatisfying(
            Conflict.class,
            c -> assertThat(c.reason()).isEqualTo(Conflict.Reason.IDEMPOTENCY_MISMATCH));
    assertThat(runs).hasValue(1);
    assertThat(Contexts.as("alice", "acme", () -> pay("key-1", new Payment("c1", 500))))
        .as("the key still serves its own actor")
        .isNotNull();
    assertThat(runs).hasValue(1);
  }

  @Test
  void keyStoredBeforeKeysHadAnActor_stillServesTheWholeTenant() throws Exception {
    Receipt first = Contexts.as("alice", "acme", () -> pay("key-old", new Payment("c1", 500)));
    TestDatabases.execute(
        dataSource,
        "UPDATE guardrails_idempotency SET actor = NULL WHERE idempotency_key = 'key-old'");

    Receipt repeat = Contexts.as("bob", "acme", () -> pay("key-old", new Payment("c1", 500)));

    assertThat(repeat).isEqualTo(first);
    assertThat(runs).hasValue(1);
  }

  @Test
  void sameKey_inAnotherTenant_isAnotherRequest() throws Exception {
    Contexts.as("alice", "acme", () -> pay("key-1", new Payment("c1", 500)));
    Contexts.as("mallory", "evil", () -> pay("key-1", new Payment("c1", 999)));

    assertThat(runs).hasValue(2);
  }

  @Test
  void failingWork_releasesTheKeySoARetryRuns() throws Exception {
    assertThatThrownBy(
            () ->
                Contexts.as(
                    "alice",
                    "acme",
                    () ->
                        keys.execute(
                            "key-1",
                            new Payment("c1", 1),
                            Receipt.class,
                            tx -> {
                              notes.insert(tx, RepositoryContract.note("half"));
                              throw new IllegalStateException("card declined");
                            })))
        .hasMessage("card declined");
    assertThat(notesCount()).isZero();

    Contexts.as("alice", "acme", () -> pay("key-1", new Payment("c1", 1)));

    assertThat(runs).hasValue(1);
    assertThat(notesCount()).isEqualTo(1);
  }

  /**
   * A claim of key-1 for c1/500 by a process that died, stored without an actor as every row was
   * before keys had one; its lock ends at 10:05.
   */
  void insertDeadClaimWithoutActor() throws Exception {
    TestDatabases.execute(
        dataSource,
        "INSERT INTO guardrails_idempotency (tenant_id, idempotency_key, request_hash, state,"
            + " claim_token, created_at, locked_until, expires_at) VALUES ('acme', 'key-1', '"
            + requestHash(new Payment("c1", 500))
            + "', 'IN_FLIGHT', 'dead', TIMESTAMP WITH TIME ZONE '2026-11-22 10:00:00+00',"
            + " TIMESTAMP WITH TIME ZONE '2026-11-22 10:05:00+00',"
            + " TIMESTAMP WITH TIME ZONE '2026-11-23 10:00:00+00')");
  }

  @Test
  void inFlightClaim_blocksUntilItsTimeoutThenIsTakenOver() throws Exception {
    // a process claimed the key and died: the row stays IN_FLIGHT
    insertDeadClaimWithoutActor();

    assertThatThrownBy(
            () -> Contexts.as("alice", "acme", () -> pay("key-1", new Payment("c1", 500))))
        .isInstanceOfSatisfying(
            Conflict.class,
            c -> assertThat(c.reason()).isEqualTo(Conflict.Reason.IDEMPOTENCY_IN_FLIGHT));
    clock.advance(Duration.ofMinutes(5));

    Contexts.as("alice", "acme", () -> pay("key-1", new Payment("c1", 500)));
    assertThat(runs).hasValue(1);
  }

  @Test
  void inFlightClaimStoredBeforeKeysHadAnActor_takenOver_belongsToTheActorThatTookItOver()
      throws Exception {
    // an earlier version claimed the key (no actor) and died; alice takes the claim over and runs
    insertDeadClaimWithoutActor();
    clock.advance(Duration.ofMinutes(5));
    Receipt alices = Contexts.as("alice", "acme", () -> pay("key-1", new Payment("c1", 500)));

    assertThatThrownBy(() -> Contexts.as("bob", "acme", () -> pay("key-1", new Payment("c1", 500))))
        .as("alice's result is hers, not the tenant's")
        .isInstanceOfSatisfying(
            Conflict.class,
            c -> assertThat(c.reason()).isEqualTo(Conflict.Reason.IDEMPOTENCY_MISMATCH));
    assertThat(Contexts.as("alice", "acme", () -> pay("key-1", new Payment("c1", 500))))
        .isEqualTo(alices);
    assertThat(runs).hasValue(1);
  }

  @Test
  void actorWithTheLongestId_ownsItsKey() throws Exception {
    Actor longest = Actor.service("s".repeat(Actor.MAX_LENGTH - 1) + "\u00e9", "acme");
    Actor other = Actor.service("s".repeat(Actor.MAX_LENGTH), "acme");
    Receipt first = asActor(longest, () -> pay("key-1", new Payment("c1", 500)));

    assertThat(asActor(longest, () -> pay("key-1", new Payment("c1", 500)))).isEqualTo(first);
    assertThatThrownBy(() -> asActor(other, () -> pay("key-1", new Payment("c1", 500))))
        .isInstanceOfSatisfying(
            Conflict.class,
            c -> assertThat(c.reason()).isEqualTo(Conflict.Reason.IDEMPOTENCY_MISMATCH));
    assertThat(runs).hasValue(1);
  }

  @SuppressWarnings("try")
  private static <T> T asActor(Actor actor, Callable<T> work) throws Exception {
    try (GuardContext.Scope scope = GuardContext.of(actor, "corr-1", Contexts.T0).open()) {
      return work.call();
    }
  }

  @Test
  void expiredKey_isANewRequestAndPurgeRemovesExpiredKeys() throws Exception {
    Contexts.as("alice", "acme", () -> pay("key-1", new Payment("c1", 500)));
    Contexts.as("alice", "acme", () -> pay("key-2", new Payment("c2", 500)));
    clock.advance(Duration.ofHours(24));

    Contexts.as("alice", "acme", () -> pay("key-1", new Payment("c1", 999)));
    assertThat(runs).hasValue(3);

    assertThat(keys.purgeExpired()).isEqualTo(1);
  }

  @Test
  void misuse_isRefusedWithAMessage() {
    assertThatThrownBy(() -> Contexts.as("alice", "acme", () -> pay(" ", new Payment("c", 1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("idempotency key must be 1 to 255 characters");
    assertThatThrownBy(() -> Contexts.as("alice", "acme", () -> pay("a\nb", new Payment("c", 1))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> pay("key", new Payment("c", 1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("GuardContext");
    assertThatThrownBy(
            () ->
                Contexts.as(
                    "alice",
                    "acme",
                    () -> database.inTransaction(tx -> pay("key", new Payment("c", 1)))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("own transaction");
    assertThatThrownBy(
            () ->
                IdempotencyKeys.builder(database)
                    .retention(Duration.ofMinutes(1))
                    .inFlightTimeout(Duration.ofMinutes(2))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("inFlightTimeout must not exceed retention");
    assertThat(runs).hasValue(0);
  }

  static String requestHash(Object request) throws Exception {
    String json =
        com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .build()
            .writeValueAsString(request);
    return java.util.HexFormat.of()
        .formatHex(
            java.security.MessageDigest.getInstance("SHA-256")
                .digest(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
