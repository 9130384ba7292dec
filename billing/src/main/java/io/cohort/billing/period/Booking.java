package io.cohort.billing.period;

/**
 * Where a charge is booked: the period, and for a late event the closed period it belonged to.
 *
 * @param periodId the open period the entries are booked in
 * @param adjustment true when the event's own period was already closed
 * @param originalPeriodId the event's own period when {@code adjustment}, else empty
 */
public record Booking(String periodId, boolean adjustment, String originalPeriodId) {

  public static Booking onTime(String periodId) {
    return new Booking(periodId, false, "");
  }
}
