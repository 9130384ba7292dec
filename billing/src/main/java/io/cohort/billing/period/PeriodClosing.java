package io.cohort.billing.period;

import java.time.Duration;

/**
 * When periods close and where a late event is booked.
 *
 * <p>A period [start, end) is open until the billing service's clock reaches {@code end + grace};
 * from then on it is closed and its entries never change. An event whose own period is closed
 * is booked, as an adjustment, in the earliest open period (the one containing
 * {@code now - grace}). The clock is the processing wall clock, which every partition shares, so
 * a period closes for every account at the same moment.
 */
public final class PeriodClosing {

  private final PeriodCalendar calendar;
  private final long graceMs;
  /** The period (and its id) of the last event booked: nearly every event is in it. */
  private volatile Recent recent;

  private record Recent(Period period, String id) {}

  public PeriodClosing(PeriodCalendar calendar, Duration grace) {
    this.calendar = calendar;
    this.graceMs = grace.toMillis();
    if (graceMs < 0) {
      throw new IllegalArgumentException("grace must not be negative, got " + grace);
    }
  }

  public PeriodCalendar calendar() {
    return calendar;
  }

  /** True when the period is closed at {@code nowMs}. */
  public boolean isClosed(Period period, long nowMs) {
    return nowMs - graceMs >= period.endMs();
  }

  /** The earliest period still open at {@code nowMs}. */
  public Period earliestOpen(long nowMs) {
    return calendar.periodOf(nowMs - graceMs);
  }

  /** Where an event at {@code eventTimeMs} processed at {@code nowMs} is booked. */
  public Booking book(long eventTimeMs, long nowMs) {
    Recent own = recent;
    if (own == null || !own.period().contains(eventTimeMs)) {
      Period period = calendar.periodOf(eventTimeMs);
      own = new Recent(period, period.id());
      recent = own;
    }
    if (!isClosed(own.period(), nowMs)) {
      return Booking.onTime(own.id());
    }
    return new Booking(earliestOpen(nowMs).id(), true, own.id());
  }
}
