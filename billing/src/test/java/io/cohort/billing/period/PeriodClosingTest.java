package io.cohort.billing.period;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class PeriodClosingTest {

  private static final long MINUTE = 60_000;
  private final PeriodClosing closing = new PeriodClosing(new FixedPeriods(Duration.ofMinutes(1)),
      Duration.ofSeconds(10));

  @Test
  void anEventInAnOpenPeriodIsBookedInItsOwnPeriod() {
    Booking b = closing.book(5 * MINUTE + 1, 6 * MINUTE + 9_999);

    assertThat(b).isEqualTo(Booking.onTime(Instant.ofEpochMilli(5 * MINUTE).toString()));
  }

  @Test
  void aLateEventIsAnAdjustmentInTheEarliestOpenPeriod() {
    Booking b = closing.book(5 * MINUTE + 1, 8 * MINUTE);

    assertThat(b.adjustment()).isTrue();
    assertThat(b.originalPeriodId()).isEqualTo("1970-01-01T00:05:00Z");
    assertThat(b.periodId()).isEqualTo("1970-01-01T00:07:00Z");
  }

  @Test
  void aPeriodClosesWhenTheClockPassesItsEndPlusGrace() {
    Period p = closing.calendar().periodOf(0);

    assertThat(closing.isClosed(p, MINUTE + 9_999)).isFalse();
    assertThat(closing.isClosed(p, MINUTE + 10_000)).isTrue();
  }

  @Property
  void theBookedPeriodIsNeverClosedAndNeverBeforeTheEvent(
      @ForAll @LongRange(min = 0, max = 10_000_000_000L) long eventTime,
      @ForAll @LongRange(min = 0, max = 10_000_000L) long delay) {
    long now = eventTime + delay;
    Booking b = closing.book(eventTime, now);
    Period booked = closing.calendar().byId(b.periodId());

    assertThat(closing.isClosed(booked, now)).isFalse();
    assertThat(booked.endMs()).isGreaterThan(eventTime);
    assertThat(b.adjustment()).isEqualTo(!booked.contains(eventTime));
  }

  @Test
  void monthlyPeriodsAreUtcCalendarMonths() {
    PeriodCalendar monthly = PeriodCalendar.named("monthly");
    Period feb = monthly.periodOf(Instant.parse("2028-02-29T23:59:59Z").toEpochMilli());

    assertThat(feb.id()).isEqualTo("2028-02-01T00:00:00Z");
    assertThat(Instant.ofEpochMilli(feb.endMs())).isEqualTo(Instant.parse("2028-03-01T00:00:00Z"));
    assertThat(monthly.byId("2028-02-01T00:00:00Z")).isEqualTo(feb);
  }

  @Test
  void anIdThatIsNotAPeriodStartIsRefused() {
    PeriodCalendar fixed = PeriodCalendar.named("PT1M");

    assertThatThrownBy(() -> fixed.byId("1970-01-01T00:00:30Z"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> fixed.byId("yesterday")).isInstanceOf(IllegalArgumentException.class);
  }
}
