package dev.guardrails.cost;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

final class BudgetPeriodProperties {

  /** An instant within two days of a daylight-saving (or other offset) change of its zone. */
  record NearTransition(ZoneId zone, Instant instant) {}

  private static final List<NearTransition> TRANSITIONS = transitions();

  private static List<NearTransition> transitions() {
    List<NearTransition> out = new ArrayList<>();
    Instant from = Instant.parse("2000-01-01T00:00:00Z");
    Instant to = Instant.parse("2030-01-01T00:00:00Z");
    for (String id : ZoneId.getAvailableZoneIds()) {
      ZoneId zone = ZoneId.of(id);
      ZoneOffsetTransition t = zone.getRules().nextTransition(from);
      while (t != null && t.getInstant().isBefore(to)) {
        out.add(new NearTransition(zone, t.getInstant()));
        t = zone.getRules().nextTransition(t.getInstant());
      }
    }
    return out;
  }

  /**
   * Leaves out the rare fall-back across midnight (e.g. Newfoundland until 2011, 00:01 back to
   * 23:01), after which a local date repeats and no calendar day can contain the instant.
   */
  private static void assumeNoRepeatedDate(NearTransition at) {
    LocalDate date = LocalDate.ofInstant(at.instant(), at.zone());
    Assume.that(date.plusDays(1).atStartOfDay(at.zone()).toInstant().isAfter(at.instant()));
  }

  @Provide
  Arbitrary<NearTransition> nearTransitions() {
    return Combinators.combine(
            Arbitraries.of(TRANSITIONS),
            Arbitraries.longs()
                .between(-Duration.ofDays(2).toMillis(), Duration.ofDays(2).toMillis()))
        .as((t, offset) -> new NearTransition(t.zone(), t.instant().plusMillis(offset)));
  }

  @Property(tries = 2000)
  void day_containsTheInstant_startsItsLocalDate_andEndsWhereTheNextDayStarts(
      @ForAll("nearTransitions") NearTransition at) {
    assumeNoRepeatedDate(at);
    BudgetPeriod day = BudgetPeriod.day(at.zone());
    Instant start = day.start(at.instant());
    Instant end = day.end(at.instant());
    LocalDate date = LocalDate.ofInstant(at.instant(), at.zone());

    assertThat(start)
        .isBeforeOrEqualTo(at.instant())
        .isEqualTo(date.atStartOfDay(at.zone()).toInstant());
    assertThat(end).isAfter(at.instant());
    assertThat(day.start(end)).isEqualTo(end);
  }

  @Property(tries = 2000)
  void month_containsTheInstant_andEndsWhereTheNextMonthStarts(
      @ForAll("nearTransitions") NearTransition at) {
    assumeNoRepeatedDate(at);
    BudgetPeriod month = BudgetPeriod.month(at.zone());
    Instant start = month.start(at.instant());
    Instant end = month.end(at.instant());
    LocalDate first = LocalDate.ofInstant(at.instant(), at.zone()).withDayOfMonth(1);

    assertThat(start)
        .isBeforeOrEqualTo(at.instant())
        .isEqualTo(first.atStartOfDay(at.zone()).toInstant());
    assertThat(end).isAfter(at.instant());
    assertThat(month.start(end)).isEqualTo(end);
  }
}
