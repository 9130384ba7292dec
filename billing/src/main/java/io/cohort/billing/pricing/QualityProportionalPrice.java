package io.cohort.billing.pricing;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * {@code P = alpha * quality}: the price per 1,000 predictions is proportional to the version's
 * quality, rounded half-up to whole micro-units. A better model earns more; a worse one cannot be
 * sold at the old price.
 */
public final class QualityProportionalPrice implements ListPriceRule {

  private final long alphaMicrosPer1000;

  /** @param alphaMicrosPer1000 the price per 1,000 predictions of a perfect model (quality 1) */
  public QualityProportionalPrice(long alphaMicrosPer1000) {
    if (alphaMicrosPer1000 < 0) {
      throw new IllegalArgumentException("alpha must be non-negative, got " + alphaMicrosPer1000);
    }
    this.alphaMicrosPer1000 = alphaMicrosPer1000;
  }

  @Override
  public long pricePer1000Micros(double quality) {
    if (!(quality >= 0.0 && quality <= 1.0)) {
      throw new IllegalArgumentException("quality must be in [0, 1], got " + quality);
    }
    return new BigDecimal(quality).multiply(BigDecimal.valueOf(alphaMicrosPer1000))
        .setScale(0, RoundingMode.HALF_UP).longValueExact();
  }
}
