package io.cohort.billing.ledger;

import io.cohort.billing.money.Micros;

/**
 * The platform's cut of each charge, and the public-benefit discount it funds.
 *
 * @param platformFeePpm fraction of every usage charge that goes to the platform, in ppm
 * @param publicBenefitDiscountPpm fraction of a charge given back to a public-interest consumer,
 *     in ppm; at most the platform fee, because the discount is funded from the platform's cut
 *     and never from the owners' share
 */
public record FeePolicy(long platformFeePpm, long publicBenefitDiscountPpm) {

  public FeePolicy {
    if (platformFeePpm < 0 || platformFeePpm > Micros.PPM) {
      throw new IllegalArgumentException("platform fee must be in [0, 1000000] ppm, got "
          + platformFeePpm);
    }
    if (publicBenefitDiscountPpm < 0 || publicBenefitDiscountPpm > platformFeePpm) {
      throw new IllegalArgumentException("public-benefit discount must be in [0, platform fee "
          + platformFeePpm + "] ppm, got " + publicBenefitDiscountPpm);
    }
  }

  /** From fractions, e.g. {@code ofFractions(0.2, 0.1)}. */
  public static FeePolicy ofFractions(double platformFee, double publicBenefitDiscount) {
    return new FeePolicy(Math.round(platformFee * Micros.PPM),
        Math.round(publicBenefitDiscount * Micros.PPM));
  }
}
