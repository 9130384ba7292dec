package io.cohort.coordinator.keys;

/**
 * Limits of one API key: a token-bucket rate limit on requests and a daily (UTC) quota of
 * predictions.
 *
 * @param requestsPerSecond sustained request rate; 0 = no rate limit
 * @param burst requests allowed at once above the sustained rate (bucket size, at least 1)
 * @param dailyPredictions predictions per UTC day; 0 = no quota
 */
public record QuotaPolicy(double requestsPerSecond, int burst, long dailyPredictions) {

  public QuotaPolicy {
    if (requestsPerSecond < 0 || burst < 1 || dailyPredictions < 0) {
      throw new IllegalArgumentException("quota needs requests_per_second >= 0, burst >= 1,"
          + " daily_predictions >= 0");
    }
  }

  /** Generous defaults: 2,000 requests/s with a burst of 4,000, 10 million predictions a day. */
  public static QuotaPolicy defaults() {
    return new QuotaPolicy(2_000, 4_000, 10_000_000);
  }

  public static QuotaPolicy unlimited() {
    return new QuotaPolicy(0, 1, 0);
  }
}
