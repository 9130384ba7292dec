package io.cohort.billing.stream;

import io.cohort.billing.ledger.FeePolicy;
import io.cohort.billing.period.FixedPeriods;
import io.cohort.billing.period.PeriodClosing;
import java.time.Duration;

/**
 * What the billing topology needs to know.
 *
 * @param currency ISO 4217 code of every price and entry; versions priced in another currency
 *     are dead-lettered
 * @param fees platform fee and public-benefit discount
 * @param periods billing periods and when they close
 * @param dedupRetention how long event ids are remembered; longer than any replay. Events older
 *     than this (relative to the newest event seen) are dead-lettered as EXPIRED.
 * @param maxFutureSkew events dated further than this ahead of the wall clock are EXPIRED
 * @param closeInterval how often closed periods are settled (subscription breakage)
 */
public record BillingSettings(
    String currency,
    FeePolicy fees,
    PeriodClosing periods,
    Duration dedupRetention,
    Duration maxFutureSkew,
    Duration closeInterval) {

  /** Defaults for the demo: EUR, 20% platform fee, 10% public-benefit discount, 1-minute periods. */
  public static BillingSettings demo() {
    return new BillingSettings("EUR", FeePolicy.ofFractions(0.20, 0.10),
        new PeriodClosing(new FixedPeriods(Duration.ofMinutes(1)), Duration.ofSeconds(10)),
        Duration.ofDays(7), Duration.ofHours(1), Duration.ofSeconds(5));
  }
}
