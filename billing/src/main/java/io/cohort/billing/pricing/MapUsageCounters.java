package io.cohort.billing.pricing;

import java.util.HashMap;
import java.util.Map;

/**
 * Usage counters in plain maps: the reference model for tests and the benchmark (the billing
 * topology keeps the same counters in state stores). Not thread-safe.
 */
public final class MapUsageCounters implements UsageCounters {

  private final Map<String, Long> charged = new HashMap<>();
  private final Map<String, SubscriptionUsage> subscriptions = new HashMap<>();

  @Override
  public long chargedPredictions(String consumerId, String periodId, String versionKey) {
    return charged.getOrDefault(periodId + "|" + consumerId + "|" + versionKey, 0L);
  }

  @Override
  public void putChargedPredictions(String consumerId, String periodId, String versionKey,
      long count) {
    charged.put(periodId + "|" + consumerId + "|" + versionKey, count);
  }

  @Override
  public SubscriptionUsage subscription(String consumerId, String periodId) {
    return subscriptions.get(periodId + "|" + consumerId);
  }

  @Override
  public void putSubscription(String consumerId, String periodId, SubscriptionUsage usage) {
    subscriptions.put(periodId + "|" + consumerId, usage);
  }
}
