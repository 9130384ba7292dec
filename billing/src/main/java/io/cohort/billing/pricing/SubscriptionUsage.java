package io.cohort.billing.pricing;

/**
 * A subscriber's use of one billing period's included quota.
 *
 * <p>The period's fee is paid into the consumer's prepaid account at its first use in the
 * period, and drawn down as included predictions are used: after {@code used} of
 * {@code included} predictions, {@code floor(fee * used / included)} micros have been drawn, so
 * the draws sum to exactly the fee when the quota is used up. What is left when the period
 * closes is breakage and goes to the platform.
 *
 * @param feeMicros the fee paid for the period
 * @param includedPredictions predictions included in the fee
 * @param usedPredictions included predictions used so far
 * @param drawnMicros fee drawn down so far
 */
public record SubscriptionUsage(
    long feeMicros, long includedPredictions, long usedPredictions, long drawnMicros) {

  public SubscriptionUsage {
    if (feeMicros < 0 || includedPredictions < 0 || usedPredictions < 0 || drawnMicros < 0
        || usedPredictions > includedPredictions || drawnMicros > feeMicros) {
      throw new IllegalArgumentException("inconsistent subscription usage: fee=" + feeMicros
          + " included=" + includedPredictions + " used=" + usedPredictions
          + " drawn=" + drawnMicros);
    }
  }

  /** Predictions still included in the fee. */
  public long remainingPredictions() {
    return includedPredictions - usedPredictions;
  }

  /** Fee not yet drawn down. */
  public long undrawnMicros() {
    return feeMicros - drawnMicros;
  }
}
