package io.cohort.billing.pricing;

/**
 * The per-consumer, per-period counters pricing reads and updates. The billing topology keeps
 * them in state stores; tests keep them in maps.
 */
public interface UsageCounters {

  /**
   * Predictions a consumer has been charged at list price (pay-per-use or overage) in one
   * period for one model version ({@code "<federation>/<version>"}); 0 when none.
   */
  long chargedPredictions(String consumerId, String periodId, String versionKey);

  void putChargedPredictions(String consumerId, String periodId, String versionKey, long count);

  /** The consumer's subscription usage in a period, or null before its first use there. */
  SubscriptionUsage subscription(String consumerId, String periodId);

  void putSubscription(String consumerId, String periodId, SubscriptionUsage usage);
}
