package io.cohort.billing.period;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Cuts event time into contiguous, non-overlapping billing periods. */
public interface PeriodCalendar {

  /** The period that contains the instant. */
  Period periodOf(long timeMs);

  /** The period with the given id. Throws IllegalArgumentException for an id that is not one. */
  default Period byId(String periodId) {
    long start;
    try {
      start = Instant.parse(periodId).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not a period id: " + periodId, e);
    }
    Period p = periodOf(start);
    if (p.startMs() != start) {
      throw new IllegalArgumentException("not the start of a period: " + periodId);
    }
    return p;
  }

  /**
   * A calendar by name: {@code monthly} (UTC calendar months) or an ISO-8601 duration such as
   * {@code PT1M} (fixed periods aligned to the Unix epoch; the demo uses short ones).
   */
  static PeriodCalendar named(String spec) {
    if (spec.equalsIgnoreCase("monthly")) {
      return new MonthlyPeriods();
    }
    return new FixedPeriods(Duration.parse(spec));
  }
}
