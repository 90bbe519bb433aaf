package dev.guardrails.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.guardrails.core.Actor;
import dev.guardrails.core.Money;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Currency;
import org.junit.jupiter.api.Test;

final class CostMeterTest {

  static final Currency USD = Currency.getInstance("USD");
  static final Actor ALICE = Actor.person("alice", "acme");
  static final Actor BOB = Actor.person("bob", "acme");
  static final Actor CAROL = Actor.person("carol", "globex");

  final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
  final CostMeter meter = CostMeter.create(USD, clock, ZoneId.of("UTC"));

  static Money usd(String amount) {
    return Money.of(amount, USD);
  }

  @Test
  void query_answersPerUserPerCallAndPerDay() {
    meter.record(ALICE, "chat", usd("0.10"), false);
    meter.record(ALICE, "chat", usd("0.30"), false);
    meter.record(BOB, "chat", usd("0.05"), false);
    meter.record(CAROL, "embed", usd("0.01"), true);
    clock.advance(Duration.ofDays(1));
    meter.record(ALICE, "chat", usd("1.00"), false);

    LocalDate today = LocalDate.of(2026, 11, 22);
    MeterTotals aliceToday = meter.query().actor(ALICE).day(today).total();
    assertThat(aliceToday.calls()).isEqualTo(2);
    assertThat(aliceToday.cost()).isEqualTo(usd("0.40"));
    assertThat(aliceToday.averagePerCall()).isEqualTo(usd("0.20"));

    assertThat(meter.query().tenant("acme").day(today).total().cost()).isEqualTo(usd("0.45"));
    assertThat(meter.query().operation("embed").total().failures()).isEqualTo(1);
    assertThat(meter.query().actor("alice").total().cost()).isEqualTo(usd("1.40"));
    assertThat(meter.query().days(today, today.plusDays(1)).total().calls()).isEqualTo(5);
    assertThat(meter.query().day(today.plusDays(1)).rows())
        .singleElement()
        .satisfies(r -> assertThat(r.actorId()).isEqualTo("alice"));
  }

  @Test
  void record_acrossMidnightOfItsZoneAndBack_usesTheDayOfEachInstant() {
    MutableClock tokyoClock = MutableClock.at("2026-11-22T14:59:59.999Z");
    CostMeter tokyo = CostMeter.create(USD, tokyoClock, ZoneId.of("Asia/Tokyo"));
    tokyo.record(ALICE, "chat", usd("0.10"), false);
    tokyoClock.advance(Duration.ofMillis(1));
    tokyo.record(ALICE, "chat", usd("0.20"), false);
    tokyoClock.set(java.time.Instant.parse("2026-11-22T00:00:00Z"));
    tokyo.record(ALICE, "chat", usd("0.40"), false);

    assertThat(tokyo.query().day(LocalDate.of(2026, 11, 22)).total().cost()).isEqualTo(usd("0.50"));
    assertThat(tokyo.query().day(LocalDate.of(2026, 11, 23)).total().cost()).isEqualTo(usd("0.20"));
  }

  @Test
  void summary_isAPrintableTableWithTotal() {
    meter.record(ALICE, "chat", usd("0.10"), false);
    meter.record(CAROL, "embed", usd("0.02"), true);

    String summary = meter.summary();

    assertThat(summary.lines().toList()).hasSize(4);
    assertThat(summary).contains("alice", "carol", "chat", "embed", "0.12 USD", "total");
    assertThat(summary.lines().findFirst().orElseThrow()).contains("day", "tenant", "cost");
  }

  @Test
  void costOfRequest_sumsTheCallsOfOneRequest() {
    meter.record(ALICE, "req-1", "chat", usd("0.10"), false);
    meter.record(ALICE, "req-1", "embed", usd("0.02"), false);
    meter.record(ALICE, "req-2", "chat", usd("0.10"), false);
    assertThat(meter.costOfRequest("req-1")).contains(usd("0.12"));
    assertThat(meter.costOfRequest("req-3")).isEmpty();
  }

  @Test
  void hits_areCountedPerOperationAndDay() {
    meter.recordHit("chat");
    meter.recordHit("chat");
    clock.advance(Duration.ofDays(1));
    meter.recordHit("chat");
    assertThat(meter.hits("chat", LocalDate.of(2026, 11, 22))).isEqualTo(2);
    assertThat(meter.hits("chat", LocalDate.of(2026, 11, 23))).isEqualTo(1);
    assertThat(meter.hits("embed", LocalDate.of(2026, 11, 22))).isZero();
  }

  @Test
  void purgeBefore_dropsOldDays() {
    meter.record(ALICE, "chat", usd("0.10"), false);
    clock.advance(Duration.ofDays(2));
    meter.record(ALICE, "chat", usd("0.20"), false);
    meter.purgeBefore(LocalDate.of(2026, 11, 23));
    assertThat(meter.query().total().cost()).isEqualTo(usd("0.20"));
  }

  @Test
  void record_inOtherCurrencyOrNegative_isRejected() {
    assertThatThrownBy(
            () -> meter.record(ALICE, "chat", Money.of("1", Currency.getInstance("EUR")), false))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> meter.record(ALICE, "chat", usd("-1"), false))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> meter.query().days(LocalDate.of(2026, 1, 2), LocalDate.of(2026, 1, 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
