package dev.guardrails.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

final class BudgetPeriodTest {

  @Test
  void day_inZone_startsAndEndsAtLocalMidnight() {
    BudgetPeriod day = BudgetPeriod.day(ZoneId.of("Europe/Berlin"));
    Instant now = Instant.parse("2026-11-22T23:30:00Z"); // 00:30 on the 23rd in Berlin
    assertThat(day.start(now)).isEqualTo(Instant.parse("2026-11-22T23:00:00Z"));
    assertThat(day.end(now)).isEqualTo(Instant.parse("2026-11-23T23:00:00Z"));
  }

  @Test
  void day_acrossDaylightSavingChange_is23HoursLong() {
    BudgetPeriod day = BudgetPeriod.day(ZoneId.of("Europe/Berlin"));
    Instant now = Instant.parse("2026-03-29T12:00:00Z");
    assertThat(Duration.between(day.start(now), day.end(now))).isEqualTo(Duration.ofHours(23));
  }

  @Test
  void day_whoseMidnightIsSkipped_endsAtTheNextMidnight() {
    // Chile: on 2023-09-03 the clocks jump from 00:00 to 01:00, so that day starts at 01:00
    BudgetPeriod day = BudgetPeriod.day(ZoneId.of("America/Santiago"));
    Instant noon = Instant.parse("2023-09-03T15:00:00Z"); // 12:00 local (-03:00)
    assertThat(day.start(noon)).isEqualTo(Instant.parse("2023-09-03T04:00:00Z")); // 01:00 local
    assertThat(day.end(noon)).isEqualTo(Instant.parse("2023-09-04T03:00:00Z")); // 00:00 local
    Instant nextDay = Instant.parse("2023-09-04T03:30:00Z"); // 00:30 local on the 4th
    assertThat(day.start(nextDay)).isEqualTo(Instant.parse("2023-09-04T03:00:00Z"));
    assertThat(Duration.between(day.start(noon), day.end(noon))).isEqualTo(Duration.ofHours(23));
  }

  @Test
  void day_whoseMidnightIsSkipped_doesNotCountTheNextDaysFirstHour() {
    BudgetPeriod day = BudgetPeriod.day(ZoneId.of("America/Santiago"));
    BudgetPeriod.Range skipped = day.range(Instant.parse("2023-09-03T15:00:00Z").toEpochMilli());
    long nextDay = Instant.parse("2023-09-04T03:30:00Z").toEpochMilli(); // 00:30 local on the 4th
    assertThat(skipped.contains(nextDay)).isFalse();
    assertThat(day.range(nextDay).start()).isEqualTo(Instant.parse("2023-09-04T03:00:00Z"));
  }

  @Test
  void month_whoseFirstMidnightIsSkipped_endsAtTheNextFirstsMidnight() {
    // Paraguay: on 2023-10-01 the clocks jump from 00:00 to 01:00
    BudgetPeriod month = BudgetPeriod.month(ZoneId.of("America/Asuncion"));
    Instant mid = Instant.parse("2023-10-15T15:00:00Z");
    assertThat(month.start(mid)).isEqualTo(Instant.parse("2023-10-01T04:00:00Z")); // 01:00 local
    assertThat(month.end(mid)).isEqualTo(Instant.parse("2023-11-01T03:00:00Z")); // 00:00 local
  }

  @Test
  void month_inUtc_runsFromFirstToFirst() {
    BudgetPeriod month = BudgetPeriod.month(ZoneOffset.UTC);
    Instant now = Instant.parse("2026-02-14T10:00:00Z");
    assertThat(month.start(now)).isEqualTo(Instant.parse("2026-02-01T00:00:00Z"));
    assertThat(month.end(now)).isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
  }

  @Test
  void rolling_window_endsNowAndStartsWindowEarlier() {
    BudgetPeriod rolling = BudgetPeriod.rolling(Duration.ofHours(24));
    Instant now = Instant.parse("2026-11-22T10:00:00Z");
    assertThat(rolling.isRolling()).isTrue();
    assertThat(rolling.start(now)).isEqualTo(Instant.parse("2026-11-21T10:00:00Z"));
    assertThat(rolling.end(now)).isEqualTo(now);
  }

  @Test
  void day_askedAcrossMidnightAndBack_answersEachInstantsOwnDay() {
    BudgetPeriod day = BudgetPeriod.day(ZoneOffset.UTC);
    Instant before = Instant.parse("2026-11-22T23:59:59.999Z");
    Instant after = Instant.parse("2026-11-23T00:00:00Z");
    assertThat(day.start(before)).isEqualTo(Instant.parse("2026-11-22T00:00:00Z"));
    assertThat(day.end(before)).isEqualTo(after);
    assertThat(day.start(after)).isEqualTo(after);
    assertThat(day.end(after)).isEqualTo(Instant.parse("2026-11-24T00:00:00Z"));
    assertThat(day.start(before)).isEqualTo(Instant.parse("2026-11-22T00:00:00Z"));
    assertThat(day)
        .isEqualTo(BudgetPeriod.day(ZoneOffset.UTC))
        .hasSameHashCodeAs(BudgetPeriod.day(ZoneOffset.UTC));
  }

  @Test
  void rolling_shorterThanASecond_isRejected() {
    assertThatThrownBy(() -> BudgetPeriod.rolling(Duration.ofMillis(10)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rolling window must be at least one second, but was PT0.01S");
  }

  @Test
  void window_ofCalendarPeriod_isIllegalState() {
    assertThatThrownBy(() -> BudgetPeriod.day(ZoneOffset.UTC).window())
        .isInstanceOf(IllegalStateException.class);
  }
}
