package dev.guardrails.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The audit hash chain on every dialect; subclasses supply the database and how to tamper. */
abstract class AuditLogContract {

  final MutableClock clock = new MutableClock(Contexts.T0);
  final dev.guardrails.core.InMemoryEventSink events = new dev.guardrails.core.InMemoryEventSink();
  DataSource dataSource;
  AuditedRepository<RepositoryContract.Note> notes;
  AuditLog auditLog;

  /** A new database with the library's migrations applied. */
  abstract DataSource newDatabase();

  abstract Dialect dialect();

  /** Runs statements as someone who can bypass the append-only protection. */
  abstract void tamper(String... statements) throws SQLException;

  @BeforeEach
  void setUp() {
    dataSource = newDatabase();
    TestDatabases.execute(dataSource, RepositoryContract.NOTES_DDL);
    Database database = Database.builder(dataSource, dialect()).clock(clock).build();
    notes = AuditedRepository.of(database, RepositoryContract.NOTES, RowScope.tenant());
    auditLog = AuditLog.of(dataSource, clock, events);
  }

  void write(String tenant, int count) throws Exception {
    for (int i = 0; i < count; i++) {
      int n = i;
      Contexts.as("writer", tenant, () -> notes.insert(RepositoryContract.note("n" + n)));
    }
  }

  @Test
  void sealPending_chainsEachTenantSeparatelyAndVerifies() throws Exception {
    write("acme", 3);
    write("evil", 2);

    assertThat(auditLog.sealPending()).isEqualTo(5);
    assertThat(auditLog.sealPending()).isZero();

    assertThat(auditLog.sealedTenants()).containsExactly("acme", "evil");
    ChainVerification acme = auditLog.verify("acme");
    assertThat(acme.intact()).isTrue();
    assertThat(acme.checkedRows()).isEqualTo(3);
    assertThat(auditLog.verify("evil").checkedRows()).isEqualTo(2);
    assertThat(auditLog.verify("nobody").checkedRows()).isZero();
    assertThat(events.events()).isEmpty();
  }

  @Test
  void sealPending_handsOutEachExtendedChainsNewHead_afterItCommitted() throws Exception {
    write("acme", 3);
    write("evil", 1);
    java.util.List<ChainHead> heads = new java.util.ArrayList<>();

    assertThat(auditLog.sealPending(heads::add)).isEqualTo(4);
    assertThat(heads)
        .containsExactlyInAnyOrder(
            auditLog.head("acme").orElseThrow(), auditLog.head("evil").orElseThrow());
    assertThat(heads).extracting(ChainHead::length).containsExactlyInAnyOrder(3L, 1L);

    heads.clear();
    assertThat(auditLog.sealPending(heads::add)).isZero();
    assertThat(heads).isEmpty();

    write("acme", 1);
    auditLog.sealPending(heads::add);
    assertThat(heads).containsExactly(auditLog.head("acme").orElseThrow());
    assertThat(heads.get(0).length()).isEqualTo(4);
    assertThat(auditLog.verify("acme", heads.get(0)).intact()).isTrue();
  }

  @Test
  void sealPending_headConsumerThatFails_propagates_andTheSealsStay() throws Exception {
    write("acme", 2);

    assertThatThrownBy(
            () ->
                auditLog.sealPending(
                    head -> {
                      throw new IllegalStateException("head shipper down");
                    }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("head shipper down");
    assertThat(auditLog.verify("acme").checkedRows()).isEqualTo(2);
    assertThat(auditLog.sealPending()).isZero();
    assertThatThrownBy(() -> auditLog.sealPending(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("heads");
  }

  @Test
  void sealPending_later_continuesTheChain() throws Exception {
    write("acme", 2);
    auditLog.sealPending();
    write("acme", 2);

    assertThat(auditLog.sealPending()).isEqualTo(2);

    ChainVerification verification = auditLog.verify("acme");
    assertThat(verification.intact()).isTrue();
    assertThat(verification.checkedRows()).isEqualTo(4);
  }

  @Test
  void verify_alteredAuditRow_reportsTheFirstBrokenLink() throws Exception {
    write("acme", 4);
    auditLog.sealPending();
    long second = secondSeq("acme");

    tamper("UPDATE guardrails_audit SET actor_id = 'innocent' WHERE seq = " + second);

    ChainVerification verification = auditLog.verify("acme");
    assertThat(verification.intact()).isFalse();
    ChainVerification.BrokenLink link = verification.firstBreak().orElseThrow();
    assertThat(link.chainIndex()).isEqualTo(2);
    assertThat(link.auditSeq()).isEqualTo(second);
    assertThat(link.reason()).contains("hash mismatch");
    assertThat(verification.checkedRows()).isEqualTo(1);
    assertThat(events.events(dev.guardrails.core.FailureEvent.class))
        .singleElement()
        .satisfies(e -> assertThat(e.errorCode()).isEqualTo("audit_chain_broken"));
  }

  @Test
  void verify_removedAuditRowOrSeal_isReported() throws Exception {
    write("acme", 3);
    auditLog.sealPending();
    long second = secondSeq("acme");

    tamper("DELETE FROM guardrails_audit_seal WHERE audit_seq = " + second);

    assertThat(auditLog.verify("acme").firstBreak().orElseThrow().reason())
        .contains("link 2 is missing");
  }

  @Test
  void verify_auditRowMovedToAnotherTenant_isReported() throws Exception {
    write("acme", 2);
    auditLog.sealPending();
    long second = secondSeq("acme");

    tamper("UPDATE guardrails_audit SET tenant_id = 'evil' WHERE seq = " + second);

    assertThat(auditLog.verify("acme").firstBreak().orElseThrow().reason())
        .contains("moved to tenant 'evil'");
  }

  @Test
  void head_recordedAfterSealing_verifiesWhileTheChainOnlyGrows() throws Exception {
    assertThat(auditLog.head("acme")).isEmpty();
    write("acme", 2);
    auditLog.sealPending();
    ChainHead head = auditLog.head("acme").orElseThrow();
    assertThat(head.length()).isEqualTo(2);

    write("acme", 2);
    auditLog.sealPending();

    ChainVerification verification = auditLog.verify("acme", head);
    assertThat(verification.intact()).isTrue();
    assertThat(verification.checkedRows()).isEqualTo(4);
    assertThat(auditLog.head("acme").orElseThrow().length()).isEqualTo(4);
  }

  @Test
  void verifyAgainstHead_linksRemovedFromTheEnd_areReported() throws Exception {
    write("acme", 3);
    auditLog.sealPending();
    ChainHead head = auditLog.head("acme").orElseThrow();

    tamper(
        "DELETE FROM guardrails_audit_seal WHERE tenant_id = 'acme' AND chain_index = 3",
        "DELETE FROM guardrails_audit WHERE seq = (SELECT max(seq) FROM guardrails_audit)");

    assertThat(auditLog.verify("acme").intact()).as("the shorter chain alone verifies").isTrue();
    ChainVerification verification = auditLog.verify("acme", head);
    assertThat(verification.intact()).isFalse();
    ChainVerification.BrokenLink link = verification.firstBreak().orElseThrow();
    assertThat(link.chainIndex()).isEqualTo(3);
    assertThat(link.auditSeq()).isEqualTo(-1);
    assertThat(link.reason()).contains("removed from its end");
    assertThat(verification.checkedRows()).isEqualTo(2);
    assertThat(events.events(dev.guardrails.core.FailureEvent.class))
        .singleElement()
        .satisfies(e -> assertThat(e.errorCode()).isEqualTo("audit_chain_broken"));
  }

  @Test
  void verifyAgainstHead_chainRewrittenConsistently_isReported() throws Exception {
    write("acme", 2);
    auditLog.sealPending();
    ChainHead head = auditLog.head("acme").orElseThrow();
    ChainHead forged = new ChainHead("acme", head.length(), "f".repeat(64));

    assertThat(auditLog.verify("acme", head).intact()).isTrue();
    assertThat(auditLog.verify("acme", forged).firstBreak().orElseThrow().reason())
        .contains("another hash");
    assertThatThrownBy(() -> auditLog.verify("evil", head))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("belongs to tenant 'acme'");
    assertThatThrownBy(() -> new ChainHead("acme", 0, head.hash()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ChainHead("acme", 1, "not-a-hash"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("64 lower-case hex digits");
  }

  long secondSeq(String tenant) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        var rs =
            s.executeQuery(
                "SELECT audit_seq FROM guardrails_audit_seal WHERE tenant_id = '"
                    + tenant
                    + "' AND chain_index = 2")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
