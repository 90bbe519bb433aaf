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
