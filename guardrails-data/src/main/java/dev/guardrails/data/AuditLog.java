package dev.guardrails.data;

import dev.guardrails.core.EventContext;
import dev.guardrails.core.EventSink;
import dev.guardrails.core.EventSinks;
import dev.guardrails.core.FailureEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The tamper-evident side of the audit log: seals committed audit rows into a hash chain per tenant
 * and verifies it.
 *
 * <p>Writers never touch the chain: an audited write only inserts its audit row, so writers of one
 * tenant do not queue behind each other. {@link #sealPending()} — run it from one scheduled job —
 * later reads the committed, unsealed rows in sequence order and appends one seal row per audit row
 * to {@code guardrails_audit_seal}: its position in the tenant's chain, the previous link's hash
 * and {@code SHA-256(previous hash, every field of the audit row)}. Both tables are append-only. A
 * row that commits after a later-numbered row was sealed joins the chain at the next run, so the
 * chain's order is seal order. {@link #verify(String)} walks a tenant's chain and reports the first
 * link whose audit row was altered or removed, or whose seal was. Links removed from the chain's
 * end leave a shorter chain that still verifies; keep the {@link #head(String) head} outside the
 * database and check against it with {@link #verify(String, ChainHead)} to catch that too.
 *
 * <p>Thread-safe. Two concurrent {@link #sealPending()} calls do not corrupt the chain: the loser
 * fails on the chain's primary key, rolls back and seals nothing.
 */
public final class AuditLog {

  /** The previous hash of a chain's first link. */
  public static final String GENESIS = "0".repeat(64);

  private static final int BATCH = 1000;

  /** The last link of a tenant's chain: its index and hash. */
  private static final String HEAD_SQL =
      "SELECT chain_index, hash FROM guardrails_audit_seal WHERE tenant_id = ?"
          + " ORDER BY chain_index DESC FETCH FIRST 1 ROWS ONLY";

  private final DataSource dataSource;
  private final Clock clock;
  private final EventSink events;

  private AuditLog(DataSource dataSource, Clock clock, EventSink events) {
    this.dataSource = dataSource;
    this.clock = clock;
    this.events = EventSinks.failSafe(events);
  }

  /**
   * Creates an audit log over the database holding the library's tables.
   *
   * @param dataSource the database; a role with INSERT and SELECT on the audit tables suffices
   * @param clock stamps the seals
   * @return the audit log
   * @throws NullPointerException if an argument is null
   */
  public static AuditLog of(DataSource dataSource, Clock clock) {
    return of(dataSource, clock, EventSink.noop());
  }

  /**
   * Creates an audit log that reports a broken chain found by {@link #verify(String)} as an ERROR
   * {@link FailureEvent} (component {@code guardrails-data.audit-log}, code {@code
   * audit_chain_broken}).
   *
   * @param dataSource the database; a role with INSERT and SELECT on the audit tables suffices
   * @param clock stamps the seals and events
   * @param events where a broken chain is reported
   * @return the audit log
   * @throws NullPointerException if an argument is null
   */
  public static AuditLog of(DataSource dataSource, Clock clock, EventSink events) {
    return new AuditLog(
        Objects.requireNonNull(dataSource, "dataSource"),
        Objects.requireNonNull(clock, "clock"),
        Objects.requireNonNull(events, "events"));
  }

  /**
   * Seals every committed audit row not sealed yet, in sequence order, in batches of {@value
   * #BATCH}.
   *
   * @return how many rows were sealed; 0 when another sealer won the race
   * @throws DataAccessException if the database fails
   */
  public int sealPending() {
    return sealPending(head -> {});
  }

  /**
   * Seals like {@link #sealPending()} and hands the new head of every chain it extended to {@code
   * heads}, once per committed batch, so that the heads are recorded outside the database as each
   * run ends (see {@link ChainHead}): for example {@code auditLog.sealPending(head ->
   * headLog.info("audit chain head {} {} {}", head.tenantId(), head.length(), head.hash()))} with
   * that log shipped elsewhere.
   *
   * @param heads receives each extended chain's new head, after its batch committed; an exception
   *     it throws propagates, and the batches already committed stay sealed
   * @return how many rows were sealed; 0 when another sealer won the race
   * @throws NullPointerException if {@code heads} is null
   * @throws DataAccessException if the database fails
   */
  public int sealPending(Consumer<? super ChainHead> heads) {
    Objects.requireNonNull(heads, "heads");
    int total = 0;
    while (true) {
      int sealed = sealBatch(heads);
      total += sealed;
      if (sealed < BATCH) {
        return total;
      }
    }
  }

  private int sealBatch(Consumer<? super ChainHead> heads) {
    Map<String, Link> extended = new HashMap<>();
    int sealed;
    try (Connection connection = dataSource.getConnection()) {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try {
        sealed = sealBatch(connection, extended);
        connection.commit();
      } catch (SQLException e) {
        connection.rollback();
        if ("23505".equals(e.getSQLState())) {
          return 0;
        }
        throw e;
      } finally {
        connection.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw new DataAccessException("sealing the audit log", e);
    }
    extended.forEach(
        (tenantId, link) -> heads.accept(new ChainHead(tenantId, link.index, link.hash)));
    return sealed;
  }

  /** Seals one batch; {@code heads} receives each extended chain's last new link. */
  private int sealBatch(Connection connection, Map<String, Link> heads) throws SQLException {
    List<Row> rows = new ArrayList<>();
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT a.* FROM "
                + AuditRows.TABLE
                + " a LEFT JOIN guardrails_audit_seal s ON s.audit_seq = a.seq"
                + " WHERE s.audit_seq IS NULL ORDER BY a.seq FETCH FIRST "
                + BATCH
                + " ROWS ONLY")) {
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(Row.read(rs));
        }
      }
    }
    if (rows.isEmpty()) {
      return 0;
    }
    OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
    try (PreparedStatement head = connection.prepareStatement(HEAD_SQL);
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO guardrails_audit_seal"
                    + " (tenant_id, chain_index, audit_seq, prev_hash, hash, sealed_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?)")) {
      for (Row row : rows) {
        Link last = heads.get(row.tenantId);
        if (last == null) {
          head.setString(1, row.tenantId);
          try (ResultSet rs = head.executeQuery()) {
            last = rs.next() ? new Link(rs.getLong(1), rs.getString(2)) : new Link(0, GENESIS);
          }
        }
        Link next = new Link(last.index + 1, hash(last.hash, row));
        insert.setString(1, row.tenantId);
        insert.setLong(2, next.index);
        insert.setLong(3, row.seq);
        insert.setString(4, last.hash);
        insert.setString(5, next.hash);
        insert.setObject(6, now);
        insert.addBatch();
        heads.put(row.tenantId, next);
      }
      insert.executeBatch();
    }
    return rows.size();
  }

  /**
   * Verifies a tenant's chain from its first link.
   *
   * @param tenantId the tenant
   * @return the result, with the first broken link if any
   * @throws NullPointerException if {@code tenantId} is null
   * @throws DataAccessException if the database fails
   */
  public ChainVerification verify(String tenantId) {
    Objects.requireNonNull(tenantId, "tenantId");
    return walk(tenantId, 0).result();
  }

  /** A walk of a chain: its verification, and the link it was asked to remember, if reached. */
  private record Walk(
      ChainVerification result, long rememberedSeq, @Nullable String rememberedHash) {}

  /**
   * Walks a tenant's chain from its first link and verifies it, remembering the audit sequence
   * number and hash of link {@code remember} (0 for none) on the way.
   */
  private Walk walk(String tenantId, long remember) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement ps =
            connection.prepareStatement(
                "SELECT s.chain_index, s.audit_seq, s.prev_hash, s.hash, a.*"
                    + " FROM guardrails_audit_seal s LEFT JOIN "
                    + AuditRows.TABLE
                    + " a ON a.seq = s.audit_seq WHERE s.tenant_id = ? ORDER BY s.chain_index")) {
      ps.setString(1, tenantId);
      try (ResultSet rs = ps.executeQuery()) {
        long expectedIndex = 1;
        String previous = GENESIS;
        long checked = 0;
        long rememberedSeq = -1;
        String rememberedHash = null;
        while (rs.next()) {
          long index = rs.getLong(1);
          long seq = rs.getLong(2);
          String reason = null;
          if (index != expectedIndex) {
            reason = "link " + expectedIndex + " is missing: the chain jumps to link " + index;
          } else if (!previous.equals(rs.getString(3))) {
            reason = "previous hash does not match the hash of link " + (index - 1);
          } else if (rs.getObject("seq") == null) {
            reason = "the audit row was removed";
          } else {
            Row row = Row.read(rs);
            if (!row.tenantId.equals(tenantId)) {
              reason = "the audit row was moved to tenant '" + row.tenantId + "'";
            } else if (!hash(previous, row).equals(rs.getString(4))) {
              reason = "hash mismatch: the audit row or its seal was altered";
            }
          }
          if (reason != null) {
            return new Walk(broken(tenantId, checked, index, seq, reason), -1, null);
          }
          previous = rs.getString(4);
          if (index == remember) {
            rememberedSeq = seq;
            rememberedHash = previous;
          }
          expectedIndex++;
          checked++;
        }
        return new Walk(
            new ChainVerification(tenantId, checked, Optional.empty()),
            rememberedSeq,
            rememberedHash);
      }
    } catch (SQLException e) {
      throw new DataAccessException("verifying the audit chain of a tenant", e);
    }
  }

  /** Reports a broken link as an event and returns the verification that names it. */
  private ChainVerification broken(
      String tenantId, long checked, long index, long seq, String reason) {
    events.publish(
        new FailureEvent(
            EventContext.capture(clock),
            "guardrails-data.audit-log",
            "audit_chain_broken",
            "the audit chain of a tenant is broken at link " + index + ": " + reason,
            Optional.empty()));
    return new ChainVerification(
        tenantId, checked, Optional.of(new ChainVerification.BrokenLink(index, seq, reason)));
  }

  /**
   * Returns the last sealed link of a tenant's chain, to be recorded outside the database (see
   * {@link ChainHead}).
   *
   * @param tenantId the tenant
   * @return the head, or empty if nothing of the tenant is sealed
   * @throws NullPointerException if {@code tenantId} is null
   * @throws DataAccessException if the database fails
   */
  public Optional<ChainHead> head(String tenantId) {
    Objects.requireNonNull(tenantId, "tenantId");
    try (Connection connection = dataSource.getConnection();
        PreparedStatement ps = connection.prepareStatement(HEAD_SQL)) {
      ps.setString(1, tenantId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(new ChainHead(tenantId, rs.getLong(1), rs.getString(2)))
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw new DataAccessException("reading the head of a tenant's audit chain", e);
    }
  }

  /**
   * Verifies a tenant's chain from its first link, and that it still reaches a head recorded
   * earlier with the same hash: a chain cut short or rewritten since is reported as broken at the
   * recorded head's link.
   *
   * @param tenantId the tenant
   * @param recorded a head of this tenant's chain from {@link #head(String)}, kept elsewhere
   * @return the result, with the first broken link if any
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the head belongs to another tenant
   * @throws DataAccessException if the database fails
   */
  public ChainVerification verify(String tenantId, ChainHead recorded) {
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(recorded, "recorded");
    if (!recorded.tenantId().equals(tenantId)) {
      throw new IllegalArgumentException(
          "the recorded head belongs to tenant '"
              + recorded.tenantId()
              + "', not to '"
              + tenantId
              + "'; pass the head recorded for this tenant");
    }
    long index = recorded.length();
    Walk walk = walk(tenantId, index);
    ChainVerification walked = walk.result();
    if (!walked.intact()) {
      return walked;
    }
    String hashThen = walk.rememberedHash();
    if (hashThen == null) {
      return broken(
          tenantId,
          walked.checkedRows(),
          index,
          -1,
          "the chain ends at link "
              + walked.checkedRows()
              + " but reached link "
              + index
              + " when its head was recorded: links were removed from its end");
    }
    if (!hashThen.equals(recorded.hash())) {
      return broken(
          tenantId,
          index - 1,
          index,
          walk.rememberedSeq(),
          "link "
              + index
              + " has another hash than when the head was recorded: the chain was rewritten");
    }
    return walked;
  }

  /**
   * Lists the tenants that have sealed audit rows.
   *
   * @return the tenant ids, in order
   * @throws DataAccessException if the database fails
   */
  public List<String> sealedTenants() {
    List<String> tenants = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement ps =
            connection.prepareStatement(
                "SELECT DISTINCT tenant_id FROM guardrails_audit_seal ORDER BY tenant_id");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        tenants.add(rs.getString(1));
      }
    } catch (SQLException e) {
      throw new DataAccessException("listing sealed tenants", e);
    }
    return tenants;
  }

  private static final class Link {
    final long index;
    final String hash;

    Link(long index, String hash) {
      this.index = index;
      this.hash = hash;
    }
  }

  /** The fields of one audit row, in the order they are hashed. */
  private static final class Row {
    final long seq;
    final String tenantId;
    final List<@Nullable String> fields;

    private Row(long seq, String tenantId, List<@Nullable String> fields) {
      this.seq = seq;
      this.tenantId = tenantId;
      this.fields = fields;
    }

    static Row read(ResultSet rs) throws SQLException {
      long seq = rs.getLong("seq");
      String tenantId = rs.getString("tenant_id");
      OffsetDateTime occurredAt = rs.getObject("occurred_at", OffsetDateTime.class);
      List<@Nullable String> fields = new ArrayList<>();
      fields.add(Long.toString(seq));
      fields.add(tenantId);
      for (String column :
          List.of(
              "table_name",
              "record_id",
              "action",
              "actor_id",
              "actor_kind",
              "correlation_id",
              "transaction_id")) {
        fields.add(rs.getString(column));
      }
      fields.add(occurredAt == null ? null : occurredAt.toInstant().toString());
      fields.add(rs.getString("before_values"));
      fields.add(rs.getString("after_values"));
      return new Row(seq, tenantId, fields);
    }
  }

  /**
   * SHA-256 over the previous hash and each field, length-prefixed so fields cannot run together.
   */
  static String hash(String previous, Row row) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
    StringBuilder text = new StringBuilder(previous).append('|');
    for (String field : row.fields) {
      if (field == null) {
        text.append("-;");
      } else {
        text.append(field.length()).append(':').append(field).append(';');
      }
    }
    return HexFormat.of()
        .formatHex(digest.digest(text.toString().getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public String toString() {
    return "AuditLog[" + AuditRows.TABLE + "]";
  }
}
