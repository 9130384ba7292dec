package io.cohort.billing.ledger;

import io.cohort.billing.period.Booking;
import io.cohort.proto.v1.OwnerShare;
import java.util.List;

/**
 * One amount of money that moves, before it is posted as balanced ledger entries.
 *
 * @param chargeId deterministic id, unique in the ledger
 * @param kind how it is posted
 * @param payerAccount the account debited
 * @param consumerId the consumer the charge concerns
 * @param grossMicros the amount debited, non-negative
 * @param predictions predictions covered (0 when not usage)
 * @param federationId federation of the version that served the usage, or empty
 * @param modelVersion version that served the usage, or empty
 * @param shares contribution shares of that version (USAGE only), summing to 1,000,000 ppm
 * @param publicBenefit whether the consumer gets the public-benefit discount (USAGE only)
 * @param booking the period the entries are booked in
 * @param sourceEventId the event the charge comes from
 * @param eventTimeMs time of that event
 */
public record Charge(
    String chargeId,
    Kind kind,
    String payerAccount,
    String consumerId,
    long grossMicros,
    long predictions,
    String federationId,
    String modelVersion,
    List<OwnerShare> shares,
    boolean publicBenefit,
    Booking booking,
    String sourceEventId,
    long eventTimeMs) {

  /** How a charge is posted. */
  public enum Kind {
    /** Usage: split between the platform fee and the owners by contribution share. */
    USAGE,
    /** A subscription fee: from the consumer to its prepaid account. */
    SUBSCRIPTION_FEE,
    /** What was left of a past period's subscription fee: from prepaid to the platform. */
    BREAKAGE
  }

  public Charge {
    if (grossMicros < 0) {
      throw new IllegalArgumentException("gross must be non-negative, got " + grossMicros);
    }
    shares = List.copyOf(shares);
  }
}
