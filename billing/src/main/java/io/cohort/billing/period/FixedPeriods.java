package io.cohort.billing.period;

import java.time.Duration;

/** Periods of one fixed length, aligned to the Unix epoch. */
public final class FixedPeriods implements PeriodCalendar {

  private final long lengthMs;

  public FixedPeriods(Duration length) {
    this.lengthMs = length.toMillis();
    if (lengthMs <= 0) {
      throw new IllegalArgumentException("period length must be positive, got " + length);
    }
  }

  @Override
  public Period periodOf(long timeMs) {
    long start = Math.floorDiv(timeMs, lengthMs) * lengthMs;
    return new Period(start, start + lengthMs);
  }
}
