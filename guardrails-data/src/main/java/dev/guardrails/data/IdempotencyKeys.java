package dev.guardrails.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.guardrails.core.Conflict;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Idempotency keys with Stripe's semantics, enforced by the database so they hold across
 * application instances.
 *
 * <p>{@link #execute} with a key, per tenant of the current context; a key belongs to the actor
 * that first used it:
 *
 * <ul>
 *   <li>the first request claims the key (a committed row in state IN_FLIGHT, unique by tenant and
 *       key), runs the work in its own transaction and stores the result in the same transaction as
 *       the work's writes;
 *   <li>a repeat with the same request gets the stored result, without running the work;
 *   <li>a repeat with a different request, or from another actor of the tenant (who must never get
 *       the first actor's stored result), fails with {@link Conflict} (IDEMPOTENCY_MISMATCH);
 *   <li>a repeat while the first still runs fails with {@link Conflict} (IDEMPOTENCY_IN_FLIGHT)
 *       instead of running twice;
 *   <li>if the work fails, the claim is released so the client may retry; if the process dies, the
 *       claim is taken over once the in-flight timeout (default 5 min) has passed, and the key then
 *       belongs to the actor that took it over (a claim written before keys had an actor too);
 *   <li>keys expire after the retention (default 24 h) and are then treated as new.
 * </ul>
 *
 * <p>Requests are compared by the SHA-256 of their canonical JSON (sorted properties), results are
 * stored as JSON, both with Jackson (with its {@code java.time} module; dates keep Jackson's
 * default timestamp form, so the hashes of requests stored by earlier versions still match).
 * Thread-safe.
 */
public final class IdempotencyKeys {

  /** The longest key accepted. */
  public static final int MAX_KEY_LENGTH = 255;

  private static final String TABLE = "guardrails_idempotency";

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .build();

  private final Database database;
  private final Duration retention;
  private final Duration inFlightTimeout;
  private final RandomGenerator random;

  private IdempotencyKeys(Builder builder) {
    this.database = builder.database;
    this.retention = builder.retention;
    this.inFlightTimeout = builder.inFlightTimeout;
    this.random = builder.random;
  }

  /**
   * Returns a builder.
   *
   * @param database the database holding {@code guardrails_idempotency}
   * @return the builder
   * @throws NullPointerException if {@code database} is null
   */
  public static Builder builder(Database database) {
    return new Builder(Objects.requireNonNull(database, "database"));
  }

  /**
   * Runs the work once per key and request; see the class description for the rules.
   *
   * @param key the client's idempotency key, at most {@value #MAX_KEY_LENGTH} characters
   * @param request the request, hashed through its canonical JSON
   * @param resultType the result's class, to read a stored result back
   * @param work the work, run in its own transaction together with storing its result
   * @param <T> the result type; must round-trip through Jackson
   * @return the work's result, or the stored result of the first request
   * @throws Conflict if the key is in flight or was used for a different request
   * @throws IllegalArgumentException if the key is blank, too long or has control characters
   * @throws IllegalStateException if no context is bound, or a transaction is open on this thread
   *     (the claim must commit before the work starts)
   * @throws DataAccessException if the database fails
   * @throws RuntimeException whatever the work throws, after the claim is released
   */
  public <T> T execute(String key, Object request, Class<T> resultType, TransactionWork<T> work) {
    requireKey(key);
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(resultType, "resultType");
    Objects.requireNonNull(work, "work");
    String requestHash = sha256(toJson(request));
    String token = newToken();
    Optional<String> stored = database.inNewTransaction(tx -> claim(tx, key, requestHash, token));
    if (stored.isPresent()) {
      return fromJson(stored.get(), resultType);
    }
    try {
      return database.inNewTransaction(
          tx -> {
            T result = Objects.requireNonNull(work.execute(tx), "idempotent work returned null");
            Instant now = tx.now();
            int completed =
                tx.update(
                    "UPDATE "
                        + TABLE
                        + " SET state = 'COMPLETED', response = ?, expires_at = ?"
                        + " WHERE tenant_id = ? AND idempotency_key = ? AND claim_token = ?"
                        + " AND state = 'IN_FLIGHT'",
                    toJson(result),
                    now.plus(retention),
                    tx.actor().tenantId(),
                    key,
                    token);
            if (completed != 1) {
              throw Conflict.idempotencyInFlight(key);
            }
            return result;
          });
    } catch (RuntimeException | Error e) {
      release(key, token, e);
      throw e;
    }
  }

  /**
   * Deletes every expired key of every tenant; run it from a scheduled job.
   *
   * @return how many keys were deleted
   * @throws DataAccessException if the database fails
   */
  public int purgeExpired() {
    try (Connection connection = database.dataSource().getConnection();
        PreparedStatement ps =
            connection.prepareStatement("DELETE FROM " + TABLE + " WHERE expires_at <= ?")) {
      boolean autoCommit = connection.getAutoCommit();
      ps.setObject(1, database.clock().instant().atOffset(ZoneOffset.UTC));
      int deleted = ps.executeUpdate();
      if (!autoCommit) {
        connection.commit();
      }
      return deleted;
    } catch (SQLException e) {
      throw new DataAccessException("purging expired idempotency keys", e);
    }
  }

  /** Claims the key, or returns the stored result, or throws the conflict. */
  private Optional<String> claim(Transaction tx, String key, String requestHash, String token)
      throws SQLException {
    String tenant = tx.actor().tenantId();
    String actor = actorOf(tx);
    for (int attempt = 0; attempt < 3; attempt++) {
      Instant now = tx.now();
      if (insertClaim(tx, tenant, actor, key, requestHash, token, now)) {
        return Optional.empty();
      }
      Optional<Existing> found =
          tx.queryOne(
              "SELECT request_hash, state, response, locked_until, expires_at, claim_token, actor"
                  + " FROM "
                  + TABLE
                  + " WHERE tenant_id = ? AND idempotency_key = ? FOR UPDATE",
              rs ->
                  new Existing(
                      rs.getString(1),
                      rs.getString(2),
                      rs.getString(3),
                      rs.getObject(4, java.time.OffsetDateTime.class).toInstant(),
                      rs.getObject(5, java.time.OffsetDateTime.class).toInstant(),
                      rs.getString(6),
                      rs.getString(7)),
              tenant,
              key);
      if (found.isEmpty()) {
        continue;
      }
      Existing existing = found.get();
      if (!existing.expiresAt.isAfter(now)) {
        tx.update(
            "DELETE FROM "
                + TABLE
                + " WHERE tenant_id = ? AND idempotency_key = ? AND expires_at <= ?",
            tenant,
            key,
            now);
        continue;
      }
      if (existing.actor != null && !existing.actor.equals(actor)) {
        // another actor's key: neither its stored result nor its progress is this actor's business
        throw Conflict.idempotencyMismatch(key);
      }
      if (!existing.requestHash.equals(requestHash)) {
        throw Conflict.idempotencyMismatch(key);
      }
      if (existing.state.equals("COMPLETED")) {
        return Optional.of(Objects.requireNonNull(existing.response, "stored response"));
      }
      if (existing.lockedUntil.isAfter(now)) {
        throw Conflict.idempotencyInFlight(key);
      }
      // the actor that takes the claim over owns the key, even one claimed before keys had actors:
      // the result it stores is its own, not the tenant's
      int taken =
          tx.update(
              "UPDATE "
                  + TABLE
                  + " SET claim_token = ?, locked_until = ?, actor = ?"
                  + " WHERE tenant_id = ? AND idempotency_key = ?"
                  + " AND claim_token = ? AND state = 'IN_FLIGHT'",
              token,
              now.plus(inFlightTimeout),
              actor,
              tenant,
              key,
              existing.claimToken);
      if (taken == 1) {
        return Optional.empty();
      }
    }
    throw Conflict.idempotencyInFlight(key);
  }

  /** {@return the actor a key belongs to, as stored: kind and id} */
  private static String actorOf(Transaction tx) {
    return tx.actor().kind().name() + ":" + tx.actor().id();
  }

  private boolean insertClaim(
      Transaction tx,
      String tenant,
      String actor,
      String key,
      String requestHash,
      String token,
      Instant now)
      throws SQLException {
    String insert =
        tx.dialect()
            .insertIfAbsent(
                "INSERT INTO "
                    + TABLE
                    + " (tenant_id, idempotency_key, actor, request_hash, state, claim_token,"
                    + " created_at, locked_until, expires_at)"
                    + " VALUES (?, ?, ?, ?, 'IN_FLIGHT', ?, ?, ?, ?)");
    try {
      return tx.update(
              insert,
              tenant,
              key,
              actor,
              requestHash,
              token,
              now,
              now.plus(inFlightTimeout),
              now.plus(retention))
          == 1;
    } catch (SQLException e) {
      if ("23505".equals(e.getSQLState())) {
        return false;
      }
      throw e;
    }
  }

  private void release(String key, String token, Throwable failure) {
    try {
      database.inNewTransaction(
          tx ->
              tx.update(
                  "DELETE FROM "
                      + TABLE
                      + " WHERE tenant_id = ? AND idempotency_key = ? AND claim_token = ?"
                      + " AND state = 'IN_FLIGHT'",
                  tx.actor().tenantId(),
                  key,
                  token));
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  private static final class Existing {
    final String requestHash;
    final String state;
    final @Nullable String response;
    final Instant lockedUntil;
    final Instant expiresAt;
    final String claimToken;
    final @Nullable String actor;

    Existing(
        String requestHash,
        String state,
        @Nullable String response,
        Instant lockedUntil,
        Instant expiresAt,
        String claimToken,
        @Nullable String actor) {
      this.requestHash = requestHash;
      this.state = state;
      this.response = response;
      this.lockedUntil = lockedUntil;
      this.expiresAt = expiresAt;
      this.claimToken = claimToken;
      this.actor = actor;
    }
  }

  private static void requireKey(String key) {
    Objects.requireNonNull(key, "key");
    if (key.isBlank()
        || key.length() > MAX_KEY_LENGTH
        || key.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(
          "idempotency key must be 1 to "
              + MAX_KEY_LENGTH
              + " characters without control characters, but was "
              + key.length()
              + " characters");
    }
  }

  private String newToken() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "value must be serializable to JSON, but " + value.getClass().getName() + " is not", e);
    }
  }

  private static <T> T fromJson(String json, Class<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "stored idempotent result cannot be read as " + type.getName(), e);
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  @Override
  public String toString() {
    return "IdempotencyKeys[retention=" + retention + " inFlightTimeout=" + inFlightTimeout + "]";
  }

  /** Builds {@link IdempotencyKeys}; not thread-safe, {@link #build()} copies. */
  public static final class Builder {
    private final Database database;
    private Duration retention = Duration.ofHours(24);
    private Duration inFlightTimeout = Duration.ofMinutes(5);
    private RandomGenerator random = new SecureRandom();

    private Builder(Database database) {
      this.database = database;
    }

    /**
     * Sets how long a key and its result are kept (default 24 h).
     *
     * @param retention at least 1 s
     * @return this builder
     * @throws IllegalArgumentException if {@code retention} is shorter than 1 s
     */
    public Builder retention(Duration retention) {
      this.retention = atLeastOneSecond(retention, "retention");
      return this;
    }

    /**
     * Sets how long a claim blocks repeats before another request may take it over, for when the
     * process running the first request died (default 5 min). Set it above the longest work.
     *
     * @param timeout at least 1 s
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is shorter than 1 s
     */
    public Builder inFlightTimeout(Duration timeout) {
      this.inFlightTimeout = atLeastOneSecond(timeout, "inFlightTimeout");
      return this;
    }

    /**
     * Sets the source of claim tokens (default: a {@link SecureRandom}); must be thread-safe.
     *
     * @param random the generator
     * @return this builder
     */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Builds the keys.
     *
     * @return the keys
     * @throws IllegalStateException if the in-flight timeout is longer than the retention
     */
    public IdempotencyKeys build() {
      if (inFlightTimeout.compareTo(retention) > 0) {
        throw new IllegalStateException(
            "inFlightTimeout must not exceed retention, but was "
                + inFlightTimeout
                + " > "
                + retention);
      }
      return new IdempotencyKeys(this);
    }

    private static Duration atLeastOneSecond(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException(name + " must be at least 1 s, but was " + value);
      }
      return value;
    }
  }
}
