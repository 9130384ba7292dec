package io.cohort.billing.period;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;

/** UTC calendar months. */
public final class MonthlyPeriods implements PeriodCalendar {

  @Override
  public Period periodOf(long timeMs) {
    YearMonth month = YearMonth.from(Instant.ofEpochMilli(timeMs).atZone(ZoneOffset.UTC));
    long start = month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
    long end = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
    return new Period(start, end);
  }
}
